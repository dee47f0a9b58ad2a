"""The list of a firm's clients (the busiest read: plain rows, sorted, by cursor) and its
.xlsx export of the current filter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.clients.http import XLSX_RESPONSE, ClientsRead, xlsx_response
from api.clients.listing import service
from api.clients.schemas import (
    ClientFilterParams,
    ClientListParams,
    ClientPage,
)
from api.core.db import DbSession, ReadOnly
from api.core.errors import problem_responses
from api.core.responses import PlainJSONResponse

router = APIRouter(prefix="/clients")


def _list_query(params: ClientFilterParams) -> service.ListQuery:
    return service.ListQuery(
        q=params.q,
        status=params.status,
        pa_status=params.pa_status,
        assignee_id=params.assignee,
        plan=params.plan,
        sort=params.sort,
        invitation_status=params.invitation_status,
        mandate_stage=params.mandate_stage,
    )


@router.get(
    "",
    response_model=ClientPage,
    responses=problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def list_clients(
    session: DbSession, principal: ClientsRead, params: Annotated[ClientListParams, Query()]
) -> Response:
    """Clients of the firm (a Comptable: the assigned ones), filtered, sorted, by cursor."""
    page = await service.list_clients(
        session, principal, _list_query(params), cursor=params.cursor, limit=params.limit
    )
    # Plain rows straight to JSON: at 20,000 clients this list is the busiest read.
    return PlainJSONResponse(page)


@router.get(
    "/export.xlsx",
    response_class=Response,
    responses=XLSX_RESPONSE | problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def export_clients(
    session: DbSession, principal: ClientsRead, params: Annotated[ClientFilterParams, Query()]
) -> Response:
    """The clients of the current filter as an Excel file."""
    content = await service.export_clients(session, principal, _list_query(params))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return xlsx_response(content, f"clients-{stamp}.xlsx")
