"""SQL of workspace members. Every statement is scoped to one workspace."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import Role
from api.core.pagination import SortColumn, after
from api.models.enrollment_token import EnrollmentToken
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.user import user_by_email as user_by_email
from api.models.workspace import Workspace, WorkspaceKind

# The list's stable order: by name as people read it, the membership id breaking ties.
SORT_COLUMNS: tuple[SortColumn, ...] = (
    func.lower(User.last_name),
    func.lower(User.first_name),
    Membership.id,
)


def members_of(workspace_id: uuid.UUID) -> Select[Membership, User]:
    return (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == workspace_id)
    )


async def get_membership(
    session: AsyncSession, user_id: uuid.UUID, workspace_id: uuid.UUID
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.workspace_id == workspace_id
        )
    )


async def get_member(
    session: AsyncSession, workspace_id: uuid.UUID, membership_id: uuid.UUID
) -> tuple[Membership, User] | None:
    row = (
        await session.execute(members_of(workspace_id).where(Membership.id == membership_id))
    ).one_or_none()
    return None if row is None else (row[0], row[1])


async def list_members(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    *,
    search: str | None,
    role: Role | None,
    status: MembershipStatus | None,
    after_key: Sequence[Any] | None,
    limit: int,
) -> list[tuple[Membership, User]]:
    statement = members_of(workspace_id)
    if search:
        needle = search.strip().lower()
        statement = statement.where(
            or_(
                func.lower(User.first_name + " " + User.last_name).contains(
                    needle, autoescape=True
                ),
                func.lower(User.last_name + " " + User.first_name).contains(
                    needle, autoescape=True
                ),
                func.lower(User.email).contains(needle, autoescape=True),
            )
        )
    if role is not None:
        statement = statement.where(Membership.has_role(role))
    if status is not None:
        statement = statement.where(Membership.status == status)
    if after_key is not None:
        statement = statement.where(after(SORT_COLUMNS, after_key))
    result = await session.execute(statement.order_by(*SORT_COLUMNS).limit(limit))
    return [(row[0], row[1]) for row in result.all()]


async def lock_workspace(session: AsyncSession, workspace_id: uuid.UUID) -> Workspace | None:
    """Serialise the membership changes of one workspace (the "last administrator" rule reads
    then writes; two concurrent demotions must not both pass it). SQLite has one writer."""
    return await session.scalar(
        select(Workspace).where(Workspace.id == workspace_id).with_for_update()
    )


async def count_active_administrators(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    *,
    excluding: uuid.UUID,
    owners_only: bool = False,
) -> int:
    """Active owners or Administrateurs (only owners with `owners_only`) other than `excluding`."""
    holds = (
        Membership.has_role(Role.OWNER)
        if owners_only
        else or_(Membership.has_role(Role.OWNER), Membership.has_role(Role.ADMIN))
    )
    count = await session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.workspace_id == workspace_id,
            Membership.id != excluding,
            Membership.status == MembershipStatus.ACTIVE,
            holds,
        )
    )
    return int(count or 0)


async def membership_by_email(
    session: AsyncSession, workspace_id: uuid.UUID, email: str
) -> tuple[Membership, User] | None:
    row = (
        await session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == workspace_id, func.lower(User.email) == email.lower())
            .with_for_update(of=Membership)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def pending_enrollments(
    session: AsyncSession, workspace_id: uuid.UUID, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, EnrollmentToken]:
    """The live (unused, unrevoked) enrollment link of each user in this workspace, if any."""
    if not user_ids:
        return {}
    tokens = await session.scalars(
        select(EnrollmentToken)
        .where(
            EnrollmentToken.workspace_id == workspace_id,
            EnrollmentToken.user_id.in_(user_ids),
            EnrollmentToken.used_at.is_(None),
            EnrollmentToken.revoked_at.is_(None),
        )
        .order_by(EnrollmentToken.created_at)
    )
    return {token.user_id: token for token in tokens}


async def firm_by_siren(session: AsyncSession, siren: str) -> Workspace | None:
    return await session.scalar(
        select(Workspace).where(Workspace.kind == WorkspaceKind.FIRM, Workspace.siren == siren)
    )


async def first_owner(session: AsyncSession, workspace_id: uuid.UUID) -> Membership | None:
    return await session.scalar(
        select(Membership)
        .where(Membership.workspace_id == workspace_id, Membership.has_role(Role.OWNER))
        .order_by(Membership.created_at)
        .limit(1)
    )
