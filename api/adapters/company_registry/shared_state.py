"""State the remote registry shares between API processes, kept in the database:
the answer cache and the request-rate slot (DESIGN: no per-process state another
instance would need).

Both use their own short sessions, committed at once, never the request's unit of work: a
rate slot held until the request commits would serialise every lookup. On SQLite (a single
writer) a request that already holds the write lock waits up to `busy_timeout` here; the
embedded set-up uses the local SIRENE registry, which only reads.
"""

from __future__ import annotations

import hashlib
import logging
import time

from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.models.sirene import CompanyRegistryCacheEntry, CompanyRegistryRateSlot

logger = logging.getLogger("comptoir.company_registry")

_cache = CompanyRegistryCacheEntry
_slot = CompanyRegistryRateSlot


class AnswerCache:
    """Upstream answers by request, until `ttl_seconds` old (0 disables the cache)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], ttl_seconds: int) -> None:
        self._sessionmaker = sessionmaker
        self._ttl_seconds = ttl_seconds

    @staticmethod
    def key(request: str) -> str:
        return hashlib.sha256(request.encode()).hexdigest()

    async def get(self, request: str) -> str | None:
        if not self._ttl_seconds:
            return None
        async with self._sessionmaker() as session:
            payload: str | None = await session.scalar(
                select(_cache.payload).where(
                    _cache.key == self.key(request), _cache.expires_at > time.time()
                )
            )
        return payload

    async def put(self, request: str, payload: str) -> None:
        if not self._ttl_seconds:
            return
        now = time.time()
        key = self.key(request)
        async with self._sessionmaker() as session:
            try:
                # Expired rows go on every write: the table stays as small as the live answers.
                await session.execute(delete(_cache).where(_cache.expires_at <= now))
                await session.execute(delete(_cache).where(_cache.key == key))
                await session.execute(
                    insert(_cache).values(
                        key=key, payload=payload, expires_at=now + self._ttl_seconds
                    )
                )
                await session.commit()
            except IntegrityError:
                # Another process cached the same answer meanwhile: theirs is as good.
                await session.rollback()
            except OperationalError:
                # A busy database must not fail a lookup that already has its answer.
                logger.warning("company registry answer not cached (database busy)")
                await session.rollback()


class RateSlots:
    """Spaces requests to one upstream by `1 / rate` seconds across all processes.

    Each caller reserves the next slot with a single atomic `UPDATE … RETURNING` (row lock
    on PostgreSQL, the write lock on SQLite) and sleeps until it. Clocks of the API hosts
    are assumed NTP-synchronised; a skew only shifts the spacing by that much.
    """

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], upstream: str, rate: float
    ) -> None:
        self._sessionmaker = sessionmaker
        self._upstream = upstream
        self._interval = 1.0 / rate

    async def reserve(self) -> float:
        """Reserve a slot; returns how many seconds to wait before using it."""
        now = time.time()
        next_slot = _slot.next_slot_at
        async with self._sessionmaker() as session:
            reserved_end = await session.scalar(
                update(_slot)
                .where(_slot.upstream == self._upstream)
                .values(
                    # max(next_slot_at, now) + interval, spelled portably.
                    next_slot_at=case((next_slot > now, next_slot), else_=now) + self._interval
                )
                .returning(next_slot)
            )
            if reserved_end is None:
                await session.execute(
                    insert(_slot).values(upstream=self._upstream, next_slot_at=now + self._interval)
                )
                reserved_end = now + self._interval
            await session.commit()
        return max(0.0, float(reserved_end) - self._interval - now)
