from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind


async def firm_by_siren(session: AsyncSession, siren: str) -> Workspace | None:
    return await session.scalar(
        select(Workspace).where(Workspace.kind == WorkspaceKind.FIRM, Workspace.siren == siren)
    )


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.email) == email.lower()))
