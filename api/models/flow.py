"""E-invoice flows (Flux): every file exchanged through the platform, its acknowledgement and
lifecycle status; the webhooks of the Flow Service; the status copies queued for the PPF."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import BLOB_KEY, Base, IdMixin, str_enum, utcnow


class FlowDirection(StrEnum):
    """The annex's `FlowDirection`: `Out` from the company's software to the platform, `In`
    from the platform to the company (a received invoice, a status message)."""

    IN = "In"
    OUT = "Out"


class AckStatus(StrEnum):
    PENDING = "Pending"
    OK = "Ok"
    ERROR = "Error"


class Flow(IdMixin, Base):
    """One flow of a client (the organisation it was deposited for or delivered to). The file
    itself is in the blob store under `blob_key`; an invoice flow is also a document of the
    client (`document_id`) once validated."""

    __tablename__ = "flows"
    __table_args__ = (
        # The same file deposited twice by the same sender is one flow.
        UniqueConstraint("client_id", "direction", "sha256"),
        # Searches are one client's flows ordered by (updated_at, id): one index range.
        Index("ix_flows_client_updated", "client_id", "updated_at", "id"),
        Index("ix_flows_client_tracking", "client_id", "tracking_id"),
        # Duplicates: a seller's invoice number (use case UC2).
        Index("ix_flows_sender_invoice", "sender_siren", "invoice_number"),
    )

    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="RESTRICT"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    direction: Mapped[FlowDirection] = mapped_column(str_enum(FlowDirection, 3))
    flow_type: Mapped[str] = mapped_column(String(40), default="Undefined")
    syntax: Mapped[str] = mapped_column(String(10))
    profile: Mapped[str] = mapped_column(String(20), default="Undefined")
    processing_rule: Mapped[str] = mapped_column(String(20), default="Undefined")
    processing_rule_source: Mapped[str] = mapped_column(String(10), default="Computed")
    name: Mapped[str] = mapped_column(String(255))
    tracking_id: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(127))
    blob_key: Mapped[str] = mapped_column(String(80), info=BLOB_KEY)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    ack_status: Mapped[AckStatus] = mapped_column(
        str_enum(AckStatus, 10), default=AckStatus.PENDING
    )
    # The annex's AcknowledgementDetail objects (level, item, reasonCode, reasonMessage).
    ack_details: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    # The latest lifecycle status (MDT-105: 200 Déposée, 213 Rejetée…), NULL while pending.
    lifecycle_status: Mapped[int | None] = mapped_column(Integer, default=None)
    rules_release: Mapped[str | None] = mapped_column(String(40), default=None)
    # Every finding of the validation: rule_id, fatal, location, message, stage, rule_set.
    findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    invoice_number: Mapped[str | None] = mapped_column(String(200), default=None)
    invoice_type_code: Mapped[str | None] = mapped_column(String(8), default=None)
    issue_date: Mapped[date | None] = mapped_column(default=None)
    sender_siren: Mapped[str | None] = mapped_column(String(9), default=None)
    sender_siret: Mapped[str | None] = mapped_column(String(14), default=None)
    sender_routing_code: Mapped[str | None] = mapped_column(String(100), default=None)
    recipient_siren: Mapped[str | None] = mapped_column(String(9), default=None)
    recipient_siret: Mapped[str | None] = mapped_column(String(14), default=None)
    recipient_routing_code: Mapped[str | None] = mapped_column(String(100), default=None)
    # What else the validation read from the invoice (names, amounts, currency), as strings.
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), default=None
    )
    # A status message's invoice flow.
    related_flow_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("flows.id", ondelete="SET NULL"), default=None, index=True
    )
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), default=None
    )
    # The person behind the depositing key (its creator); NULL for what the platform emits.
    deposited_by: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # The other platform (PA) that deposited this flow: an invoice for one of our buyers, or a
    # lifecycle message about an invoice we sent it. NULL for what software or we deposited.
    peer_platform_id: Mapped[str | None] = mapped_column(String(100), default=None)
    # Factur-X: the invoice XML extracted from the PDF (`docType=Converted`).
    converted_blob_key: Mapped[str | None] = mapped_column(String(80), default=None, info=BLOB_KEY)


class FlowWebhook(IdMixin, Base):
    """A Flow Service webhook: the callback of one key's workspace acting for one client,
    with the annex's filters. The signing key must compute HMACs, so it is stored as is."""

    __tablename__ = "flow_webhooks"
    __table_args__ = (Index("ix_flow_webhooks_client", "client_id"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), default=None
    )
    callback_url: Mapped[str] = mapped_column(String(2000))
    flow_types: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    flow_direction: Mapped[str | None] = mapped_column(String(3), default=None)
    ack_status: Mapped[str | None] = mapped_column(String(10), default=None)
    signing_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PpfCopyStatus(StrEnum):
    """Where a status copy is on its way to the PPF."""

    PENDING = "pending"  # queued, or being retried after a failure (`last_error` says which)
    SENT = "sent"  # the PPF adapter accepted it (`sent_at`, `transmitted_via`)
    ERROR = "error"  # the PPF refused it (HTTP 4xx): kept with the answer, never resent alone


class PpfStatusCopy(IdMixin, Base):
    """A lifecycle status message's copy for the PPF (guideline CDV:einvoicingF2), queued with
    an outbox message (`api.ppf`) and sent once by the PPF adapter. Its id is the idempotency
    key the PPF receives."""

    __tablename__ = "ppf_status_copies"
    __table_args__ = (Index("ix_ppf_status_copies_unsent", "sent_at", "created_at"),)

    status_flow_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("flows.id", ondelete="RESTRICT"), unique=True
    )
    invoice_flow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flows.id", ondelete="RESTRICT"))
    status_code: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[PpfCopyStatus] = mapped_column(
        str_enum(PpfCopyStatus, 10), default=PpfCopyStatus.PENDING
    )
    # `local` (kept here, the embedded default) or `http` (the configured PPF endpoint).
    transmitted_via: Mapped[str | None] = mapped_column(String(10), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    # The HTTP status of the endpoint's last answer, and what went wrong (a 4xx: its body).
    response_status: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
