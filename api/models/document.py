"""A stored document (Document) with its e-invoice metadata when it is one."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import BLOB_KEY, Base, IdMixin, MoneyAmount, utcnow


class DocumentType(StrEnum):
    INVOICE = "invoice"  # facture
    STATEMENT = "statement"  # relevé
    SHARED = "shared"  # document partagé (contrat, justificatif…)
    OTHER = "other"


class DocumentSource(StrEnum):
    WEB = "web"
    MOBILE = "mobile"
    INTEGRATION = "integration"


def _one_of(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(str(value)) for value in values)})"


# Rows still visible; every list query carries this predicate so the partial indexes apply.
LIVE = text("deleted_at IS NULL")


class Document(IdMixin, Base):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(_one_of("type", DocumentType), name="type"),
        CheckConstraint(_one_of("source", DocumentSource), name="source"),
        CheckConstraint(
            "period_start IS NULL OR period_end IS NULL OR period_start <= period_end",
            name="period_order",
        ),
        CheckConstraint("size >= 0", name="size_positive"),
        # A retried upload finds its first attempt (NULL keys never collide).
        UniqueConstraint("workspace_id", "idempotency_key"),
        # The cross-client list: one client (or a few, the assigned ones) + type + date range,
        # newest first, keyset-paginated on (document_date, id).
        Index(
            "ix_documents_client_type_date",
            "client_id",
            "type",
            "document_date",
            "id",
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
        # The same list without a client filter (the owner sees every client of the firm).
        Index(
            "ix_documents_workspace_date",
            "workspace_id",
            "document_date",
            "id",
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
        Index("ix_documents_workspace_invoice_number", "workspace_id", "invoice_number"),
    )

    # The firm's workspace (the client's `firm_id`), kept on the row so the owner's list is one
    # index range. RESTRICT: invoices are kept for ten years (Code de commerce, L123-22), so a
    # client or a firm with documents is never removed by a cascade.
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="RESTRICT")
    )
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    folder_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("folders.id", ondelete="RESTRICT"), index=True
    )
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(255))
    original_filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    blob_key: Mapped[str] = mapped_column(String(80), index=True, info=BLOB_KEY)
    # Never NULL: the date the user gave, else the invoice's issue date, else the upload day;
    # the list sorts and pages on it.
    document_date: Mapped[date]
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    uploaded_by: Mapped[uuid.UUID]
    source: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    # E-invoice metadata. `einvoice_status` is NULL for files that cannot be one (images…),
    # else recognised / invalid / unrecognised with the French reason in `einvoice_error`.
    einvoice_status: Mapped[str | None] = mapped_column(String(16))
    einvoice_format: Mapped[str | None] = mapped_column(String(16))
    einvoice_error: Mapped[str | None] = mapped_column(String(500))
    invoice_number: Mapped[str | None] = mapped_column(String(200))
    invoice_type_code: Mapped[str | None] = mapped_column(String(8))
    issue_date: Mapped[date | None]
    due_date: Mapped[date | None]
    seller_name: Mapped[str | None] = mapped_column(String(255))
    seller_siren: Mapped[str | None] = mapped_column(String(9), index=True)
    seller_vat_number: Mapped[str | None] = mapped_column(String(32))
    buyer_name: Mapped[str | None] = mapped_column(String(255))
    buyer_siren: Mapped[str | None] = mapped_column(String(9), index=True)
    buyer_vat_number: Mapped[str | None] = mapped_column(String(32))
    total_excl_vat: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    total_vat: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    total_incl_vat: Mapped[Decimal | None] = mapped_column(MoneyAmount())
    currency: Mapped[str | None] = mapped_column(String(3))
    # " word word …": the lower-case, accent-free words of the title, file name, invoice number
    # and counterparts, for the text filter (trigram index on PostgreSQL).
    search_text: Mapped[str | None] = mapped_column(String(2000))
