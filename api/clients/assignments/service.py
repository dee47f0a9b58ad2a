"""Which Comptables are assigned to which clients (a Comptable sees only those)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.clients.assignments import repository
from api.clients.schemas import BulkItemResult
from api.clients.service import (
    audit_change,
    firm_id_of,
    for_each_client,
    get_client,
)
from api.core.actor import Actor
from api.core.errors import NotFound, UnprocessableEntity
from api.models.client import (
    Client,
    ClientAssignment,
)


class NotAnAccountant(UnprocessableEntity):
    code = "not-an-accountant"
    title = "Ce collaborateur n'est pas un Comptable actif du cabinet"


async def _accountants(
    session: AsyncSession, firm_id: uuid.UUID, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, repository.Collaborator]:
    found = await repository.active_accountants(session, firm_id, user_ids=user_ids)
    by_id = {collaborator.user_id: collaborator for collaborator in found}
    missing = [user_id for user_id in user_ids if user_id not in by_id]
    if missing:
        raise NotAnAccountant(
            "Seuls les membres actifs du cabinet ayant le rôle Comptable peuvent être affectés.",
            extra={"user_ids": [str(user_id) for user_id in missing]},
        )
    return by_id


async def assignees(
    session: AsyncSession, client_id: uuid.UUID
) -> list[tuple[ClientAssignment, Any]]:
    return await repository.assignments_of(session, client_id)


async def assignees_page(
    session: AsyncSession, client_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[tuple[ClientAssignment, Any]], str | None]:
    return await repository.assignments_page(session, client_id, limit, cursor)


async def assign(
    session: AsyncSession,
    actor: Actor,
    client_id: uuid.UUID,
    user_id: uuid.UUID,
) -> None:
    """Assign a Comptable to a client (idempotent)."""
    client = await get_client(session, actor.principal, client_id)
    await _accountants(session, client.firm_id, [user_id])
    await _assign(session, actor, client, user_id)


async def _assign(
    session: AsyncSession,
    actor: Actor,
    client: Client,
    user_id: uuid.UUID,
) -> None:
    if await repository.get_assignment(session, client.id, user_id) is not None:
        return
    session.add(
        ClientAssignment(
            firm_id=client.firm_id,
            client_id=client.id,
            user_id=user_id,
            created_by_user_id=actor.principal.user_id,
        )
    )
    await session.flush()
    await audit_change(session, actor, "client.assigned", client, {"user_id": user_id})


async def unassign(
    session: AsyncSession,
    actor: Actor,
    client_id: uuid.UUID,
    user_id: uuid.UUID,
) -> None:
    client = await get_client(session, actor.principal, client_id)
    if not await _unassign(session, actor, client, user_id):
        raise NotFound("Ce collaborateur n'est pas affecté à ce client.")


async def _unassign(
    session: AsyncSession,
    actor: Actor,
    client: Client,
    user_id: uuid.UUID,
) -> bool:
    """End one assignment (audited); False when there was none."""
    if not await repository.remove_assignment(session, client.id, user_id):
        return False
    await audit_change(session, actor, "client.unassigned", client, {"user_id": user_id})
    return True


async def bulk_assign(
    session: AsyncSession,
    actor: Actor,
    client_ids: Sequence[uuid.UUID],
    user_ids: Sequence[uuid.UUID],
    action: str,
) -> list[BulkItemResult]:
    """Assign (or unassign) the same Comptables to many clients: one result per client."""
    firm_id = firm_id_of(actor.principal)
    if action == "assign":
        await _accountants(session, firm_id, user_ids)

    async def one(client: Client) -> None:
        for user_id in user_ids:
            if action == "assign":
                await _assign(session, actor, client, user_id)
            else:
                await _unassign(session, actor, client, user_id)

    return await for_each_client(session, actor.principal, client_ids, one)
