from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import Keyset, keyset_page
from api.models.device import Device


async def device_by_thumbprint(session: AsyncSession, thumbprint: str) -> Device | None:
    return await session.scalar(select(Device).where(Device.jwk_thumbprint == thumbprint))


DEVICES_SORT = Keyset("devices,-created_at", (Device.created_at, Device.id), descending=True)


async def devices_of(
    session: AsyncSession, user_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[Device], str | None]:
    """One page of the user's enrolled devices, newest first."""
    statement = select(Device).where(Device.user_id == user_id, Device.revoked_at.is_(None))
    return await keyset_page(session, statement, DEVICES_SORT, limit, cursor)
