"""The embedded directory's lines (`COMPTOIR_DIRECTORY=local`): what the national directory
would hold, kept in our own database so `comptoir run` works offline.

Rows are never deleted: a line is ended by setting `date_to` (docs/einvoicing.md).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, utcnow


class DirectoryLineRecord(IdMixin, Base):
    """One directory line: `platform_id` receives the invoices sent to the address from
    `date_from` to `date_to` (inclusive; NULL: until further notice)."""

    __tablename__ = "directory_lines"
    __table_args__ = (
        Index(
            "ix_directory_lines_addressing_identifier_date_from",
            "addressing_identifier",
            "date_from",
        ),
        # Keys are the registering platform's: two platforms may use the same one.
        UniqueConstraint("platform_id", "idempotency_key"),
    )

    # `SIREN[_SIRET[_CODE]]` or `SIREN_SUFFIX`: the key every rule is checked on.
    addressing_identifier: Mapped[str] = mapped_column(String(230))
    siren: Mapped[str] = mapped_column(String(9))
    siret: Mapped[str | None] = mapped_column(String(14))
    routing_identifier: Mapped[str | None] = mapped_column(String(100))
    addressing_suffix: Mapped[str | None] = mapped_column(String(100))
    platform_id: Mapped[str] = mapped_column(String(100))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    # Replaying the key that created this line answers this line instead of a new one.
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
