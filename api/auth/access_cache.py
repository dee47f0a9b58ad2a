"""Access checks remembered by this process, only while PostgreSQL tells it what changes.

Every authenticated request checks its session, user, device and membership
(`repository.access_context`): on the busiest list pages that round trip was a fifth of the
request. A software call checks its bearer token, its key, the key's creator and the
organisation it acts for (`api.oauth2`): three round trips before its work. On PostgreSQL the
answers are kept here (each under a key of its own kind: a session id, a tuple naming what it
is), and forgotten as soon as anything they depend on may have changed:

- triggers on `auth_sessions`, `memberships`, `devices` and `users` (migration
  `20261127_access_notify`), and on `api_keys`, `software_access_tokens`, `workspaces`,
  `clients`, `client_assignments` and `pa_designations` (migration `20261207_software_notify`)
  send `NOTIFY comptoir_access` when a change commits, and
  this process LISTENs on a connection of its own: every process forgets everything at once;
- this process also forgets everything when one of its own write requests commits, so its
  own revocations never wait for the notification;
- an answer read before a change but stored after the notification is refused (generation);
- entries expire after `ttl` seconds whatever happens.

Without the listening connection (SQLite, PostgreSQL unreachable, reconnecting), nothing is
remembered and every request reads the database, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import make_url

T = TypeVar("T")
CHANNEL = "comptoir_access"
logger = logging.getLogger("comptoir.auth.access_cache")


class AccessCache:
    def __init__(self, *, ttl: float = 30.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self.listening = False
        self._entries: OrderedDict[Hashable, tuple[object, float]] = OrderedDict()
        self._generation = 0

    @property
    def generation(self) -> int:
        """Read it before the database: `put` refuses an answer older than a `clear`."""
        return self._generation

    def get(self, key: Hashable, kind: type[T]) -> T | None:
        """The answer kept under `key` if it is a `kind` still fresh (a session id: its
        `AccessContext`)."""
        if not self.listening:
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        value, stored_at = entry
        if time.monotonic() - stored_at > self.ttl:
            del self._entries[key]
            return None
        return value if isinstance(value, kind) else None

    def put(self, key: Hashable, value: object, generation: int) -> None:
        if not self.listening or generation != self._generation:
            return
        self._entries[key] = (value, time.monotonic())
        self._entries.move_to_end(key)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self, *_notification: Any) -> None:
        self._entries.clear()
        self._generation += 1


async def _listen_once(cache: AccessCache, dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    closed = asyncio.Event()
    try:
        connection.add_termination_listener(lambda _connection: closed.set())
        await connection.add_listener(CHANNEL, cache.clear)
        cache.clear()
        cache.listening = True
        await closed.wait()
    finally:
        cache.listening = False
        cache.clear()
        await connection.close()


async def listen(cache: AccessCache, database_url: str, *, retry_seconds: float = 2.0) -> None:
    """Keep a LISTEN connection open for as long as the app runs (a background task)."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    while True:
        try:
            await _listen_once(cache, dsn)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            logger.warning("access cache off, listening again in %ss: %s", retry_seconds, error)
        await asyncio.sleep(retry_seconds)


@contextlib.asynccontextmanager
async def listening_cache(database_url: str) -> AsyncIterator[AccessCache]:
    """An `AccessCache` whose listener runs until the block ends."""
    cache = AccessCache()
    task = asyncio.create_task(listen(cache, database_url))
    try:
        yield cache
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        cache.listening = False
        cache.clear()
