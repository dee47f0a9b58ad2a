from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.flow import AckStatus, Flow, FlowDirection, FlowWebhook


async def get_of_client(
    session: AsyncSession, client_id: uuid.UUID, flow_id: uuid.UUID
) -> Flow | None:
    flow: Flow | None = await session.scalar(
        select(Flow).where(Flow.id == flow_id, Flow.client_id == client_id)
    )
    return flow


async def get(session: AsyncSession, flow_id: uuid.UUID) -> Flow | None:
    return await session.get(Flow, flow_id)


async def get_for_update(session: AsyncSession, flow_id: uuid.UUID) -> Flow | None:
    flow: Flow | None = await session.scalar(
        select(Flow).where(Flow.id == flow_id).with_for_update()
    )
    return flow


async def same_file(
    session: AsyncSession, client_id: uuid.UUID, direction: FlowDirection, sha256: str
) -> Flow | None:
    flow: Flow | None = await session.scalar(
        select(Flow).where(
            Flow.client_id == client_id, Flow.direction == direction, Flow.sha256 == sha256
        )
    )
    return flow


@dataclass(frozen=True, slots=True)
class FlowCriteria:
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    processing_rules: Sequence[str] | None = None
    flow_types: Sequence[str] | None = None
    directions: Sequence[str] | None = None
    tracking_id: str | None = None
    ack_status: str | None = None


async def search(
    session: AsyncSession,
    client_ids: Sequence[uuid.UUID],
    criteria: FlowCriteria,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Flow]:
    """Flows of the clients matching every criterion (a list criterion: any of its values),
    oldest update first, keyset-paginated on (updated_at, id)."""
    statement = select(Flow).where(Flow.client_id.in_(client_ids))
    if criteria.updated_after is not None:
        statement = statement.where(Flow.updated_at > criteria.updated_after)
    if criteria.updated_before is not None:
        statement = statement.where(Flow.updated_at < criteria.updated_before)
    if criteria.processing_rules:
        statement = statement.where(Flow.processing_rule.in_(criteria.processing_rules))
    if criteria.flow_types:
        statement = statement.where(Flow.flow_type.in_(criteria.flow_types))
    if criteria.directions:
        statement = statement.where(Flow.direction.in_(criteria.directions))
    if criteria.tracking_id is not None:
        statement = statement.where(Flow.tracking_id == criteria.tracking_id)
    if criteria.ack_status is not None:
        statement = statement.where(Flow.ack_status == criteria.ack_status)
    if after is not None:
        statement = statement.where(
            or_(
                Flow.updated_at > after[0],
                and_(Flow.updated_at == after[0], Flow.id > after[1]),
            )
        )
    statement = statement.order_by(Flow.updated_at, Flow.id).limit(limit)
    return (await session.scalars(statement)).all()


async def for_people(
    session: AsyncSession,
    clients: Select[uuid.UUID],
    *,
    client_id: uuid.UUID | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Flow]:
    """Flows of the given clients (one of them when `client_id`), newest first, for the
    firm's and the company's screens; keyset-paginated on (submitted_at, id)."""
    statement = select(Flow).where(Flow.client_id.in_(clients))
    if client_id is not None:
        statement = statement.where(Flow.client_id == client_id)
    if before is not None:
        statement = statement.where(
            or_(
                Flow.submitted_at < before[0],
                and_(Flow.submitted_at == before[0], Flow.id < before[1]),
            )
        )
    statement = statement.order_by(Flow.submitted_at.desc(), Flow.id.desc()).limit(limit)
    return (await session.scalars(statement)).all()


async def get_for_people(
    session: AsyncSession, clients: Select[uuid.UUID], flow_id: uuid.UUID
) -> Flow | None:
    flow: Flow | None = await session.scalar(
        select(Flow).where(Flow.id == flow_id, Flow.client_id.in_(clients))
    )
    return flow


async def status_flows_of(session: AsyncSession, invoice_flow_id: uuid.UUID) -> Sequence[Flow]:
    return (
        await session.scalars(
            select(Flow)
            .where(Flow.related_flow_id == invoice_flow_id)
            .order_by(Flow.submitted_at, Flow.id)
        )
    ).all()


async def webhooks_of(
    session: AsyncSession, workspace_id: uuid.UUID, client_id: uuid.UUID
) -> Sequence[FlowWebhook]:
    return (
        await session.scalars(
            select(FlowWebhook)
            .where(FlowWebhook.workspace_id == workspace_id, FlowWebhook.client_id == client_id)
            .order_by(FlowWebhook.created_at, FlowWebhook.id)
        )
    ).all()


async def webhook_of(
    session: AsyncSession, workspace_id: uuid.UUID, client_id: uuid.UUID, webhook_id: uuid.UUID
) -> FlowWebhook | None:
    webhook: FlowWebhook | None = await session.scalar(
        select(FlowWebhook).where(
            FlowWebhook.id == webhook_id,
            FlowWebhook.workspace_id == workspace_id,
            FlowWebhook.client_id == client_id,
        )
    )
    return webhook


async def subscribers(session: AsyncSession, flow: Flow) -> Sequence[FlowWebhook]:
    """The webhooks of the flow's client whose filters the flow matches."""
    candidates = await session.scalars(
        select(FlowWebhook).where(FlowWebhook.client_id == flow.client_id)
    )
    return [
        webhook
        for webhook in candidates
        if (not webhook.flow_types or flow.flow_type in webhook.flow_types)
        and (webhook.flow_direction is None or webhook.flow_direction == flow.direction)
        and (webhook.ack_status is None or webhook.ack_status == flow.ack_status)
    ]


async def get_webhook(session: AsyncSession, webhook_id: uuid.UUID) -> FlowWebhook | None:
    return await session.get(FlowWebhook, webhook_id)


def pending(flow: Flow) -> bool:
    return flow.ack_status == AckStatus.PENDING
