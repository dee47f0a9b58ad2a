"""`api.core.reads`: the driver path gives the rows the session gives, value for value.

The rows live in a temporary table on a connection of its own in autocommit, which is where
read-only endpoints run (on PostgreSQL the driver path is taken there; on SQLite, never)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import asyncpg
import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    func,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from api.core import reads
from api.core.authz import Role
from api.core.db import create_read_sessionmaker
from api.core.models import MoneyAmount, UTCDateTime, str_enum
from api.models.membership import RoleSet


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


metadata = MetaData()
things = Table(
    "reads_things",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("rank", Integer, nullable=False),
    Column("name", String(40), nullable=False),
    Column("colour", str_enum(Colour), nullable=False),
    Column("amount", MoneyAmount, nullable=True),
    Column("seen_at", UTCDateTime, nullable=True),
    Column("roles", RoleSet, nullable=True),
    prefixes=["TEMPORARY"],
)
ROWS = [
    {
        "id": uuid.UUID(int=index + 1),
        "rank": index,
        "name": f"Chose {index}",
        "colour": Colour.RED if index % 2 else Colour.BLUE,
        "amount": Decimal(index * 125) / 100 if index % 3 else None,
        "seen_at": datetime(2026, 1, 1 + index, 12, 30, tzinfo=UTC) if index % 4 else None,
        "roles": frozenset({Role.ACCOUNTANT}) if index % 5 else None,
    }
    for index in range(12)
]


@pytest.fixture
async def autocommit(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.run_sync(metadata.create_all)
        await connection.execute(things.insert(), ROWS)
        try:
            yield connection
        finally:
            await connection.run_sync(metadata.drop_all)


async def _both(
    connection: AsyncConnection, statement: Any, params: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    session = AsyncSession(bind=connection)
    on_driver = await reads._driver_connection(connection) is not None
    assert on_driver == (connection.dialect.name == "postgresql")
    fast = await reads.fetch_all(session, statement, params)
    usual = [dict(row) for row in (await connection.execute(statement, params)).mappings()]
    return fast, usual


def _same(fast: list[dict[str, Any]], usual: list[dict[str, Any]]) -> None:
    assert fast == usual
    for ours, theirs in zip(fast, usual, strict=True):
        assert list(ours) == list(theirs)
        assert [type(value) for value in ours.values()] == [
            # asyncpg hands back its own UUID subclass; it is still a uuid.UUID
            type(value) if not isinstance(value, uuid.UUID) else type(ours[key])
            for key, value in theirs.items()
        ]


async def test_a_filtered_page_reads_the_same_both_ways(autocommit: AsyncConnection) -> None:
    statement = (
        select(things, things.c.name.label("_sort_key"))
        .where(things.c.colour == Colour.RED, things.c.name.like("Chose%"))
        .order_by(things.c.rank)
        .limit(4)
    )
    fast, usual = await _both(autocommit, statement)
    _same(fast, usual)
    assert [row["rank"] for row in fast] == [1, 3, 5, 7]
    assert isinstance(fast[0]["colour"], Colour)
    assert fast[2]["amount"] == Decimal("6.25")
    assert fast[0]["seen_at"] == datetime(2026, 1, 2, 12, 30, tzinfo=UTC)
    assert fast[0]["roles"] == frozenset({Role.ACCOUNTANT})


async def test_each_call_takes_its_own_values(autocommit: AsyncConnection) -> None:
    """Same shape, other literals: the cached plan must bind this call's values."""
    for colour, after in [(Colour.BLUE, (0, ROWS[0]["id"])), (Colour.RED, (5, ROWS[5]["id"]))]:
        statement = (
            select(things.c.rank)
            .where(things.c.colour == colour, tuple_(things.c.rank, things.c.id) > after)
            .order_by(things.c.rank)
        )
        fast, usual = await _both(autocommit, statement)
        _same(fast, usual)
    assert [row["rank"] for row in fast] == [7, 9, 11]


async def test_a_constant_statement_with_named_parameters(autocommit: AsyncConnection) -> None:
    statement = select(things.c.name, things.c.seen_at).where(things.c.id == bindparam("wanted"))
    for index in (3, 4):
        fast, usual = await _both(autocommit, statement, {"wanted": ROWS[index]["id"]})
        _same(fast, usual)
        assert fast == [{"name": f"Chose {index}", "seen_at": ROWS[index]["seen_at"]}]


