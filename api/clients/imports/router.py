"""The Excel import of clients: a dry run stored row by row, then the confirmation that
creates the clients through the one creation path (`api.clients.service.create_clients`)."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Query, Request, Response, status

from api.clients.http import XLSX_RESPONSE, ClientsWrite, xlsx_response
from api.clients.imports import service
from api.clients.schemas import (
    ImportConfirmation,
    ImportCounts,
    ImportOutcome,
    ImportReport,
    ImportRowOut,
)
from api.clients.spreadsheet import XLSX_MEDIA_TYPE, SpreadsheetTooLarge
from api.companies.dependencies import CompanyRegistryDep
from api.core.db import DbSession, ReadOnly
from api.core.errors import problem_responses
from api.core.input import HumanText
from api.core.pagination import PageCursor
from api.core.settings import app_settings
from api.models.client import (
    ClientImport,
    ClientImportOutcome,
)

router = APIRouter(prefix="/clients")


@router.get(
    "/import-template.xlsx",
    response_class=Response,
    responses=XLSX_RESPONSE | problem_responses(401, 404),
)
async def import_template(_actor: ClientsWrite) -> Response:
    """The Excel template of the client import (French headers, instructions, validation)."""
    return xlsx_response(service.import_template(), "modele-import-clients.xlsx")


ImportPageLimit = Annotated[
    int,
    Query(
        ge=1,
        le=service.IMPORT_MAX_PAGE_SIZE,
        description=f"Rows per page (≤ {service.IMPORT_MAX_PAGE_SIZE}).",
    ),
]


def _rows(page: service.ImportRowsPage) -> list[ImportRowOut]:
    return [ImportRowOut.model_validate(row, from_attributes=True) for row in page.rows]


def _report(client_import: ClientImport, page: service.ImportRowsPage) -> ImportReport:
    return ImportReport(
        id=client_import.id,
        status=client_import.status.value,
        file_name=client_import.file_name,
        expires_at=client_import.expires_at,
        unknown_columns=client_import.unknown_columns,
        counts=ImportCounts(**service.import_counts(client_import)),
        rows=_rows(page),
        next_cursor=page.next_cursor,
    )


@asynccontextmanager
async def _spooled_body(request: Request, limit: int) -> AsyncIterator[BinaryIO]:
    """The uploaded file in an anonymous temporary file, refused as soon as it passes
    `limit`: the body is never held in memory, and the file is gone when the block ends."""
    declared = request.headers.get("content-length")
    too_large = SpreadsheetTooLarge(f"Le fichier dépasse {limit // (1024 * 1024)} Mo.")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    with tempfile.TemporaryFile(prefix="comptoir-import-") as upload:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large
            upload.write(chunk)
        upload.seek(0)
        yield upload


@router.post(
    "/imports",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportReport,
    responses=problem_responses(401, 404, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload_import(
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
    registry: CompanyRegistryDep,
    file_name: Annotated[HumanText | None, Query(max_length=255)] = None,
) -> ImportReport:
    """Upload an .xlsx (the file as the body): a dry-run report per row, its first page
    here; nothing is created."""
    settings = app_settings(request)
    async with _spooled_body(request, settings.client_import_max_bytes) as upload:
        client_import = await service.analyse_import(
            session, registry, settings, actor, upload, file_name
        )
    return _report(client_import, await service.import_rows(session, client_import))


@router.get(
    "/imports/{import_id}",
    response_model=ImportReport,
    responses=problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def get_import(
    import_id: uuid.UUID,
    session: DbSession,
    actor: ClientsWrite,
    cursor: PageCursor = None,
    limit: ImportPageLimit = service.IMPORT_PAGE_SIZE,
    outcome: Annotated[
        ImportOutcome | None, Query(description="Only the rows with this outcome.")
    ] = None,
) -> ImportReport:
    """An import's report, a page of rows at a time (in sheet order)."""
    client_import = await service.get_import(session, actor.principal, import_id)
    page = await service.import_rows(
        session,
        client_import,
        outcome=ClientImportOutcome(outcome) if outcome else None,
        cursor=cursor,
        limit=limit,
    )
    return _report(client_import, page)


@router.post(
    "/imports/{import_id}/confirm",
    response_model=ImportConfirmation,
    responses=problem_responses(401, 404, 409, 410),
)
async def confirm_import(
    import_id: uuid.UUID, session: DbSession, actor: ClientsWrite
) -> ImportConfirmation:
    """Create the clients the dry run announced (rows already clients are skipped)."""
    confirmed = await service.confirm_import(session, actor, import_id)
    page = await service.import_rows(session, confirmed.client_import)
    return ImportConfirmation(
        id=confirmed.client_import.id,
        created=confirmed.created,
        skipped=confirmed.skipped,
        counts=ImportCounts(**service.import_counts(confirmed.client_import)),
        rows=_rows(page),
        next_cursor=page.next_cursor,
    )
