"""The documents migration creates exactly what the ORM models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from api.core.models import Base

TABLES = {"documents", "folders"}


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [
        diff
        for diff in compare_metadata(context, Base.metadata)
        if (
            TABLES & {getattr(item, "name", None) for item in _objects(diff)}
            or TABLES
            & {getattr(getattr(item, "table", None), "name", None) for item in _objects(diff)}
        )
        # PostgreSQL-only trigram indexes live in the migrations alone (as in migrations/env.py)
        and not any(str(getattr(item, "name", "")).endswith("_trgm") for item in _objects(diff))
    ]


def _objects(diff: object) -> list[object]:
    entries = diff if isinstance(diff, list) else [diff]
    return [part for entry in entries for part in (entry if isinstance(entry, tuple) else (entry,))]


async def test_documents_and_folders_tables_match_their_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []
