"""Portable upserts: `INSERT … ON CONFLICT` on SQLite (≥ 3.35) and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.models import Base


def insert_for(session: AsyncSession, model: type[Base]) -> Any:
    """The dialect's own `insert()` (which has `on_conflict_do_*`) for the session's database."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"unsupported database: {dialect}")