async def test_a_keyset_page_built_once_with_every_value_bound(
    autocommit: AsyncConnection,
) -> None:
    """The list pages' form: typed parameters for the keyset (a datetime, an id) and the
    limit, values given per call."""
    key = tuple_(things.c.seen_at, things.c.id)
    after = tuple_(
        bindparam("after_at", type_=things.c.seen_at.type),
        bindparam("after_id", type_=things.c.id.type),
    )
    statement = (
        select(things.c.rank)
        .where(things.c.colour == bindparam("colour"), key > after)
        .order_by(things.c.seen_at, things.c.id)
        .limit(bindparam("limit", type_=Integer))
    )
    for start, expected in [(1, [3, 5]), (7, [9, 11])]:
        params = {
            "colour": Colour.RED,
            "after_at": ROWS[start]["seen_at"],
            "after_id": ROWS[start]["id"],
            "limit": 2,
        }
        fast, usual = await _both(autocommit, statement, params)
        _same(fast, usual)
        assert [row["rank"] for row in fast] == expected


async def test_expanding_in_and_aggregates(autocommit: AsyncConnection) -> None:
    """An IN list changes the SQL text with its length: it runs the usual way, same rows."""
    statement = (
        select(things.c.colour, func.count().label("count"))
        .where(things.c.rank.in_([1, 2, 3, 4, 5]))
        .group_by(things.c.colour)
        .order_by(things.c.colour)
    )
    fast, usual = await _both(autocommit, statement)
    _same(fast, usual)
    assert fast == [{"colour": Colour.BLUE, "count": 2}, {"colour": Colour.RED, "count": 3}]


async def test_a_computed_numeric_column(autocommit: AsyncConnection) -> None:
    """asyncpg's numeric result processor needs the driver's column type, which a plan
    compiled ahead does not have: such a statement runs the usual way, same rows."""
    statement = select((things.c.rank / 4).label("quarter")).order_by(things.c.rank).limit(3)
    fast, usual = await _both(autocommit, statement)
    _same(fast, usual)
    assert [row["quarter"] for row in fast] == [0, Decimal("0.25"), Decimal("0.5")]


async def test_inside_a_transaction_a_read_sees_its_writes(
    autocommit: AsyncConnection, engine: AsyncEngine
) -> None:
    """Never around a transaction: a write not yet committed must be seen by the next read
    (on PostgreSQL the read goes to the driver, on the transaction's own connection)."""
    async with engine.connect() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(things.insert(), ROWS[:2])
        assert await reads._driver_connection(connection) is None
        in_transaction = await reads._open_driver_transaction(connection)
        assert (in_transaction is not None) == (connection.dialect.name == "postgresql")
        session = AsyncSession(bind=connection)
        rows = await reads.fetch_all(session, select(things.c.rank).order_by(things.c.rank))
        assert rows == [{"rank": 0}, {"rank": 1}]
        await connection.rollback()


shared = MetaData()
shared_things = Table(
    "reads_shared_things",
    shared,
    Column("id", Uuid, primary_key=True),
    Column("rank", Integer, nullable=False),
    Column("seen_at", UTCDateTime, nullable=True),
)


@pytest.fixture
async def read_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A read-only endpoint's session: bound to the autocommit engine, holding nothing yet.
    Its rows are in a real table, since a borrowed connection is any of the pool's."""
    async with engine.begin() as connection:
        await connection.run_sync(shared.create_all)
        await connection.execute(
            shared_things.insert(),
            [{key: row[key] for key in ("id", "rank", "seen_at")} for row in ROWS],
        )
    session = create_read_sessionmaker(engine)()
    try:
        yield session
    finally:
        await session.close()
        async with engine.begin() as connection:
            await connection.run_sync(shared.drop_all)


def _checked_out(engine: AsyncEngine) -> int:
    pool: Any = engine.pool  # a QueuePool on PostgreSQL
    return int(pool.checkedout())


def _borrows(session: AsyncSession) -> bool:
    return session.get_bind().dialect.driver == "asyncpg"


async def test_a_read_only_session_borrows_a_connection_per_statement(
    read_session: AsyncSession, engine: AsyncEngine
) -> None:
    statement = (
        select(shared_things.c.rank, shared_things.c.seen_at)
        .where(shared_things.c.rank >= bindparam("from_rank"))
        .order_by(shared_things.c.rank)
    )
    rows = await reads.fetch_all(read_session, statement, {"from_rank": 9})
    usual = await read_session.execute(statement, {"from_rank": 9})
    assert rows == [dict(row) for row in usual.mappings()]
    assert [row["rank"] for row in rows] == [9, 10, 11]
    await read_session.commit()
    # The statement left the session as it found it, and gave its connection back.
    read_session.expunge_all()
    fresh = create_read_sessionmaker(engine)()
    assert await reads.fetch_one(fresh, statement, {"from_rank": 11}) == {
        "rank": 11,
        "seen_at": ROWS[11]["seen_at"],
    }
    # On PostgreSQL the statement borrowed a connection and gave it back; elsewhere the
    # session opened its own.
    assert fresh.in_transaction() is not _borrows(fresh)
    if _borrows(fresh):
        assert _checked_out(engine) == 0
    await fresh.close()


