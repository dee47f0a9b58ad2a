from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, TimestampMixin, str_enum


class WorkspaceKind(StrEnum):
    FIRM = "firm"  # Cabinet
    COMPANY = "company"  # Entreprise (a client company's space)


class Workspace(IdMixin, TimestampMixin, Base):
    """A tenant: an accounting firm or a client company. Every domain row belongs to one."""

    __tablename__ = "workspaces"
    __table_args__ = (
        # One firm per SIREN, even when two registrations finish at the same instant.
        Index(
            "uq_workspaces_firm_siren",
            "siren",
            unique=True,
            sqlite_where=text("kind = 'firm'"),
            postgresql_where=text("kind = 'firm'"),
        ),
    )

    kind: Mapped[WorkspaceKind] = mapped_column(str_enum(WorkspaceKind, 16))
    name: Mapped[str] = mapped_column(String(200))
    siren: Mapped[str | None] = mapped_column(String(9), index=True)
    siret: Mapped[str | None] = mapped_column(String(14))
    vat_number: Mapped[str | None] = mapped_column(String(13))
    address_line: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
