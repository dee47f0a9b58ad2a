"""SQL of routing: the invoice routes, the flows they concern, the clients they reach."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.flow import Flow, FlowDirection
from api.models.invoice_route import InvoiceRoute
from api.models.lifecycle import InvoiceStatusEntry
from api.models.outbox_message import OutboxMessage, OutboxStatus


async def flow(session: AsyncSession, flow_id: uuid.UUID) -> Flow | None:
    return await session.get(Flow, flow_id)


async def flow_for_update(session: AsyncSession, flow_id: uuid.UUID) -> Flow | None:
    """The flow, locked until the transaction ends: one routing of an invoice at a time."""
    found: Flow | None = await session.scalar(
        select(Flow).where(Flow.id == flow_id).with_for_update()
    )
    return found


async def route_of(session: AsyncSession, flow_id: uuid.UUID) -> InvoiceRoute | None:
    found: InvoiceRoute | None = await session.scalar(
        select(InvoiceRoute).where(InvoiceRoute.flow_id == flow_id)
    )
    return found


async def add_route(session: AsyncSession, route: InvoiceRoute) -> InvoiceRoute:
    """Insert the route, or answer the one another worker wrote first for the same flow."""
    try:
        async with session.begin_nested():
            session.add(route)
            await session.flush()
    except IntegrityError:
        existing = await route_of(session, route.flow_id)
        if existing is None:
            raise
        return existing
    return route


async def exchanged_invoice(
    session: AsyncSession,
    client_id: uuid.UUID,
    invoice_number: str,
    *,
    issued: bool,
    seller_siren: str | None = None,
) -> Flow | None:
    """The routed invoice of `client_id` under this number (the latest): one it deposited
    (`issued`), or one another platform delivered to it; of that seller when it is given."""
    statement = (
        select(Flow)
        .join(InvoiceRoute, InvoiceRoute.flow_id == Flow.id)
        .where(
            Flow.client_id == client_id,
            Flow.direction == (FlowDirection.OUT if issued else FlowDirection.IN),
            Flow.invoice_number == invoice_number,
            Flow.syntax != "CDAR",
        )
    )
    if seller_siren:
        statement = statement.where(Flow.sender_siren == seller_siren)
    found: Flow | None = await session.scalar(
        statement.order_by(Flow.submitted_at.desc(), Flow.id).limit(1)
    )
    return found


async def earlier_statuses_waiting(session: AsyncSession, message_id: uuid.UUID, kind: str) -> int:
    """How many statuses recorded before the one `message_id` carries, on the same invoice,
    still wait in the outbox (kind `kind`) to reach the other platform."""
    entry = await session.scalar(
        select(InvoiceStatusEntry).where(InvoiceStatusEntry.cdar_flow_id == message_id)
    )
    if entry is None:
        return 0
    earlier = select(InvoiceStatusEntry.cdar_flow_id).where(
        InvoiceStatusEntry.invoice_flow_id == entry.invoice_flow_id,
        InvoiceStatusEntry.occurred_at < entry.occurred_at,
        InvoiceStatusEntry.cdar_flow_id.is_not(None),
    )
    keys = [f"{kind}:{flow_id}" for flow_id in await session.scalars(earlier)]
    if not keys:
        return 0
    waiting: int = (
        await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.dedupe_key.in_(keys), OutboxMessage.status == OutboxStatus.PENDING)
        )
        or 0
    )
    return waiting


async def invoice_root(session: AsyncSession, flow_id: uuid.UUID | None) -> Flow | None:
    """The invoice a status message is about, as deposited here (or as received from another
    platform): a buyer's copy delivered here points at the seller's flow."""
    invoice = await session.get(Flow, flow_id) if flow_id is not None else None
    if (
        invoice is not None
        and invoice.direction == FlowDirection.IN
        and invoice.peer_platform_id is None
        and invoice.related_flow_id is not None
    ):
        return await session.get(Flow, invoice.related_flow_id)
    return invoice
