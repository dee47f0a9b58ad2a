"""Hot reads: a Core select's rows as plain dicts, straight from the driver where it can be.

Through an `AsyncSession`, one statement costs a greenlet hop, an ORM execution context, a
cursor wrapper and a `Row` per row: on the busiest list pages (50 rows, 20 columns) that was
~1 ms of CPU against ~0.3 ms for the same query on the bare asyncpg connection. `fetch_all`
keeps the repositories writing SQLAlchemy Core and removes that layer where nothing needs it:

- PostgreSQL, session of a read-only endpoint (autocommit engine, `api.core.db.ReadOnly`):
  the statement is compiled once per shape (SQLAlchemy's own cache key, so the literal values
  of this call are picked up from the statement; or, for a statement built once with named
  `bindparam()`s, its identity), bound with the column types' bind processors, run on the
  asyncpg connection, and the result processors applied: the same values the session would
  return. While the session holds no connection, the statement borrows one from the pool
  for its own duration (~20 µs) instead of opening the session's (~150 µs with its commit):
  in autocommit, every statement is its own transaction either way.
- PostgreSQL, inside a request's transaction once it is open on the connection: the same,
  on that connection (so the statement is part of the transaction and sees its writes).
- Anywhere else (SQLite, a transaction not begun yet, a statement with an expanding `IN`):
  the session runs it as usual.

`tests/core/test_reads.py` checks that both paths give identical rows.

Hot writes (`write`): a DML statement built once with named `bindparam()`s (the login's
session, refresh-token and audit rows), run in the request's transaction. On PostgreSQL, once
that transaction is open on the connection, it goes straight to the asyncpg connection with
the same compiled-once plan: the session's execution machinery (context, cursor, result) cost
several times the statement's own CPU. Anywhere else, the session's connection runs it.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import asyncpg
from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.util import greenlet_spawn

Processor = Callable[[Any], Any]
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
_PLAN_CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class _Plan:
    """One statement shape, compiled for asyncpg."""

    compiled: Any  # SQLCompiler: construct_params() maps this call's values onto it
    sql: str
    positions: tuple[str, ...]
    bind_processors: tuple[Processor | None, ...]
    keys: tuple[str, ...]
    result_processors: tuple[tuple[int, Processor], ...]


class _Plans:
    """A small LRU of compiled plans (a shape that cannot run raw is cached as None). Used
    from the event loop's thread only: no lock."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._plans: OrderedDict[Any, _Plan | None] = OrderedDict()

    def get(self, key: Any) -> tuple[bool, _Plan | None]:
        if key not in self._plans:
            return False, None
        self._plans.move_to_end(key)
        return True, self._plans[key]

    def put(self, key: Any, plan: _Plan | None) -> None:
        self._plans[key] = plan
        if len(self._plans) > self._size:
            self._plans.popitem(last=False)


_plans = _Plans(_PLAN_CACHE_SIZE)


def _compile(statement: AnySelect | UpdateBase, dialect: Dialect, cache_key: Any) -> _Plan | None:
    # With its cache key, the compiled form can take the values of later statements of the
    # same shape (`construct_params(extracted_parameters=...)`), as SQLAlchemy's cache does.
    compiled: Any = statement.compile(dialect=dialect, cache_key=cache_key)
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None  # expanding IN: the SQL text changes with the values
    positions = tuple(compiled.positiontup or ())
    bind_processors = tuple(
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in positions
    )
    if isinstance(statement, UpdateBase):
        # A write: its RETURNING rows are read by name from the driver's records.
        return _Plan(compiled, str(compiled), positions, bind_processors, (), ())
    columns = statement.selected_columns
    keys = tuple(columns.keys())
    try:
        result_processors = tuple(
            (index, processor)
            for index, column in enumerate(columns)
            if (processor := column.type.dialect_impl(dialect).result_processor(dialect, None))
            is not None
        )
    except (TypeError, InvalidRequestError):
        return None  # a processor that needs the driver's column type (asyncpg's Numeric)
    return _Plan(compiled, str(compiled), positions, bind_processors, keys, result_processors)


def _autocommit_engine(session: AsyncSession) -> AsyncEngine | None:
    """The engine of `session` if it is a read-only endpoint's on PostgreSQL (autocommit) and
    the session holds no connection yet: a statement may then borrow one from the pool."""
    bind = session.bind
    if not isinstance(bind, AsyncEngine) or bind.dialect.driver != "asyncpg":
        return None
    if session.in_transaction():
        return None
    if bind.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        return None
    return bind


