from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.device import Device
from api.models.user import user_by_email as user_by_email
from api.models.workspace import Workspace, WorkspaceKind


async def firm_by_siren(session: AsyncSession, siren: str) -> Workspace | None:
    return await session.scalar(
        select(Workspace).where(Workspace.kind == WorkspaceKind.FIRM, Workspace.siren == siren)
    )


async def has_device(session: AsyncSession, user_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(Device.id).where(Device.user_id == user_id, Device.revoked_at.is_(None)).limit(1)
    )
    return found is not None
