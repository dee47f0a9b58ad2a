from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.reads import write
from api.models.rate_limit import RateLimitWindow


def _hit_statement(dialect: Any) -> Any:
    """The counting upsert, built once per database with named parameters (`key`, `now`,
    `cutoff`, `count`): every login and API call of a limited route runs it."""
    table = RateLimitWindow.__table__.c
    count = bindparam("count", type_=table.hits.type)
    now = bindparam("now", type_=table.window_start.type)
    expired = table.window_start <= bindparam("cutoff", type_=table.window_start.type)
    return (
        dialect.insert(RateLimitWindow)
        .values(key=bindparam("key", type_=table.key.type), window_start=now, hits=count)
        .on_conflict_do_update(
            index_elements=["key"],
            set_={
                "hits": case((expired, count), else_=table.hits + count),
                "window_start": case((expired, now), else_=table.window_start),
            },
        )
        .returning(table.hits, table.window_start)
    )


_HIT = {"postgresql": _hit_statement(postgresql), "sqlite": _hit_statement(sqlite)}


async def hit(
    session: AsyncSession,
    key: str,
    now: datetime,
    window_start_cutoff: datetime,
    count: int = 1,
) -> tuple[int, datetime]:
    """Count `count` hits in the key's current window (a new window when the old one is over);
    return (hits in the window, window start). One statement, atomic on both databases."""
    statement = _HIT[session.get_bind().dialect.name]
    rows = await write(
        session, statement, {"key": key, "now": now, "cutoff": window_start_cutoff, "count": count}
    )
    return int(rows[0]["hits"]), rows[0]["window_start"]
