"""The received Peppol messages (`peppol_messages`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.peppol_message import PeppolMessage


async def received(session: AsyncSession, message_id: str) -> PeppolMessage | None:
    found: PeppolMessage | None = await session.scalar(
        select(PeppolMessage).where(PeppolMessage.message_id == message_id)
    )
    return found


async def add(session: AsyncSession, message: PeppolMessage) -> None:
    session.add(message)
    await session.flush()
