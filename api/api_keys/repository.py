from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.api_key import ApiKey
from api.models.membership import Membership


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


async def of_workspace(session: AsyncSession, workspace_id: uuid.UUID) -> Sequence[ApiKey]:
    result = await session.scalars(
        select(ApiKey)
        .where(ApiKey.workspace_id == workspace_id)
        .order_by(ApiKey.created_at.desc(), ApiKey.id)
    )
    return result.all()


async def get_in_workspace(
    session: AsyncSession, workspace_id: uuid.UUID, key_id: uuid.UUID
) -> ApiKey | None:
    return await session.scalar(
        select(ApiKey).where(ApiKey.id == key_id, ApiKey.workspace_id == workspace_id)
    )
