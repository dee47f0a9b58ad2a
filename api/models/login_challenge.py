from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, str_enum, utcnow


class ChallengeStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    REDEEMED = "redeemed"
    # "expired" is derived from expires_at, never stored: no sweeper needed.


class LoginChallenge(Base):
    """A QR login in progress. The id is the only thing in the QR code (a ≥128-bit secret
    URL segment); everything a phone must show comes from the server."""

    __tablename__ = "login_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    browser_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    browser_jkt: Mapped[str] = mapped_column(String(64))
    server_nonce: Mapped[str] = mapped_column(String(64))
    match_code: Mapped[str] = mapped_column(String(8))
    status: Mapped[ChallengeStatus] = mapped_column(
        str_enum(ChallengeStatus, 16),
        default=ChallengeStatus.PENDING,
    )
    requester_ip: Mapped[str | None] = mapped_column(String(64))
    requester_user_agent: Mapped[str | None] = mapped_column(String(400))
    poll_interval_seconds: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(default=None)
    scanned_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    redeemed_at: Mapped[datetime | None] = mapped_column(default=None)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE")
    )


class DeviceNonce(Base):
    """A fresh server nonce a device signs to open its own session (single use, short-lived)."""

    __tablename__ = "device_nonces"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column(default=None)
