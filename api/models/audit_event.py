from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, utcnow


class AuditEvent(IdMixin, Base):
    """Append-only audit trail. Each row carries `hash = sha256(prev_hash ‖ canonical row)`
    chained per workspace (`chain` = workspace id, or "platform" for events outside any
    workspace, such as a login challenge); `comptoir audit verify` recomputes the chains."""

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("chain", "sequence"),
        Index("ix_audit_events_workspace_occurred", "workspace_id", "occurred_at"),
        Index("ix_audit_events_actor_occurred", "actor_user_id", "occurred_at"),
    )

    chain: Mapped[str] = mapped_column(String(40))
    sequence: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    workspace_id: Mapped[uuid.UUID | None]
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[uuid.UUID | None]
    actor_device_id: Mapped[uuid.UUID | None]
    actor_api_key_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The last sequence and hash of each chain; locked while appending so concurrent
    requests (on several processes) cannot fork a chain."""

    __tablename__ = "audit_chain_heads"

    chain: Mapped[str] = mapped_column(String(40), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))
