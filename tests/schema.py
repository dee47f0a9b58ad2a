"""What the migrations built against what the ORM models describe, for the tables a test
names: Alembic's autogenerate comparison, restricted to them."""

from __future__ import annotations

from collections.abc import Callable

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from api.core.models import Base


def _objects(diff: object) -> list[object]:
    entries = diff if isinstance(diff, list) else [diff]
    return [part for entry in entries for part in (entry if isinstance(entry, tuple) else (entry,))]


def _touches(diff: object, tables: set[str]) -> bool:
    items = _objects(diff)
    names = {getattr(item, "name", None) for item in items}
    names |= {getattr(getattr(item, "table", None), "name", None) for item in items}
    return bool(tables & names)


def _is_trigram_index(diff: object) -> bool:
    """PostgreSQL-only trigram indexes are created by their migration, not by the models
    (migrations/env.py leaves them out the same way)."""
    return any(str(getattr(item, "name", "")).endswith("_trgm") for item in _objects(diff))


def model_differences(
    connection: Connection,
    tables: set[str],
    ignore: Callable[[object], bool] = lambda _diff: False,
) -> list[object]:
    """Every difference on `tables`, except trigram indexes and what `ignore` says."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [
        diff
        for diff in compare_metadata(context, Base.metadata)
        if _touches(diff, tables) and not _is_trigram_index(diff) and not ignore(diff)
    ]
