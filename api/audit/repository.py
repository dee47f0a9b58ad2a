"""SQL of the audit trail: chain heads (locked while appending) and events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import before
from api.core.reads import write
from api.core.sql import insert_for
from api.models.audit_event import AuditChainHead, AuditEvent
from api.models.user import User

GENESIS_HASH = "0" * 64


async def lock_chain_head(session: AsyncSession, chain: str) -> AuditChainHead:
    """Return the chain's head row, locked (FOR UPDATE on PostgreSQL; SQLite has one writer).

    One round trip when the chain exists (every time but its first event): the head is the
    busiest lock of the platform (all anonymous events share one chain), held until commit."""
    locked = (
        select(AuditChainHead)
        .where(AuditChainHead.chain == chain)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    head = await session.scalar(locked)
    if head is None:
        await session.execute(
            insert_for(session, AuditChainHead)
            .values(chain=chain, sequence=0, hash=GENESIS_HASH)
            .on_conflict_do_nothing(index_elements=["chain"])
        )
        head = await session.scalar(locked)
    assert head is not None
    return head


# Every column of an event row, in the order `append_in_one_statement` inserts them.
_EVENT_COLUMNS = (
    "id",
    "chain",
    "sequence",
    "workspace_id",
    "actor_kind",
    "actor_user_id",
    "actor_device_id",
    "actor_api_key_id",
    "action",
    "target_type",
    "target_id",
    "ip",
    "user_agent",
    "occurred_at",
    "data",
    "prev_hash",
    "hash",
)


_SPLICED = ("sequence", "prev_hash", "hash")  # the values the locked head gives


def _append_statement() -> Any:
    """The one-statement append, built once with named parameters (`chain_name`, `before`, `after`
    and one `event_<column>` per column the row brings); see `append_in_one_statement`."""
    head = (
        select(AuditChainHead.chain, AuditChainHead.sequence, AuditChainHead.hash)
        .where(AuditChainHead.chain == bindparam("chain_name", type_=Text))
        .with_for_update()
        .cte("head")
    )
    # Constants written into the SQL, not parameters: the statement is reused for every
    # append, and only the named parameters below change.
    sequence = head.c.sequence + literal_column("1", Integer)
    digest = func.encode(
        func.sha256(
            func.convert_to(
                head.c.hash
                + bindparam("before", type_=Text)
                + cast(sequence, Text)
                + bindparam("after", type_=Text),
                literal_column("'UTF8'"),
            )
        ),
        literal_column("'hex'"),
    )
    moved = (
        update(AuditChainHead)
        .where(AuditChainHead.chain == head.c.chain)
        .values(sequence=sequence, hash=digest)
        .returning(
            AuditChainHead.sequence.label("sequence"),
            AuditChainHead.hash.label("hash"),
            head.c.hash.label("prev_hash"),
        )
        .cte("moved")
    )
    table = AuditEvent.__table__
    values = [
        moved.c[name] if name in _SPLICED else bindparam(f"event_{name}", type_=table.c[name].type)
        for name in _EVENT_COLUMNS
    ]
    return (
        postgresql.insert(AuditEvent)
        .from_select(list(_EVENT_COLUMNS), select(*values))
        .returning(AuditEvent.sequence, AuditEvent.prev_hash, AuditEvent.hash)
    )


_APPEND = _append_statement()


async def append_in_one_statement(
    session: AsyncSession, event: AuditEvent, canonical_before: str, canonical_after: str
) -> bool:
    """PostgreSQL: append `event` to its chain in one statement — lock the head, move it on,
    insert the row — hashing in the database: `sha256(prev_hash ‖ canonical_before ‖ sequence
    ‖ canonical_after)`, the canonical row with the sequence spliced in (the only value not
    known before the head is locked). The head stays locked from this statement to the commit
    only, instead of across a select, a flush and whatever the request does next. The
    statement is built once (`api.core.reads.write`): building it per event cost more CPU
    than running it.

    Fills `event.sequence`, `prev_hash` and `hash`; False when the chain has no head yet."""
    params = {
        f"event_{name}": getattr(event, name) for name in _EVENT_COLUMNS if name not in _SPLICED
    }
    rows = await write(
        session,
        _APPEND,
        params | {"chain_name": event.chain, "before": canonical_before, "after": canonical_after},
    )
    if not rows:
        return False
    event.sequence, event.prev_hash, event.hash = (
        rows[0]["sequence"],
        rows[0]["prev_hash"],
        rows[0]["hash"],
    )
    return True


async def ensure_chain_head(session: AsyncSession, chain: str) -> None:
    await session.execute(
        insert_for(session, AuditChainHead)
        .values(chain=chain, sequence=0, hash=GENESIS_HASH)
        .on_conflict_do_nothing(index_elements=["chain"])
    )


def events_of_workspace(
    workspace_id: uuid.UUID,
    *,
    action: str | None = None,
    actor_user_id: uuid.UUID | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[AuditEvent]:
    # A workspace's events are exactly its chain; filtering on `chain` uses the
    # (chain, sequence) index that also gives the newest-first order.
    statement = select(AuditEvent).where(AuditEvent.chain == str(workspace_id))
    if action:
        statement = statement.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor_user_id:
        statement = statement.where(AuditEvent.actor_user_id == actor_user_id)
    if target_type:
        statement = statement.where(AuditEvent.target_type == target_type)
    if target_id:
        statement = statement.where(AuditEvent.target_id == target_id)
    if since:
        statement = statement.where(AuditEvent.occurred_at >= since)
    if until:
        statement = statement.where(AuditEvent.occurred_at < until)
    return statement


async def list_events(
    session: AsyncSession,
    statement: Select[AuditEvent],
    *,
    before_sequence: int | None,
    limit: int,
) -> list[tuple[AuditEvent, User | None]]:
    """Newest first (by chain sequence: the order the events were appended), with the acting
    user when there is one."""
    if before_sequence is not None:
        statement = statement.where(AuditEvent.sequence < before_sequence)
    result = await session.execute(
        statement.add_columns(User)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .order_by(AuditEvent.sequence.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in result.all()]


async def events_of_user(
    session: AsyncSession,
    user_id: uuid.UUID,
    limit: int,
    before_key: tuple[datetime, uuid.UUID] | None = None,
) -> Sequence[AuditEvent]:
    """Newest first; with `before_key`, the events after that one in this order."""
    statement = select(AuditEvent).where(AuditEvent.actor_user_id == user_id)
    if before_key is not None:
        statement = statement.where(before([AuditEvent.occurred_at, AuditEvent.id], before_key))
    result = await session.scalars(
        statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(limit)
    )
    return result.all()


async def stream_chain(session: AsyncSession) -> AsyncIterator[AuditEvent]:
    """Every event in chain order, streamed (the verifier must not load millions of rows)."""
    result = await session.stream_scalars(
        select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.sequence)
    )
    async for event in result:
        yield event


async def chain_heads(session: AsyncSession) -> dict[str, AuditChainHead]:
    return {head.chain: head for head in await session.scalars(select(AuditChainHead))}
