from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, utcnow


class SoftwareAccessToken(IdMixin, Base):
    """A short-lived bearer token issued to software by the OAuth2 client-credentials grant
    (RFC 6749 §4.4) against an API key. Only the SHA-256 of the token is stored; revoking the
    key ends its tokens at their next use (the key is checked on every call)."""

    __tablename__ = "software_access_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    api_key_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), index=True
    )
    scopes: Mapped[list[str]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
