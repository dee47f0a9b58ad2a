"""Async engine, session factory and the request's unit of work.

One `AsyncSession` per request. Services only `flush()`; the unit of work commits once, after
the endpoint returns and before the response is built, and rolls back on any error
(`Depends(..., scope="function")`, FastAPI ≥ 0.118).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from api.core.errors import AppError, DatabaseUnavailable
from api.core.settings import Settings

if TYPE_CHECKING:
    from api.core.state import AppState

T = TypeVar("T")
logger = logging.getLogger("comptoir.db")

# Execution option marking the connections of writing sessions (see `_make_sqlite_transactional`).
WRITER_OPTION = "comptoir_writer"


def create_engine(settings: Settings) -> AsyncEngine:
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=settings.database_echo)
        _make_sqlite_transactional(
            engine, busy_timeout_ms=int(settings.database_busy_timeout_seconds * 1000)
        )
        return engine
    return create_async_engine(
        url,
        echo=settings.database_echo,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_recycle=1800,
    )


def _make_sqlite_transactional(engine: AsyncEngine, *, busy_timeout_ms: int) -> None:
    """Give SQLite real transactions and savepoints, and enforce foreign keys.

    Python's sqlite3 driver opens transactions lazily and breaks SAVEPOINT; SQLAlchemy's
    documented fix is to disable the driver's handling and emit BEGIN ourselves.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The busy timeout first: switching to WAL needs a lock another connection may hold.
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms:d}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front (IMMEDIATE): with a deferred BEGIN, a
        # transaction that reads then writes fails at once with "database is locked" when
        # another one committed in between (WAL snapshot), instead of waiting its turn.
        # Readers stay deferred, so a read session opened while a writer holds the lock (the
        # company registry during an add-client request) proceeds: WAL readers never block.
        immediate = connection.get_execution_options().get(WRITER_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_sessionmaker(
    bind: AsyncEngine | AsyncConnection, *, writer: bool = True
) -> async_sessionmaker[AsyncSession]:
    """Sessions for the unit of work and the workers (`writer`: on SQLite they take the write
    lock when they begin), or, with `writer=False`, for side reads such as the registry."""
    if isinstance(bind, AsyncEngine):
        bind = bind.execution_options(**{WRITER_OPTION: writer})
    return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for read-only endpoints: same pool, but no BEGIN/COMMIT round trips.

    On PostgreSQL every statement then runs in its own implicit transaction; a read-only
    endpoint issues one or two SELECTs, so it loses nothing and saves two round trips.
    """
    return create_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))


async def run_in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """For a command line: `work` in one session and one transaction, committed when it
    returns, on an engine of its own closed afterwards."""
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


class ConnectionGate:
    """First-come-first-served access to the pool.

    SQLAlchemy's async pool wakes its waiters in no particular order: under a load larger
    than the pool, a waiter can be overtaken again and again and the p99 explodes. An
    `asyncio.Semaphore` is FIFO (a new caller never overtakes a queued one), so requests
    queue here, in arrival order, before they touch the pool. It admits `pool_size` sessions:
    the overflow stays free for the short side sessions a request may open (the registry).

    On SQLite it admits one writer at a time (`timeout`: then the request is a 503): writers
    queue here in order instead of polling for the file's write lock in the driver's threads
    (SQLite's busy handler sleeps up to 100 ms between tries and serves no one in order, so
    under a few concurrent writers some waited past `busy_timeout` and failed).
    """

    def __init__(self, capacity: int, *, timeout: float | None = None) -> None:
        self._semaphore = asyncio.Semaphore(capacity)
        self._timeout = timeout

    async def __aenter__(self) -> None:
        if self._timeout is None:
            await self._semaphore.acquire()
            return
        try:
            async with asyncio.timeout(self._timeout):
                await self._semaphore.acquire()
        except TimeoutError:
            raise DatabaseUnavailable(
                "La base de données est occupée ; réessayez dans un instant.",
                retry_after_seconds=1,
            ) from None

    async def __aexit__(self, *_exc: object) -> None:
        self._semaphore.release()


async def read_only(request: Request) -> None:
    """Route dependency (`dependencies=[ReadOnly]`): the endpoint only reads, so its unit of
    work runs without a transaction on PostgreSQL, and in a deferred one on SQLite (WAL: it
    reads its snapshot and never waits for the writer). Declared on the route, it runs before
    the session opens. Writes that still happen (the session heartbeat) are committed
    statement by statement on PostgreSQL, and after the response on SQLite
    (`writes_after_response`): a deferred SQLite transaction cannot take the write lock once
    another writer committed."""
    request.state.read_only = True


def writes_after_response(request: Request) -> bool:
    """True when the request's session cannot write (a SQLite read-only endpoint): its small
    bookkeeping writes (the session's last use) go to `write_soon` instead."""
    return bool(getattr(request.state, "writes_after_response", False))


_background_writes: set[asyncio.Task[None]] = set()


def write_soon(
    request: Request, work: Callable[[AsyncSession], Awaitable[None]], *, what: str
) -> None:
    """Run `work` in a writer session of its own, in the background: bookkeeping that must not
    hold up a read, and that may be lost (logged) if the database is busy."""
    sessionmaker = _app_state(request).db.writer_sessions

    async def write() -> None:
        try:
            async with sessionmaker() as session, session.begin():
                await work(session)
        except Exception as error:
            logger.info("%s not recorded: %s", what, error)

    task = asyncio.create_task(write(), name=f"comptoir-{what}")
    _background_writes.add(task)
    task.add_done_callback(_background_writes.discard)


ReadOnly = Depends(read_only)


@contextlib.asynccontextmanager
async def writable(request: Request, session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Where a request writes what must be written before it answers (a rate-limit count, a
    key's last use): its own session when it can write; on a SQLite read-only endpoint, a short
    writer transaction of its own, committed on exit. A deferred SQLite read transaction
    cannot take the write lock once another writer committed: writing there answered 503
    « base occupée » to a read whenever the worker wrote at the same moment."""
    if not writes_after_response(request):
        yield session
        return
    database = _app_state(request).db
    gate = database.write_gate or contextlib.nullcontext()
    async with gate, database.writer_sessions() as writer:
        yield writer
        await writer.commit()


async def streamed_body(request: Request) -> None:
    """Route dependency (`dependencies=[StreamedBody]`): the request body may take long to
    arrive (an upload from a phone). Its unit of work does not queue at the connection gate,
    which would hold a place for the whole transfer, and the endpoint hands its connection
    back while the body arrives (`release_connection`)."""
    request.state.streamed_body = True


StreamedBody = Depends(streamed_body)


async def release_connection(session: AsyncSession) -> None:
    """Commit what the request did so far and give its connection back to the pool (on
    SQLite, the write lock) before a long wait on the client. Call it before the request's
    own writes: what follows runs in a new transaction."""
    await session.commit()


async def _unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    database = _app_state(request).db
    sessionmaker = database.writer_sessions
    # Tests bind the app to one rolled-back connection and set no read-only sessions.
    if getattr(request.state, "read_only", False) and database.read_only_sessions is not None:
        sessionmaker = database.read_only_sessions
        request.state.writes_after_response = database.read_sessions_deferred
    gate = database.connection_gate
    if sessionmaker is database.writer_sessions:
        gate = database.write_gate or gate
    if getattr(request.state, "streamed_body", False):
        gate = None
    async with gate or contextlib.nullcontext(), sessionmaker() as session:
        try:
            yield session
        except AppError as error:
            if error.keeps_changes:
                await session.commit()
                _written(request)
            else:
                await session.rollback()
            raise
        except BaseException:
            await session.rollback()
            raise
        else:
            # A session never used (a read-only endpoint whose statements borrowed their
            # connection, see `api.core.reads`) has nothing to commit: no round of calls.
            if session.in_transaction():
                await session.commit()
                if not getattr(request.state, "read_only", False):
                    _written(request)


def changes_no_access(request: Request) -> None:
    """Declare that this request's writes change no access check (a software call of the
    standard APIs, which manage no key, member or session): its commit leaves the
    session-check cache as it is. Other processes still hear of any such change."""
    request.state.changes_no_access = True


def _written(request: Request) -> None:
    """A write request committed: tell who asked (the state's `on_write_commit`, e.g. the
    session-check cache, which then forgets what it knew)."""
    if getattr(request.state, "changes_no_access", False):
        return
    callback = _app_state(request).on_write_commit
    if callback is not None:
        callback()


def _app_state(request: Request) -> AppState:
    # `api.core.state` imports this module: read the attribute it documents, typed.
    state: AppState = request.app.state.comptoir
    return state


DbSession = Annotated[AsyncSession, Depends(_unit_of_work, scope="function")]
"""The request's unit of work: inject it in routers, pass it down to services."""
