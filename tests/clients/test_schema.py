"""The clients migrations create exactly what the ORM models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from api.core.models import Base

TABLES = {"clients", "client_imports", "client_import_rows"}


def _objects(diff: object) -> list[object]:
    entries = diff if isinstance(diff, list) else [diff]
    return [part for entry in entries for part in (entry if isinstance(entry, tuple) else (entry,))]


def _is_trigram_index(diff: object) -> bool:
    """PostgreSQL-only trigram indexes are created by their migration, not by the models
    (migrations/env.py leaves them out the same way)."""
    return any(str(getattr(item, "name", "")).endswith("_trgm") for item in _objects(diff))


def _touches_our_tables(diff: object) -> bool:
    items = _objects(diff)
    names = {getattr(item, "name", None) for item in items}
    names |= {getattr(getattr(item, "table", None), "name", None) for item in items}
    return bool(TABLES & names)


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [
        diff
        for diff in compare_metadata(context, Base.metadata)
        if _touches_our_tables(diff) and not _is_trigram_index(diff)
    ]


async def test_the_clients_tables_match_their_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []
