"""SQL of the enrollment links (`enrollment_tokens`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.enrollment_token import EnrollmentToken
from api.models.user import User
from api.models.workspace import Workspace


async def get_enrollment_token(
    session: AsyncSession, token_hash: str
) -> tuple[EnrollmentToken, User, Workspace | None] | None:
    row = (
        await session.execute(
            select(EnrollmentToken, User, Workspace)
            .join(User, User.id == EnrollmentToken.user_id)
            .outerjoin(Workspace, Workspace.id == EnrollmentToken.workspace_id)
            .where(EnrollmentToken.token_hash == token_hash)
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def consume_enrollment_token(
    session: AsyncSession, token_id: uuid.UUID, now: datetime
) -> bool:
    """Single use, even under concurrent requests: only one UPDATE can match."""
    result = await session.execute(
        update(EnrollmentToken)
        .where(
            EnrollmentToken.id == token_id,
            EnrollmentToken.used_at.is_(None),
            EnrollmentToken.revoked_at.is_(None),
            EnrollmentToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def revoke_pending_tokens(
    session: AsyncSession, user_id: uuid.UUID, workspace_id: uuid.UUID | None, now: datetime
) -> None:
    await session.execute(
        update(EnrollmentToken)
        .where(
            EnrollmentToken.user_id == user_id,
            EnrollmentToken.workspace_id == workspace_id,
            EnrollmentToken.used_at.is_(None),
            EnrollmentToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
