from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, TimestampMixin, str_enum


class WorkspaceKind(StrEnum):
    FIRM = "firm"  # Cabinet
    COMPANY = "company"  # Entreprise (a client company's space)


class Workspace(IdMixin, TimestampMixin, Base):
    """A tenant: an accounting firm or a client company. Every domain row belongs to one."""

    __tablename__ = "workspaces"

    kind: Mapped[WorkspaceKind] = mapped_column(str_enum(WorkspaceKind, 16))
    name: Mapped[str] = mapped_column(String(200))
    siren: Mapped[str | None] = mapped_column(String(9), index=True)
    siret: Mapped[str | None] = mapped_column(String(14))
    vat_number: Mapped[str | None] = mapped_column(String(13))
    address_line: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
