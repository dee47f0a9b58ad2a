from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import Keyset, before, keyset_page
from api.models.webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint

ENDPOINTS_SORT = Keyset("webhooks,created_at", (WebhookEndpoint.created_at, WebhookEndpoint.id))


async def endpoints_of(
    session: AsyncSession, workspace_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[WebhookEndpoint], str | None]:
    """One page of the workspace's receivers, oldest first."""
    statement = select(WebhookEndpoint).where(WebhookEndpoint.workspace_id == workspace_id)
    return await keyset_page(session, statement, ENDPOINTS_SORT, limit, cursor)


async def endpoint_in(
    session: AsyncSession, workspace_id: uuid.UUID, endpoint_id: uuid.UUID
) -> WebhookEndpoint | None:
    return await session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id, WebhookEndpoint.workspace_id == workspace_id
        )
    )


async def subscribers(
    session: AsyncSession, workspace_id: uuid.UUID, event_type: str
) -> list[WebhookEndpoint]:
    endpoints = await session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.workspace_id == workspace_id, WebhookEndpoint.disabled_at.is_(None)
        )
    )
    return [endpoint for endpoint in endpoints if event_type in endpoint.event_types]


async def subscribers_of_workspaces(
    session: AsyncSession, workspace_ids: Collection[uuid.UUID], event_type: str
) -> dict[uuid.UUID, list[WebhookEndpoint]]:
    """`subscribers` of several workspaces in one query, by workspace."""
    found: dict[uuid.UUID, list[WebhookEndpoint]] = {}
    if not workspace_ids:
        return found
    for endpoint in await session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.workspace_id.in_(workspace_ids), WebhookEndpoint.disabled_at.is_(None)
        )
    ):
        if event_type in endpoint.event_types:
            found.setdefault(endpoint.workspace_id, []).append(endpoint)
    return found


async def deliveries_of(
    session: AsyncSession,
    endpoint_id: uuid.UUID,
    limit: int,
    before_key: tuple[datetime, uuid.UUID] | None = None,
) -> Sequence[WebhookDelivery]:
    """Newest first; with `before_key`, the deliveries after that one in this order."""
    statement = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    if before_key is not None:
        statement = statement.where(
            before([WebhookDelivery.created_at, WebhookDelivery.id], before_key)
        )
    result = await session.scalars(
        statement.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(
            limit
        )
    )
    return result.all()


async def delivery_with_endpoint(
    session: AsyncSession, delivery_id: uuid.UUID
) -> tuple[WebhookDelivery, WebhookEndpoint] | None:
    row = (
        await session.execute(
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id == delivery_id)
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


async def attempts_of(session: AsyncSession, delivery_id: uuid.UUID) -> Sequence[WebhookAttempt]:
    result = await session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery_id)
        .order_by(WebhookAttempt.attempted_at)
    )
    return result.all()
