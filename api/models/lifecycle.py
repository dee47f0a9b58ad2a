"""The lifecycle history of an invoice: every status it went through, who emitted it, when,
why, and the CDAR message that carried it. Append-only: a status is never updated or deleted
(a refused invoice stays refused, with its history)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, MoneyAmount, utcnow


class InvoiceStatusEntry(IdMixin, Base):
    __tablename__ = "invoice_status_history"
    __table_args__ = (
        # A CDAR message (MDT-4) counts once per invoice, however often it is deposited.
        UniqueConstraint("invoice_flow_id", "message_id"),
        Index("ix_invoice_status_history_invoice", "invoice_flow_id", "occurred_at", "id"),
    )

    # The invoice's flow on this platform where it was deposited (or received from another).
    invoice_flow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flows.id", ondelete="RESTRICT"))
    status: Mapped[int] = mapped_column(Integer)  # MDT-105
    side: Mapped[str] = mapped_column(String(10))  # buyer | seller | platform
    # The audit trail's author kinds: user, device, api_key, system (the platform).
    author_kind: Mapped[str] = mapped_column(String(16))
    author_user_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    author_device_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    author_api_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # How it reached us: "api" (a person or an integration on /api/v1), "cdar" (a CDAR deposited
    # on the Flow Service), "platform" (the platform's own steps).
    channel: Mapped[str] = mapped_column(String(10))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason_code: Mapped[str | None] = mapped_column(String(40), default=None)  # MDT-113
    reason_text: Mapped[str | None] = mapped_column(String(1024), default=None)  # MDT-114/126
    # 211 / 212: the amount paid or cashed (MDT-215), and for 212 its VAT rate (MDT-224).
    amount: Mapped[Decimal | None] = mapped_column(MoneyAmount(), default=None)
    vat_rate: Mapped[str | None] = mapped_column(String(10), default=None)
    message_id: Mapped[str] = mapped_column(String(255))  # MDT-4 of the CDAR
    # The CDAR flow that carried the status (the one received, or the one we produced).
    cdar_flow_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("flows.id", ondelete="SET NULL"), default=None
    )
