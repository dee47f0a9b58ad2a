"""Mandates signed online: the request sent to a client's legal representative, and the
client's readiness inputs (company category, VAT regime) that the firm may correct.

One `MandateRequest` per client: sending again (after a withdrawal, an expiry, a refusal or a
lock) reuses the row with a new single-use link; a signed request is final and keeps its
evidence. Every step is also an audit event on the client, so the history is not lost.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, str_enum, utcnow


class MandateRequestStatus(StrEnum):
    SENT = "sent"  # mailed, not opened yet (expiry is a matter of time: `expires_at`)
    OPENED = "opened"  # the representative opened the link
    SIGNED = "signed"  # signed and sealed: final
    REFUSED = "refused"  # the representative declined
    WITHDRAWN = "withdrawn"  # the firm withdrew it: the link is dead
    LOCKED = "locked"  # too many wrong codes: the link is dead, send again


class PhoneApprovalStatus(StrEnum):
    """The signer's phone approval (the enrolled device of a user with the signer's e-mail)."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class MandateStage(StrEnum):
    """Where a client stands in the onboarding funnel (derived, never stored)."""

    TO_SEND = "to_send"  # à envoyer
    SENT = "sent"  # envoyé
    OPENED = "opened"  # ouvert
    SIGNED = "signed"  # signé
    REGISTERED = "registered"  # inscrit
    EXPIRED = "expired"  # expiré
    REFUSED = "refused"  # refusé
    ERROR = "error"  # erreur


class MandateRequest(IdMixin, Base):
    __tablename__ = "mandate_requests"
    __table_args__ = (
        UniqueConstraint("client_id"),
        UniqueConstraint("token_hash"),
        UniqueConstraint("approval_id"),
        Index("ix_mandate_requests_firm_status", "firm_id", "status"),
        # The dashboard's expired links: only those, not every live one.
        Index("ix_mandate_requests_firm_status_expires", "firm_id", "status", "expires_at"),
    )

    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    status: Mapped[MandateRequestStatus] = mapped_column(str_enum(MandateRequestStatus, 16))
    signer_email: Mapped[str] = mapped_column(String(320))
    signer_first_name: Mapped[str | None] = mapped_column(String(100))
    signer_last_name: Mapped[str | None] = mapped_column(String(100))
    # SHA-256 of the single-use link's secret (the plain value only ever leaves in the mail).
    token_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    # Sendings of this row (1 at the first; a resend, a reminder: +1): a scheduled reminder
    # names the sending it belongs to and does nothing once another one went out.
    sendings: Mapped[int] = mapped_column(Integer, default=1)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)  # signed/refused/withdrawn
    # The mandate exactly as read: the representative signs these bytes, not a re-rendering.
    # Rendered when the link first opens (a new sending renders it again).
    document: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    document_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    # The one-time code of the signature (hashed), its expiry and the wrong attempts.
    code_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    code_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    codes_sent: Mapped[int] = mapped_column(Integer, default=0)
    wrong_codes: Mapped[int] = mapped_column(Integer, default=0)
    # Signing with the enrolled phone instead of the code (docs/mandates.md): the page asks,
    # the phone reads the context by `approval_id` (in the QR code), signs the decision with
    # its device key over the server nonce and the document's SHA-256; the page then signs.
    approval_id: Mapped[str | None] = mapped_column(String(64), default=None)
    approval_nonce: Mapped[str | None] = mapped_column(String(64), default=None)
    approval_status: Mapped[PhoneApprovalStatus | None] = mapped_column(
        str_enum(PhoneApprovalStatus, 16), default=None
    )
    approval_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    approval_signer_name: Mapped[str | None] = mapped_column(String(200), default=None)
    approval_requester_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    approval_requester_user_agent: Mapped[str | None] = mapped_column(String(500), default=None)
    approval_device_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    approval_decided_at: Mapped[datetime | None] = mapped_column(default=None)
    # Once signed: what was proven (who, e-mail, when, IP, user agent, SHA-256, method,
    # consent text and version), the sealed PDF kept as the client's document.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    sealed_document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), default=None
    )
    sealed_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    designation_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    error_detail: Mapped[str | None] = mapped_column(String(500), default=None)


class CompanyCategory(StrEnum):
    """INSEE `categorieEntreprise`: the e-invoicing calendar depends on it."""

    GE = "GE"  # grande entreprise
    ETI = "ETI"  # entreprise de taille intermédiaire
    PME = "PME"  # PME (incl. micro-entreprises)


class VatRegime(StrEnum):
    """The client's VAT regime: it sets the e-reporting cadence."""

    REAL_NORMAL_MONTHLY = "real_normal_monthly"  # réel normal, déclaration mensuelle
    REAL_NORMAL_QUARTERLY = "real_normal_quarterly"  # réel normal trimestriel (TVA < 4 000 €)
    SIMPLIFIED = "simplified"  # réel simplifié
    FRANCHISE = "franchise"  # franchise en base


class ClientReadiness(Base):
    """What the readiness dashboard needs to know of a client beyond the registry: the company
    category (from SIRENE, corrected by the firm) and the VAT regime (typed by the firm)."""

    __tablename__ = "client_readiness"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    company_category: Mapped[CompanyCategory | None] = mapped_column(
        str_enum(CompanyCategory, 8), default=None
    )
    vat_regime: Mapped[VatRegime | None] = mapped_column(str_enum(VatRegime, 32), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadinessCount(Base):
    """How many of a firm's clients are in a funnel bucket, for the firm (`holder_id` is the
    firm's id) and for each assigned collaborator (`holder_id` is the user's id). Kept by row
    triggers on `clients`, `mandate_requests` and `client_assignments` in the same transaction
    as the change (migration `20261207_readiness_counts`): never written by the application.
    The « sent » and « opened » buckets include the links that expired since."""

    __tablename__ = "readiness_counts"

    firm_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    holder_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(16), primary_key=True)
    clients: Mapped[int] = mapped_column(Integer)
