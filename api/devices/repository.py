from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.device import Device


async def device_by_thumbprint(session: AsyncSession, thumbprint: str) -> Device | None:
    return await session.scalar(select(Device).where(Device.jwk_thumbprint == thumbprint))


async def devices_of(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Device]:
    result = await session.scalars(
        select(Device)
        .where(Device.user_id == user_id, Device.revoked_at.is_(None))
        .order_by(Device.created_at.desc())
    )
    return result.all()
