"""HTTP routes of the clients application (Gestionnaire de clients; Comptables read their
assigned clients)."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Depends, Query, Request, Response, status

from api.auth.dependencies import acting, require
from api.clients import invitations, service
from api.clients.schemas import (
    AssigneeOut,
    BulkAssignment,
    BulkResult,
    BulkSubscription,
    ClientCreate,
    ClientDetail,
    ClientFilterParams,
    ClientInvitations,
    ClientListParams,
    ClientOut,
    ClientPage,
    ContactUpdate,
    ImportConfirmation,
    ImportCounts,
    ImportOutcome,
    ImportReport,
    ImportRowOut,
    InvitationResults,
    PlanOut,
    ReminderRequest,
    ReminderResults,
    SubscriptionChangeOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionWithHistory,
)
from api.clients.spreadsheet import XLSX_MEDIA_TYPE, SpreadsheetTooLarge
from api.companies.dependencies import CompanyRegistryDep
from api.core.actor import Actor
from api.core.authz import Permission, Principal
from api.core.db import DbSession, ReadOnly
from api.core.errors import problem_responses
from api.core.input import HumanText
from api.core.pagination import PageCursor
from api.core.responses import PlainJSONResponse
from api.core.settings import app_settings
from api.models.client import (
    ClientImport,
    ClientImportOutcome,
)

router = APIRouter(prefix="/clients", tags=["clients"])

ClientsRead = Annotated[Principal, Depends(require(Permission.CLIENTS_READ))]
ClientsWrite = Annotated[Actor, Depends(acting(Permission.CLIENTS_MANAGE))]

_XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
}


def _list_query(params: ClientFilterParams) -> service.ListQuery:
    return service.ListQuery(
        q=params.q,
        status=params.status,
        pa_status=params.pa_status,
        assignee_id=params.assignee,
        plan=params.plan,
        sort=params.sort,
        invitation_status=params.invitation_status,
    )


def _xlsx(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
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
    responses=_XLSX_RESPONSE | problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def export_clients(
    session: DbSession, principal: ClientsRead, params: Annotated[ClientFilterParams, Query()]
) -> Response:
    """The clients of the current filter as an Excel file."""
    content = await service.export_clients(session, principal, _list_query(params))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return _xlsx(content, f"clients-{stamp}.xlsx")


@router.get("/plans", response_model=list[PlanOut], responses=problem_responses(401, 404))
async def list_plans(request: Request, _principal: ClientsRead) -> list[PlanOut]:
    """The subscription plans the firm offers (configured catalogue)."""
    return [
        PlanOut.model_validate(plan.model_dump()) for plan in service.plans(app_settings(request))
    ]


@router.get(
    "/import-template.xlsx",
    response_class=Response,
    responses=_XLSX_RESPONSE | problem_responses(401, 404),
)
async def import_template(_actor: ClientsWrite) -> Response:
    """The Excel template of the client import (French headers, instructions, validation)."""
    return _xlsx(service.import_template(), "modele-import-clients.xlsx")


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


@router.post(
    "/bulk/assignments", response_model=BulkResult, responses=problem_responses(401, 404, 422)
)
async def bulk_assign(body: BulkAssignment, session: DbSession, actor: ClientsWrite) -> BulkResult:
    """Assign (or unassign) Comptables to many clients; one result per client."""
    results = await service.bulk_assign(session, actor, body.client_ids, body.user_ids, body.action)
    return BulkResult(results=results)


@router.post(
    "/bulk/subscription", response_model=BulkResult, responses=problem_responses(401, 404, 422)
)
async def bulk_set_subscription(
    body: BulkSubscription,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> BulkResult:
    """Set the same subscription on many clients; one result per client."""
    data = SubscriptionIn.model_validate(body.model_dump(exclude={"client_ids"}))
    results = await service.bulk_set_subscription(
        session, app_settings(request), actor, body.client_ids, data
    )
    return BulkResult(results=results)


@router.post(
    "/invitations", response_model=InvitationResults, responses=problem_responses(401, 404, 422)
)
async def invite_clients(
    body: ClientInvitations,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> InvitationResults:
    """Invite the contacts of many clients ("Inviter"); one result per client."""
    results = await invitations.bulk_invite(session, app_settings(request), actor, body.client_ids)
    return InvitationResults(results=results)


@router.post(
    "/invitations/reminders",
    response_model=ReminderResults,
    responses=problem_responses(401, 404, 422),
)
async def remind_invited_clients(
    body: ReminderRequest,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> ReminderResults:
    """Send a new link to the clients invited N days ago or more and still not active."""
    reminders = await invitations.remind_firm(
        session,
        app_settings(request),
        actor,
        older_than_days=body.older_than_days,
        max_reminders=body.max_reminders,
    )
    return ReminderResults(results=reminders.results, more=reminders.more)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ClientOut,
    responses=problem_responses(401, 404, 409, 422, 502, 503),
)
async def create_client(
    body: ClientCreate,
    session: DbSession,
    actor: ClientsWrite,
    registry: CompanyRegistryDep,
) -> ClientOut:
    """Add a client by SIREN or SIRET; its identity comes from the company registry."""
    client = await service.add_client(session, registry, actor, body)
    return ClientOut.model_validate(client)


@router.post(
    "/self",
    status_code=status.HTTP_201_CREATED,
    response_model=ClientOut,
    responses=problem_responses(401, 404, 409, 422),
)
async def add_firm_itself(
    session: DbSession, actor: ClientsWrite, registry: CompanyRegistryDep
) -> ClientOut:
    """Add the firm itself as a client, creating its own company space."""
    client = await service.add_firm_itself(session, registry, actor)
    return ClientOut.model_validate(client)


async def _detail(session: DbSession, client_id: uuid.UUID, principal: Principal) -> ClientDetail:
    client = await service.get_client(session, principal, client_id)
    subscription, _history = await service.subscription_of(session, principal, client_id)
    return ClientDetail.model_validate(
        ClientOut.model_validate(client).model_dump()
        | {
            "assignees": await _assignees(session, client_id),
            "subscription": SubscriptionOut.model_validate(subscription) if subscription else None,
        }
    )


async def _assignees(session: DbSession, client_id: uuid.UUID) -> list[AssigneeOut]:
    return [
        AssigneeOut(
            user_id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            assigned_at=assignment.created_at,
        )
        for assignment, user in await service.assignees(session, client_id)
    ]


@router.get(
    "/{client_id}",
    response_model=ClientDetail,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_client(
    client_id: uuid.UUID, session: DbSession, principal: ClientsRead
) -> ClientDetail:
    """One client, with its Comptables and its subscription."""
    return await _detail(session, client_id, principal)


@router.patch(
    "/{client_id}", response_model=ClientDetail, responses=problem_responses(401, 404, 422)
)
async def update_client_contact(
    client_id: uuid.UUID,
    body: ContactUpdate,
    session: DbSession,
    actor: ClientsWrite,
) -> ClientDetail:
    """Change the client's contact (the person the invitation goes to)."""
    await service.update_contact(session, actor, client_id, body)
    return await _detail(session, client_id, actor.principal)


