from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, str_enum, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (or being attempted, see claim_token)
    SENT = "sent"
    DEAD = "dead"  # gave up after the configured number of attempts


class OutboxMessage(IdMixin, Base):
    """Work for the outside world (a mail, a directory call, a webhook), written in the same
    transaction as the change that causes it and delivered later by the worker: a rolled-back
    request sends nothing, and an unreachable peer loses nothing.

    A worker claims a due message by pushing `next_attempt_at` one lease ahead and stamping its
    `claim_token`, and keeps pushing it while the delivery runs; a worker that dies
    mid-delivery thus hands the message back when the lease ends. Only then can a message be
    sent twice, and every attempt carries the same id (the mail's Message-ID, the webhook's
    `webhook-id`) so the receiving side can recognise it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next_attempt", "status", "next_attempt_at"),)

    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Enqueueing the same dedupe key twice keeps the first message only.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, 16), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