async def test_a_refused_statement_gives_back_a_sound_connection(
    read_session: AsyncSession, engine: AsyncEngine
) -> None:
    if not _borrows(read_session):
        pytest.skip("connections are borrowed on PostgreSQL only")
    failing = select(shared_things.c.rank // (shared_things.c.rank - shared_things.c.rank))
    with pytest.raises(asyncpg.DivisionByZeroError):
        await reads.fetch_all(read_session, failing)
    assert _checked_out(engine) == 0
    rows = await reads.fetch_all(
        read_session, select(func.count().label("n")).select_from(shared_things)
    )
    assert rows == [{"n": len(ROWS)}]


async def test_a_statement_cancelled_midway_does_not_return_its_connection(
    read_session: AsyncSession, engine: AsyncEngine
) -> None:
    if not _borrows(read_session):
        pytest.skip("connections are borrowed on PostgreSQL only")
    slow = select(func.pg_sleep(5).label("slept"))
    task = asyncio.create_task(reads.fetch_all(read_session, slow))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _checked_out(engine) == 0
    # The pool hands out a working connection afterwards, not the interrupted one.
    rows = await reads.fetch_all(
        read_session, select(func.count().label("n")).select_from(shared_things)
    )
    assert rows == [{"n": len(ROWS)}]


async def test_connections_given_back_to_a_full_pool_are_closed_cleanly(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A burst larger than the pool: the overflow connections are closed as they come back
    (the pool's queue is full). That close awaits the driver; done outside SQLAlchemy's
    greenlet it logged `QueueFull` then `MissingGreenlet` and leaked the connection."""
    if not settings.resolved_database_url.startswith("postgresql"):
        pytest.skip("connections are borrowed on PostgreSQL only")
    small = create_async_engine(settings.resolved_database_url, pool_size=2, max_overflow=30)
    try:
        session_of = create_read_sessionmaker(small)
        statement = select(func.pg_sleep(0.05), bindparam("n", type_=Integer).label("n"))

        async def one(n: int) -> Any:
            async with session_of() as session:
                return (await reads.fetch_one(session, statement, {"n": n}) or {})["n"]

        with caplog.at_level(logging.WARNING):
            answers = await asyncio.gather(*(one(n) for n in range(32)))
        assert answers == list(range(32))
        assert [r.getMessage() for r in caplog.records if r.name.startswith("sqlalchemy")] == []
        pool: Any = small.pool
        assert (pool.checkedout(), pool.checkedin(), pool.overflow()) == (0, 2, 0)
    finally:
        await small.dispose()


_WRITE = (
    shared_things.insert()
    .values(
        id=bindparam("new_id"),
        rank=bindparam("new_rank"),
        seen_at=bindparam("new_seen_at", type_=UTCDateTime),
    )
    .returning(shared_things.c.id, shared_things.c.seen_at)
)


async def test_a_write_runs_in_the_transaction_and_rolls_back_with_it(engine: AsyncEngine) -> None:
    """`write` on PostgreSQL goes to the driver once the transaction is open on the
    connection (before that, the session's way, which opens it): either way the row is part
    of the transaction — read back inside it, gone after its rollback — and RETURNING gives
    the values the session would."""
    async with engine.begin() as connection:
        await connection.run_sync(shared.create_all)
    seen_at = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)
    try:
        async with engine.connect() as connection:
            session = AsyncSession(bind=connection)
            first, second = uuid.uuid4(), uuid.uuid4()
            assert await reads._open_driver_transaction(connection) is None  # nothing ran yet
            returned = await reads.write(
                session, _WRITE, {"new_id": first, "new_rank": 1, "new_seen_at": seen_at}
            )
            on_driver = await reads._open_driver_transaction(connection) is not None
            assert on_driver == (connection.dialect.name == "postgresql")
            returned_raw = await reads.write(
                session, _WRITE, {"new_id": second, "new_rank": 2, "new_seen_at": seen_at}
            )
            assert [dict(row) for row in returned] == [{"id": first, "seen_at": seen_at}]
            assert [dict(row) for row in returned_raw] == [{"id": second, "seen_at": seen_at}]
            statement = select(shared_things.c.rank).order_by(shared_things.c.rank)
            assert await reads.fetch_all(session, statement) == [{"rank": 1}, {"rank": 2}]
            await session.rollback()
        async with engine.connect() as connection:
            count = await connection.scalar(select(func.count()).select_from(shared_things))
            assert count == 0
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(shared.drop_all)
