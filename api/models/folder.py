"""A custom folder of a client's sharing space (Dossier)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base, IdMixin, utcnow


class Folder(IdMixin, Base):
    __tablename__ = "folders"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        # NULL never equals NULL in a unique constraint: top-level folders need their own index.
        Index(
            "uq_folders_client_id_name_top_level",
            "client_id",
            "name",
            unique=True,
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="RESTRICT"), index=True
    )
    # RESTRICT: a folder is deleted only when empty, sub-folders included.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("folders.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
