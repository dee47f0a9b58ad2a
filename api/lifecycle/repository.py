"""The SQL of the lifecycle: an invoice's history, its delivered copies, the clients behind
its parties."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from api.core.pagination import before as pagination_before
from api.models.client import Client
from api.models.flow import Flow, FlowDirection
from api.models.invoice_route import InvoiceRoute, RouteKind
from api.models.lifecycle import InvoiceStatusEntry
from api.models.user import User

CDAR = "CDAR"


async def lock_invoice(session: AsyncSession, flow_id: uuid.UUID) -> tuple[Flow | None, list[Flow]]:
    """The invoice flow and its delivered copies (the invoice as delivered to its buyer on
    this platform: `In` flows pointing at it), locked for the status change, fresh from the
    database: one round trip. Rows are locked in one order (deposit time, id), the copies'
    with the invoice's, so two changes of one invoice queue up rather than deadlock."""
    rows = (
        await session.scalars(
            select(Flow)
            .where(
                or_(
                    Flow.id == flow_id,
                    and_(
                        Flow.related_flow_id == flow_id,
                        Flow.direction == FlowDirection.IN,
                        Flow.syntax != CDAR,
                    ),
                )
            )
            .order_by(Flow.submitted_at, Flow.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    invoice = next((flow for flow in rows if flow.id == flow_id), None)
    return invoice, [flow for flow in rows if flow.id != flow_id]


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


async def client(session: AsyncSession, client_id: uuid.UUID) -> Client | None:
    return await session.get(Client, client_id)


# --- « Factures reçues » / « Factures émises » -------------------------------------------------


def _invoices(direction: str) -> ColumnElement[bool]:
    """Invoice flows (not status messages) issued by the client (deposited by its software or
    its users) or received by it (delivered here, or deposited by another platform)."""
    not_message = Flow.syntax != CDAR
    if direction == "issued":
        return and_(
            not_message, Flow.direction == FlowDirection.OUT, Flow.peer_platform_id.is_(None)
        )
    return and_(not_message, Flow.direction == FlowDirection.IN)


async def invoices_page(
    session: AsyncSession,
    readable_client_ids: Select[uuid.UUID],
    *,
    direction: str,
    client_id: uuid.UUID | None,
    statuses: Sequence[int],
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[tuple[Flow, str]]:
    """Newest first (deposit time, then id), with the client's name."""
    statement = (
        select(Flow, Client.legal_name)
        .join(Client, Client.id == Flow.client_id)
        .where(Flow.client_id.in_(readable_client_ids), _invoices(direction))
    )
    if client_id is not None:
        statement = statement.where(Flow.client_id == client_id)
    if statuses:
        wanted = [code for code in statuses if code]
        clauses = [Flow.lifecycle_status.in_(wanted)] if wanted else []
        if 0 in statuses:
            clauses.append(Flow.lifecycle_status.is_(None))
        statement = statement.where(or_(*clauses))
    if before is not None:
        statement = statement.where(pagination_before([Flow.submitted_at, Flow.id], before))
    statement = statement.order_by(Flow.submitted_at.desc(), Flow.id.desc()).limit(limit)
    return [(flow, name) for flow, name in (await session.execute(statement)).all()]


async def readable_invoice(
    session: AsyncSession, readable_client_ids: Select[uuid.UUID], flow_id: uuid.UUID
) -> tuple[Flow, str] | None:
    row = (
        await session.execute(
            select(Flow, Client.legal_name)
            .join(Client, Client.id == Flow.client_id)
            .where(
                Flow.id == flow_id,
                Flow.client_id.in_(readable_client_ids),
                or_(_invoices("issued"), _invoices("received")),
            )
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def messages_of(session: AsyncSession, flow_id: uuid.UUID) -> Sequence[Flow]:
    """The CDAR flows about one party's invoice flow, oldest first."""
    return (
        await session.scalars(
            select(Flow)
            .where(Flow.related_flow_id == flow_id, Flow.syntax == CDAR)
            .order_by(Flow.submitted_at, Flow.id)
        )
    ).all()


async def user_names(session: AsyncSession, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not user_ids:
        return {}
    rows = await session.execute(
        select(User.id, User.first_name, User.last_name).where(User.id.in_(user_ids))
    )
    return {
        user_id: " ".join(part for part in (first, last) if part)
        for user_id, first, last in rows.all()
    }


async def party_invoice(
    session: AsyncSession,
    client_id: uuid.UUID,
    *,
    issued: bool,
    number: str,
    seller_siren: str | None,
) -> Flow | None:
    """The client's invoice a status message names: issued by it (seller) or received (buyer),
    by its number (and its seller's SIREN when the message gives it); the latest one."""
    statement = select(Flow).where(
        Flow.client_id == client_id,
        _invoices("issued" if issued else "received"),
        Flow.invoice_number == number,
    )
    if seller_siren:
        statement = statement.where(Flow.sender_siren == seller_siren)
    flow: Flow | None = await session.scalar(
        statement.order_by(Flow.submitted_at.desc(), Flow.id.desc()).limit(1)
    )
    return flow


async def counterpart_platform(session: AsyncSession, invoice: Flow) -> str | None:
    """The other platform this invoice is exchanged with, if any: the one that delivered it to
    us, or the one routing handed it to (`invoice_routes`, kind `peer`)."""
    if invoice.peer_platform_id is not None:
        return invoice.peer_platform_id
    platform: str | None = await session.scalar(
        select(InvoiceRoute.platform_id).where(
            InvoiceRoute.flow_id == invoice.id, InvoiceRoute.kind == RouteKind.PEER
        )
    )
    return platform
