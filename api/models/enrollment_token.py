from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, str_enum, utcnow


class EnrollmentPurpose(StrEnum):
    FIRM_OWNER = "firm_owner"  # the expert-comptable who registers the firm
    INVITATION = "invitation"  # a collaborator or a client contact invited by e-mail
    NEW_DEVICE = "new_device"  # an existing user adding a device


class EnrollmentToken(IdMixin, Base):
    """A single-use, expiring secret that lets one device register its key for one user.
    Only the SHA-256 of the token is stored."""

    __tablename__ = "enrollment_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    purpose: Mapped[EnrollmentPurpose] = mapped_column(str_enum(EnrollmentPurpose, 20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
