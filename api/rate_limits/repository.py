from __future__ import annotations

from datetime import datetime

from sqlalchemy import case
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.sql import insert_for
from api.models.rate_limit import RateLimitWindow


async def hit(
    session: AsyncSession,
    key: str,
    now: datetime,
    window_start_cutoff: datetime,
    count: int = 1,
) -> tuple[int, datetime]:
    """Count `count` hits in the key's current window (a new window when the old one is over);
    return (hits in the window, window start). One statement, atomic on both databases."""
    table = RateLimitWindow.__table__.c
    insert = insert_for(session, RateLimitWindow).values(key=key, window_start=now, hits=count)
    expired = table.window_start <= window_start_cutoff
    statement = insert.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "hits": case((expired, count), else_=table.hits + count),
            "window_start": case((expired, now), else_=table.window_start),
        },
    ).returning(table.hits, table.window_start)
    row = (await session.execute(statement)).one()
    return int(row.hits), row.window_start