@router.post(
    "/{client_id}/invitation",
    response_model=ClientDetail,
    responses=problem_responses(401, 404, 409, 422),
)
async def invite_client(
    client_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> ClientDetail:
    """Invite the client's contact: a mail with a single-use activation link (a new link,
    the previous one dying, when an invitation was already sent)."""
    await invitations.invite(session, app_settings(request), actor, client_id)
    return await _detail(session, client_id, actor.principal)


@router.delete(
    "/{client_id}/invitation",
    response_model=ClientDetail,
    responses=problem_responses(401, 404, 409),
)
async def withdraw_invitation(
    client_id: uuid.UUID, session: DbSession, actor: ClientsWrite
) -> ClientDetail:
    """Cancel the client's pending invitation: its link stops working."""
    await invitations.withdraw(session, actor, client_id)
    return await _detail(session, client_id, actor.principal)


@router.get(
    "/{client_id}/assignments",
    response_model=list[AssigneeOut],
    responses=problem_responses(401, 404),
)
async def list_assignments(
    client_id: uuid.UUID, session: DbSession, principal: ClientsRead
) -> list[AssigneeOut]:
    """The Comptables assigned to a client."""
    await service.get_client(session, principal, client_id)
    return await _assignees(session, client_id)


@router.put(
    "/{client_id}/assignments/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404, 422),
)
async def assign(
    client_id: uuid.UUID,
    user_id: uuid.UUID,
    session: DbSession,
    actor: ClientsWrite,
) -> Response:
    """Assign a Comptable to the client (idempotent)."""
    await service.assign(session, actor, client_id, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/{client_id}/assignments/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
async def unassign(
    client_id: uuid.UUID,
    user_id: uuid.UUID,
    session: DbSession,
    actor: ClientsWrite,
) -> Response:
    """Remove a Comptable from the client."""
    await service.unassign(session, actor, client_id, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{client_id}/subscription",
    response_model=SubscriptionWithHistory,
    responses=problem_responses(401, 404),
)
async def get_subscription(
    client_id: uuid.UUID, session: DbSession, principal: ClientsRead
) -> SubscriptionWithHistory:
    """The client's current subscription and its change history (newest first)."""
    current, history = await service.subscription_of(session, principal, client_id)
    return SubscriptionWithHistory(
        current=SubscriptionOut.model_validate(current) if current else None,
        history=[SubscriptionChangeOut.model_validate(change) for change in history],
    )


@router.put(
    "/{client_id}/subscription",
    response_model=SubscriptionOut,
    responses=problem_responses(401, 404, 422),
)
async def set_subscription(
    client_id: uuid.UUID,
    body: SubscriptionIn,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> SubscriptionOut:
    """Set the client's plan, payer, status and start date (kept in the history)."""
    subscription = await service.set_subscription(
        session, app_settings(request), actor, client_id, body
    )
    return SubscriptionOut.model_validate(subscription)
