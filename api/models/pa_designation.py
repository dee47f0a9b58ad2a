"""E-invoicing designations: the firm's certification that it holds a signed mandate, and
each attempt to register a client in the national directory through this platform (PA).

`clients.pa_status` is the client's current status; these rows are how it got there.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, str_enum, utcnow
from api.models.client import PaStatus


class MandateCertification(IdMixin, Base):
    """Evidence that a user certified holding the client's signed mandate: who (user, roles,
    device or API key), when, from where, and the exact wording version they accepted. One row
    per certifying request (a bulk activation certifies once for all its clients)."""

    __tablename__ = "mandate_certifications"
    __table_args__ = (Index("ix_mandate_certifications_firm_certified", "firm_id", "certified_at"),)

    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    text_version: Mapped[str] = mapped_column(String(40))
    # The words themselves, although the version gives them back: the row proves on its own.
    text: Mapped[str] = mapped_column(Text)
    actor_kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    roles: Mapped[list[str]] = mapped_column(JSON)
    device_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    certified_at: Mapped[datetime] = mapped_column(default=utcnow)
    client_count: Mapped[int] = mapped_column(Integer, default=1)


class EinvoicingBulkJob(IdMixin, Base):
    """One bulk activation: what was refused at once (`refused`: reason → count); the progress
    of the rest is read live from its designations."""

    __tablename__ = "einvoicing_bulk_jobs"
    __table_args__ = (Index("ix_einvoicing_bulk_jobs_firm_created", "firm_id", "created_at"),)

    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    certification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mandate_certifications.id", ondelete="CASCADE")
    )
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested: Mapped[int] = mapped_column(Integer)
    refused: Mapped[dict[str, Any]] = mapped_column(JSON)


class PaDesignation(IdMixin, Base):
    """One registration of a client in the directory, from request to its end.

    `pending` until the worker hears the directory, then `registered` (with the directory's
    `line_id`) or `error` (`error_code`, French `error_detail`); `deregistered` once its line
    is ended. The idempotency key sent to the directory is derived from `id`, so every retry
    of this designation names the same line."""

    __tablename__ = "pa_designations"
    __table_args__ = (
        Index("ix_pa_designations_client_created", "client_id", "created_at"),
        Index("ix_pa_designations_bulk_job_status", "bulk_job_id", "status"),
    )

    firm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    certification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mandate_certifications.id", ondelete="RESTRICT")
    )
    bulk_job_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("einvoicing_bulk_jobs.id", ondelete="SET NULL")
    )
    status: Mapped[PaStatus] = mapped_column(str_enum(PaStatus, 20), default=PaStatus.PENDING)
    # The directory address (SIREN level) and the period asked for.
    siren: Mapped[str] = mapped_column(String(9))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date, default=None)
    signed_mandate_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    directory_line_id: Mapped[str | None] = mapped_column(String(100), default=None)
    platform_id: Mapped[str | None] = mapped_column(String(100), default=None)
    # A deregistration asked for and not yet confirmed by the directory.
    end_requested_on: Mapped[date | None] = mapped_column(Date, default=None)
    error_code: Mapped[str | None] = mapped_column(String(40), default=None)
    error_detail: Mapped[str | None] = mapped_column(String(1000), default=None)
    conflict_platform_id: Mapped[str | None] = mapped_column(String(100), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
