from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import Keyset, keyset_page
from api.models.api_key import ApiKey
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind


async def by_secret_hash(
    session: AsyncSession, secret_hash: str
) -> tuple[ApiKey, Membership | None] | None:
    """The key and its creator's membership in the key's workspace (their rights cap the key)."""
    row = (
        await session.execute(
            select(ApiKey, Membership)
            .outerjoin(
                Membership,
                (Membership.workspace_id == ApiKey.workspace_id)
                & (Membership.user_id == ApiKey.created_by_user_id),
            )
            .where(ApiKey.secret_hash == secret_hash)
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


API_KEYS_SORT = Keyset("api-keys,-created_at", (ApiKey.created_at, ApiKey.id), descending=True)


async def of_workspace(
    session: AsyncSession, workspace_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[ApiKey], str | None]:
    """One page of the workspace's keys, newest first."""
    statement = select(ApiKey).where(ApiKey.workspace_id == workspace_id)
    return await keyset_page(session, statement, API_KEYS_SORT, limit, cursor)


async def get_in_workspace(
    session: AsyncSession, workspace_id: uuid.UUID, key_id: uuid.UUID
) -> ApiKey | None:
    return await session.scalar(
        select(ApiKey).where(ApiKey.id == key_id, ApiKey.workspace_id == workspace_id)
    )


async def creator_for_cli(
    session: AsyncSession, siren: str, email: str | None
) -> tuple[Workspace, Membership] | None:
    """The workspace of a SIREN (the firm first, else the company space) and the active member
    who will own a key minted from the command line: `email`'s, else the earliest member."""
    statement = (
        select(Workspace, Membership)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .join(User, User.id == Membership.user_id)
        .where(Workspace.siren == siren, Membership.status == MembershipStatus.ACTIVE)
        .order_by((Workspace.kind != WorkspaceKind.FIRM), Membership.created_at)
    )
    if email is not None:
        statement = statement.where(func.lower(User.email) == email.lower())
    row = (await session.execute(statement.limit(1))).first()
    return None if row is None else (row[0], row[1])
