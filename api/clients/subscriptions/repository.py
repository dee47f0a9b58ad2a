"""A client's subscription: its plan, payer, status and history."""

from __future__ import annotations

import uuid

from sqlalchemy import (
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.client import (
    ClientSubscription,
    ClientSubscriptionChange,
)
from api.models.user import user_by_email as user_by_email


async def get_subscription(
    session: AsyncSession, client_id: uuid.UUID
) -> ClientSubscription | None:
    return await session.get(ClientSubscription, client_id)


async def subscription_history(
    session: AsyncSession, client_id: uuid.UUID
) -> list[ClientSubscriptionChange]:
    rows = await session.scalars(
        select(ClientSubscriptionChange)
        .where(ClientSubscriptionChange.client_id == client_id)
        .order_by(ClientSubscriptionChange.changed_at.desc(), ClientSubscriptionChange.id)
    )
    return list(rows)
