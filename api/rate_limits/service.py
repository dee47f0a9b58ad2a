"""Fixed-window rate limits kept in the database, so every API process counts together."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.errors import TooManyRequests
from api.core.models import utcnow
from api.rate_limits import repository


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    hits: int
    per_seconds: int


async def enforce(session: AsyncSession, limit: Limit, subject: str, detail: str) -> None:
    """Count a hit for `subject`; past the limit raise a 429 problem with `Retry-After`."""
    now = utcnow()
    window = timedelta(seconds=limit.per_seconds)
    hits, window_start = await repository.hit(session, f"{limit.name}:{subject}", now, now - window)
    if hits > limit.hits:
        retry_after = math.ceil((window_start + window - now).total_seconds())
        raise TooManyRequests(retry_after, detail)
