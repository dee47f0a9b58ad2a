"""Which Comptables are assigned to which clients (a Comptable sees only those)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from api.clients import service as clients_service
from api.clients.assignments import service
from api.clients.http import ClientsRead, ClientsWrite
from api.clients.schemas import (
    AssigneeOut,
    BulkAssignment,
    BulkResult,
)
from api.core.db import DbSession
from api.core.errors import problem_responses

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
    response_model=list[AssigneeOut],
    responses=problem_responses(401, 404),
)
async def list_assignments(
    client_id: uuid.UUID, session: DbSession, principal: ClientsRead
) -> list[AssigneeOut]:
    """The Comptables assigned to a client."""
    await clients_service.get_client(session, principal, client_id)
    return await assignees_out(session, client_id)


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


async def assignees_out(session: DbSession, client_id: uuid.UUID) -> list[AssigneeOut]:
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
