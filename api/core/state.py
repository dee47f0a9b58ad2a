"""What the running app holds for its lifetime, typed: one `AppState` on `app.state.comptoir`
instead of loose attributes that every reader had to guess with `getattr(..., None)`.

    settings        the settings the app was built with
    database        the engine and its three session factories (`Database`); set by the
                    lifespan, or by the tests to sessions bound to their rolled-back connection
    on_write_commit called after a write request commits (the session-check cache clears)
    once(kind, ...) an object built once per app on first use (registry, SSO, blob store, key
                    ring), kept under its own type: core lists no domain's object

What the adapters open (HTTP connection pools) is closed by the lifespan (`close_at_shutdown`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.core.db import ConnectionGate
from api.core.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Database:
    """The engine and its session factories, each named for the sessions it opens."""

    # The unit of work and the workers: on SQLite they take the write lock when they begin.
    writer_sessions: async_sessionmaker[AsyncSession]
    # Side reads inside a request (the company registry): never the writer's lock.
    side_reader_sessions: async_sessionmaker[AsyncSession]
    # Read-only endpoints: on PostgreSQL autocommit (no BEGIN/COMMIT round trips), on SQLite
    # deferred transactions reading a WAL snapshot. None in the tests: `writer_sessions`.
    read_only_sessions: async_sessionmaker[AsyncSession] | None = None
    # The read-only sessions cannot write (SQLite): bookkeeping goes to `write_soon`.
    read_sessions_deferred: bool = False
    # First come, first served access to the pool (PostgreSQL).
    connection_gate: ConnectionGate | None = None
    # One writer at a time, queued here rather than on the database lock (SQLite).
    write_gate: ConnectionGate | None = None
    engine: AsyncEngine | None = None  # None when the tests bind the sessions themselves

    @classmethod
    def bound_to(cls, sessions: async_sessionmaker[AsyncSession]) -> Database:
        """Every session from one factory (the tests' rolled-back connection, a bench)."""
        return cls(writer_sessions=sessions, side_reader_sessions=sessions)


@dataclass(eq=False, slots=True)
class AppState:
    settings: Settings
    database: Database | None = None
    on_write_commit: Callable[[], None] | None = None
    _objects: dict[Any, Any] = field(default_factory=dict)
    _to_close: list[Any] = field(default_factory=list)

    @property
    def db(self) -> Database:
        if self.database is None:
            raise RuntimeError("The database is opened by the app's lifespan (or the tests).")
        return self.database

    def once(self, kind: Hashable, build: Callable[[], T]) -> T:
        """The app's one `kind` (an interface, a class, or a name when two objects share a
        type), built by `build()` the first time it is asked for."""
        found: T | None = self._objects.get(kind)
        if found is None:
            found = self._objects[kind] = build()
        return found

    def get(self, kind: type[T]) -> T | None:
        found: T | None = self._objects.get(kind)
        return found

    def put(self, kind: Hashable, value: object) -> None:
        """Set the app's `kind` (the lifespan's cache, a test's other provider)."""
        self._objects[kind] = value

    def discard(self, kind: Hashable) -> None:
        self._objects.pop(kind, None)

    def close_at_shutdown(self, resource: Any) -> None:
        """`resource.aclose()` when the app stops (an adapter's HTTP connection pool)."""
        if hasattr(resource, "aclose"):
            self._to_close.append(resource)

    async def close(self) -> None:
        """Close what the adapters opened, before the engine goes."""
        for resource in self._to_close:
            await resource.aclose()
        self._to_close.clear()


def state_of(app: FastAPI) -> AppState:
    state: AppState = app.state.comptoir
    return state


def request_state(request: Request) -> AppState:
    """The running app's state, for dependencies."""
    state: AppState = request.app.state.comptoir
    return state