async def _fetch_borrowed(engine: AsyncEngine, plan: _Plan, values: list[Any]) -> list[Any]:
    """Run `plan` on a connection borrowed from the pool for this statement only.

    The connection goes back through `greenlet_spawn`, as `AsyncEngine.raw_connection` took
    it: when the pool is full (its overflow shrinking after a burst) or the connection is
    invalidated, giving it back closes it, and closing an asyncpg connection awaits; outside
    SQLAlchemy's greenlet that raised `MissingGreenlet` and leaked the connection."""
    pooled = await engine.raw_connection()
    driver: Any = pooled.driver_connection  # the asyncpg connection
    try:
        records: list[Any] = await driver.fetch(plan.sql, *values)
    except asyncpg.PostgresError:
        await greenlet_spawn(pooled.close)  # the server refused the statement: it is sound
        raise
    except BaseException:
        # Cancelled mid-statement or the link broke: the connection's state is unknown,
        # so it is closed rather than handed to the next request.
        await asyncio.shield(greenlet_spawn(pooled.invalidate))
        raise
    await greenlet_spawn(pooled.close)
    return records


async def _driver_connection(connection: AsyncConnection) -> Any | None:
    """The asyncpg connection under `connection` when it may be used bare: PostgreSQL in
    autocommit, where no transaction of the session can be bypassed."""
    if connection.dialect.driver != "asyncpg":
        return None
    if connection.sync_connection is None or (
        connection.sync_connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT"
    ):
        return None
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def fetch_all(
    session: AsyncSession, statement: AnySelect, params: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every row of `statement` as a dict keyed like `Row._mapping`.

    `params` is for a statement built once (a module constant) with named `bindparam()`s: its
    plan is then found by identity, without computing a cache key on every call."""
    engine = _autocommit_engine(session)
    if engine is not None:
        prepared = _prepare(statement, params, engine.dialect)
        if prepared is not None:
            plan, values = prepared
            return _rows(plan, await _fetch_borrowed(engine, plan, values))
    connection = await session.connection()
    # In autocommit, or inside the session's transaction once it is open on the connection
    # (the same connection, so the statement sees what the transaction wrote).
    driver = await _driver_connection(connection) or await _open_driver_transaction(connection)
    prepared = _prepare(statement, params, connection.dialect) if driver is not None else None
    if driver is None or prepared is None:
        result = await connection.execute(statement, params)
        return [dict(row) for row in result.mappings()]
    plan, values = prepared
    return _rows(plan, await driver.fetch(plan.sql, *values))


def _prepare(
    statement: AnySelect | UpdateBase, params: Mapping[str, Any] | None, dialect: Dialect
) -> tuple[_Plan, list[Any]] | None:
    """The plan of `statement` and its positional values, or None to run it the usual way."""
    if params is not None:
        found, plan = _plans.get(statement)
        if not found:
            plan = _compile(statement, dialect, None)
            _plans.put(statement, plan)
        bound = plan.compiled.construct_params(params) if plan is not None else None
    else:
        cache_key = statement._generate_cache_key()
        if cache_key is None:
            return None
        found, plan = _plans.get(cache_key.key)
        if not found:
            plan = _compile(statement, dialect, cache_key)
            _plans.put(cache_key.key, plan)
        bound = (
            plan.compiled.construct_params(extracted_parameters=cache_key.bindparams)
            if plan is not None
            else None
        )
    if plan is None or bound is None:
        return None
    values = [
        process(bound[name]) if process is not None else bound[name]
        for name, process in zip(plan.positions, plan.bind_processors, strict=True)
    ]
    return plan, values


def _rows(plan: _Plan, records: Sequence[Any]) -> list[dict[str, Any]]:
    keys = plan.keys
    if not plan.result_processors:
        return [dict(zip(keys, record, strict=True)) for record in records]
    rows = []
    for record in records:
        values = list(record)
        for index, process in plan.result_processors:
            values[index] = process(values[index])
        rows.append(dict(zip(keys, values, strict=True)))
    return rows


async def fetch_one(
    session: AsyncSession, statement: AnySelect, params: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """The first row of `statement` (add your own LIMIT), or None."""
    rows = await fetch_all(session, statement, params)
    return rows[0] if rows else None


async def _open_driver_transaction(connection: AsyncConnection) -> Any | None:
    """The asyncpg connection under `connection` when the session's transaction is already
    open on it (SQLAlchemy begins it lazily, at the first statement): a statement sent there
    is part of that transaction. None otherwise (not asyncpg, or nothing ran yet)."""
    if connection.dialect.driver != "asyncpg":
        return None
    raw = await connection.get_raw_connection()
    if getattr(raw.dbapi_connection, "_transaction", None) is None:
        return None
    return raw.driver_connection


async def write(
    session: AsyncSession, statement: UpdateBase, params: Mapping[str, Any]
) -> Sequence[Mapping[str, Any]]:
    """Run `statement` (built once, a module constant with named `bindparam()`s; every value
    given, column defaults are not applied) in the session's transaction; its RETURNING rows,
    by column name ([] without RETURNING)."""
    connection = await session.connection()
    driver = await _open_driver_transaction(connection)
    prepared = _prepare(statement, params, connection.dialect) if driver is not None else None
    if driver is None or prepared is None:
        result = await connection.execute(statement, params)
        return [dict(row) for row in result.mappings()] if result.returns_rows else []
    plan, values = prepared
    records: list[Any] = await driver.fetch(plan.sql, *values)
    return records
