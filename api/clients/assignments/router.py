"""Which Comptables are assigned to which clients (a Comptable sees only those)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from api.clients import service as clients_service
from api.clients.assignments import service
from api.clients.http import ClientsRead, ClientsWrite
from api.clients.schemas import (
    AssigneeOut,
    AssigneePage,
    BulkAssignment,
    BulkResult,
)
from api.core.db import DbSession
from api.core.errors import problem_responses
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit
from api.models.client import ClientAssignment
from api.models.user import User

router = APIRouter(prefix="/clients")


@router.post(
    "/bulk/assignments", response_model=BulkResult, responses=problem_responses(401, 404, 422)
)
async def bulk_assign(body: BulkAssignment, session: DbSession, actor: ClientsWrite) -> BulkResult:
    """Assign (or unassign) Comptables to many clients; one result per client."""
    results = await service.bulk_assign(session, actor, body.client_ids, body.user_ids, body.action)
    return BulkResult(results=results)


@router.get(
    "/{client_id}/assignments",
    response_model=AssigneePage,
    responses=problem_responses(401, 404, 422),
)
async def list_assignments(
    client_id: uuid.UUID,
    session: DbSession,
    principal: ClientsRead,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> AssigneePage:
    """The Comptables assigned to a client, by name."""
    await clients_service.get_client(session, principal, client_id)
    rows, next_cursor = await service.assignees_page(session, client_id, limit, cursor)
    return AssigneePage(
        items=[_assignee(assignment, user) for assignment, user in rows], next_cursor=next_cursor
    )


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


def _assignee(assignment: ClientAssignment, user: User) -> AssigneeOut:
    return AssigneeOut(
        user_id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        assigned_at=assignment.created_at,
    )


async def assignees_out(session: DbSession, client_id: uuid.UUID) -> list[AssigneeOut]:
    """Every assignee of a client (embedded in the client's detail), by name."""
    return [
        _assignee(assignment, user)
        for assignment, user in await service.assignees(session, client_id)
    ]
