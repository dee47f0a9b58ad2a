"""The SQL of the lifecycle: an invoice's history, its delivered copies, the clients behind
its parties."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.client import Client
from api.models.flow import Flow, FlowDirection
from api.models.lifecycle import InvoiceStatusEntry

CDAR = "CDAR"


async def lock_invoice(session: AsyncSession, flow_id: uuid.UUID) -> Flow | None:
    """The invoice flow, locked for the status change (its row, fresh from the database)."""
    flow: Flow | None = await session.scalar(
        select(Flow)
        .where(Flow.id == flow_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return flow


async def get_flow(session: AsyncSession, flow_id: uuid.UUID) -> Flow | None:
    return await session.get(Flow, flow_id)


async def delivered_copies(session: AsyncSession, invoice_flow_id: uuid.UUID) -> Sequence[Flow]:
    """The invoice as delivered to its buyer on this platform (`In` flows pointing at it)."""
    return (
        await session.scalars(
            select(Flow)
            .where(
                Flow.related_flow_id == invoice_flow_id,
                Flow.direction == FlowDirection.IN,
                Flow.syntax != CDAR,
            )
            .order_by(Flow.submitted_at, Flow.id)
        )
    ).all()


async def history(
    session: AsyncSession, invoice_flow_id: uuid.UUID
) -> Sequence[InvoiceStatusEntry]:
    """Oldest first."""
    return (
        await session.scalars(
            select(InvoiceStatusEntry)
            .where(InvoiceStatusEntry.invoice_flow_id == invoice_flow_id)
            .order_by(InvoiceStatusEntry.occurred_at, InvoiceStatusEntry.id)
        )
    ).all()


async def latest(session: AsyncSession, invoice_flow_id: uuid.UUID) -> InvoiceStatusEntry | None:
    entry: InvoiceStatusEntry | None = await session.scalar(
        select(InvoiceStatusEntry)
        .where(InvoiceStatusEntry.invoice_flow_id == invoice_flow_id)
        .order_by(InvoiceStatusEntry.occurred_at.desc(), InvoiceStatusEntry.id.desc())
        .limit(1)
    )
    return entry


async def by_message_id(
    session: AsyncSession, invoice_flow_id: uuid.UUID, message_id: str
) -> InvoiceStatusEntry | None:
    entry: InvoiceStatusEntry | None = await session.scalar(
        select(InvoiceStatusEntry).where(
            InvoiceStatusEntry.invoice_flow_id == invoice_flow_id,
            InvoiceStatusEntry.message_id == message_id,
        )
    )
    return entry


async def message_ids_like(
    session: AsyncSession, invoice_flow_id: uuid.UUID, message_id: str
) -> Sequence[str]:
    return (
        await session.scalars(
            select(InvoiceStatusEntry.message_id).where(
                InvoiceStatusEntry.invoice_flow_id == invoice_flow_id,
                InvoiceStatusEntry.message_id.startswith(message_id, autoescape=True),
            )
        )
    ).all()


async def client(session: AsyncSession, client_id: uuid.UUID) -> Client | None:
    return await session.get(Client, client_id)
