"""SQL of routing: the invoice routes, the flows they concern, the clients they reach."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.flow import Flow, FlowDirection
from api.models.invoice_route import InvoiceRoute


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


async def sent_invoice(
    session: AsyncSession, client_id: uuid.UUID, invoice_number: str
) -> Flow | None:
    """The invoice `client_id` deposited under this number that was routed (the latest)."""
    found: Flow | None = await session.scalar(
        select(Flow)
        .join(InvoiceRoute, InvoiceRoute.flow_id == Flow.id)
        .where(
            Flow.client_id == client_id,
            Flow.direction == FlowDirection.OUT,
            Flow.invoice_number == invoice_number,
            Flow.syntax != "CDAR",
        )
        .order_by(Flow.submitted_at.desc(), Flow.id)
        .limit(1)
    )
    return found


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
