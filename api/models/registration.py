"""Firm registration: the SSO login in flight, the registration it produces, and the identity
evidence the owner's app adds to it (docs/registration.md)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import BLOB_KEY, Base, IdMixin, str_enum, utcnow


class SsoAuthorization(IdMixin, Base):
    """An authorization request sent to the provider and not yet answered.

    Kept in the database, not in the process, so any API instance can take the callback;
    found by the SHA-256 of its `state`, deleted on first use, useless after `expires_at`.
    The nonce and PKCE verifier must be replayed to the provider, so they are stored as is:
    they are worthless without the provider's single-use code.
    """

    __tablename__ = "sso_authorizations"

    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issuer: Mapped[str] = mapped_column(String(300))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    requester_ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RegistrationStatus(StrEnum):
    AWAITING_SIREN = "awaiting_siren"  # the SSO gave no SIREN: the owner types it
    AWAITING_IDENTITY = "awaiting_identity"  # the app enrolls, then sends the ID document
    COMPLETED = "completed"  # the firm exists
    # "expired" is derived from expires_at, never stored.


class FirmRegistration(IdMixin, Base):
    """An expert-comptable authenticated by an allowed SSO, on the way to owning a firm.

    The registration secret (shown once, in the SPA page's URL fragment) is stored as its
    SHA-256. The owner's enrollment link is sealed with a key derived from that secret, so the
    page can show its QR code again while the database alone cannot reveal it.
    """

    __tablename__ = "firm_registrations"

    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus, 20))
    sso_issuer: Mapped[str] = mapped_column(String(300))
    sso_subject: Mapped[str] = mapped_column(String(255))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(320))
    siren: Mapped[str | None] = mapped_column(String(9))
    siren_from_sso: Mapped[bool] = mapped_column(default=False)
    # The firm as the company registry describes it, read when the SIREN became known.
    firm_name: Mapped[str | None] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14))
    address_line: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    enrollment_token_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("enrollment_tokens.id", ondelete="SET NULL"), unique=True
    )
    sealed_enrollment_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    firm_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    completed_at: Mapped[datetime | None] = mapped_column(default=None)


class IdentityVerification(IdMixin, Base):
    """One identity check of a registration's owner, kept as evidence whatever its result.

    The raw MRZ is not kept (it is the whole document in 90 characters); the fields the
    decision rests on are, with the SHA-256 of the submitted lines and of the image if any.
    """

    __tablename__ = "identity_verifications"

    registration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("firm_registrations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("devices.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16))  # verified / rejected
    reason: Mapped[str | None] = mapped_column(String(40))
    verifier: Mapped[str] = mapped_column(String(60))
    document_format: Mapped[str | None] = mapped_column(String(16))
    document_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expiry_date: Mapped[date | None] = mapped_column(default=None)
    mrz_sha256: Mapped[str] = mapped_column(String(64))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    image_blob_key: Mapped[str | None] = mapped_column(String(200), info=BLOB_KEY)
    image_media_type: Mapped[str | None] = mapped_column(String(40))
    attempt: Mapped[int] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    checked_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
