"""Fixed-window rate limits kept in the database, so every API process counts together."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

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


@dataclass(slots=True)
class _Tally:
    known: int = 0  # the window's hits in the database at the last write (every process's)
    pending: int = 0  # hits counted here since
    window_start: datetime | None = None
    written_at: float = -math.inf


class BatchedLimit:
    """A limit counted by every process together, but written to the database at most once per
    `write_every` seconds per subject: the calls in between cost no round trip (a software
    call's check is otherwise answered from memory, `api.oauth2`).

    A process refuses once what the database counted at its last write plus its own hits since
    reach the limit. Other processes' hits reach it at its next write: with N processes the
    limit can be overrun by what N − 1 others did in `write_every` seconds, never more. One
    process counts exactly."""

    def __init__(self, limit: Limit, *, write_every: float = 1.0) -> None:
        self.limit = limit
        self.write_every = write_every
        self._tallies: dict[str, _Tally] = {}

    async def hit(
        self,
        writer: Callable[[], AbstractAsyncContextManager[AsyncSession]],
        subject: str,
        detail: str,
    ) -> None:
        """Count a hit for `subject` (writing the tally through `writer()` when due); past
        the limit raise a 429 problem with `Retry-After`."""
        now = utcnow()
        window = timedelta(seconds=self.limit.per_seconds)
        tally = self._tallies.setdefault(subject, _Tally())
        if tally.window_start is not None and now >= tally.window_start + window:
            # The database opens a new window at the next write.
            tally.known, tally.window_start = 0, None
        if tally.known + tally.pending >= self.limit.hits:
            start = tally.window_start or now
            raise TooManyRequests(math.ceil((start + window - now).total_seconds()), detail)
        tally.pending += 1
        if time.monotonic() - tally.written_at < self.write_every:
            return
        count, tally.pending = tally.pending, 0
        tally.written_at = time.monotonic()
        try:
            async with writer() as session:
                hits, window_start = await repository.hit(
                    session, f"{self.limit.name}:{subject}", now, now - window, count
                )
        except BaseException:
            tally.pending += count
            raise
        tally.known, tally.window_start = hits, window_start
