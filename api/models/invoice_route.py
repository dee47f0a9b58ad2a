"""Where each invoice went (routing): delivered to a buyer of this platform, handed to another
platform, or unroutable (221 Erreur de routage); and, for an invoice another platform delivered
to us, which platform it came from. One row per invoice flow: the row is the proof that the
invoice was routed, so a redelivered routing job finds it and does nothing twice."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, str_enum, utcnow

# The outbox job that takes a status message to the other platform an invoice was exchanged
# with (payload `{"status_flow_id": …}`), handled by `api.routing`. Here, below every domain,
# so that the lifecycle can queue it without importing routing.
SEND_STATUS_KIND = "routing.send_status"


class RouteKind(StrEnum):
    LOCAL = "local"  # the buyer is a client of this platform: delivered to its space
    PEER = "peer"  # the buyer's line names another platform: handed to its transport
    UNROUTABLE = "unroutable"  # no line in effect (or no way to that platform): 221
    RECEIVED = "received"  # another platform delivered it to our buyer (`platform_id`)


class InvoiceRoute(IdMixin, Base):
    __tablename__ = "invoice_routes"
    __table_args__ = (Index("ix_invoice_routes_remote", "platform_id", "remote_flow_id"),)

    # The seller's invoice flow on this platform (the buyer's, for a received invoice).
    flow_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("flows.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[RouteKind] = mapped_column(str_enum(RouteKind, 12))
    # The platform that receives the invoice for the buyer (ours for a local delivery).
    platform_id: Mapped[str | None] = mapped_column(String(100), default=None)
    addressing_identifier: Mapped[str | None] = mapped_column(String(230), default=None)
    directory_line_id: Mapped[str | None] = mapped_column(String(100), default=None)
    # Local delivery: the buyer's client and its incoming copy of the invoice.
    buyer_client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), default=None
    )
    delivered_flow_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("flows.id", ondelete="SET NULL"), default=None
    )
    # Peer delivery: the flow id the other platform answered.
    remote_flow_id: Mapped[str | None] = mapped_column(String(100), default=None)
    # NULL while a peer delivery waits for the other platform's acknowledgement.
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    detail: Mapped[str | None] = mapped_column(String(1000), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
