"""Which Comptables are assigned to which clients (a Comptable sees only those)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    delete,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import Role
from api.core.pagination import Keyset, keyset_page
from api.models.client import (
    ClientAssignment,
)
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.user import user_by_email as user_by_email


@dataclass(frozen=True, slots=True)
class Collaborator:
    user_id: uuid.UUID
    email: str
    first_name: str
    last_name: str


async def active_accountants(
    session: AsyncSession,
    firm_id: uuid.UUID,
    *,
    user_ids: Iterable[uuid.UUID] | None = None,
    emails: Iterable[str] | None = None,
) -> list[Collaborator]:
    """Active members of the firm holding the Comptable role (the only ones assignable)."""
    statement = (
        select(User.id, User.email, User.first_name, User.last_name)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.workspace_id == firm_id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.has_role(Role.ACCOUNTANT),
            User.deleted_at.is_(None),
        )
    )
    if user_ids is not None:
        statement = statement.where(User.id.in_(list(user_ids)))
    if emails is not None:
        statement = statement.where(func.lower(User.email).in_([e.lower() for e in emails]))
    rows = await session.execute(statement)
    return [Collaborator(row.id, row.email, row.first_name, row.last_name) for row in rows]


async def assignments_of(
    session: AsyncSession, client_id: uuid.UUID
) -> list[tuple[ClientAssignment, User]]:
    rows = await session.execute(
        select(ClientAssignment, User)
        .join(User, User.id == ClientAssignment.user_id)
        .where(ClientAssignment.client_id == client_id)
        .order_by(User.last_name, User.first_name, User.id)
    )
    return [(assignment, user) for assignment, user in rows]


ASSIGNEES_SORT = Keyset("assignees,name", (User.last_name, User.first_name, User.id))


async def assignments_page(
    session: AsyncSession, client_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[tuple[ClientAssignment, User]], str | None]:
    """One page of a client's assignees, by name."""
    statement = (
        select(ClientAssignment, User)
        .join(User, User.id == ClientAssignment.user_id)
        .where(ClientAssignment.client_id == client_id)
    )
    return await keyset_page(session, statement, ASSIGNEES_SORT, limit, cursor)


async def get_assignment(
    session: AsyncSession, client_id: uuid.UUID, user_id: uuid.UUID
) -> ClientAssignment | None:
    return await session.scalar(
        select(ClientAssignment).where(
            ClientAssignment.client_id == client_id, ClientAssignment.user_id == user_id
        )
    )


async def remove_assignment(
    session: AsyncSession, client_id: uuid.UUID, user_id: uuid.UUID
) -> bool:
    result = await session.execute(
        delete(ClientAssignment)
        .where(ClientAssignment.client_id == client_id, ClientAssignment.user_id == user_id)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1
