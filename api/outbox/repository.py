"""SQL of the outbox: enqueue, claim due messages, settle them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.sql import insert_for, insert_unless_conflict
from api.models.outbox_message import OutboxMessage, OutboxStatus


async def insert(
    session: AsyncSession,
    *,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str | None,
    now: datetime,
    not_before: datetime | None = None,
) -> None:
    statement = insert_unless_conflict(
        session, OutboxMessage, conflict=None if dedupe_key is None else ["dedupe_key"]
    )
    await session.execute(
        statement,
        {
            "id": uuid.uuid4(),
            "kind": kind,
            "payload": payload,
            "dedupe_key": dedupe_key,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": max(now, not_before) if not_before else now,
            "created_at": now,
        },
    )


async def claim_due(
    session: AsyncSession, *, now: datetime, limit: int, lease: timedelta, claim_token: str
) -> Sequence[OutboxMessage]:
    """Reserve up to `limit` due messages for this worker and return them.

    Two statements in the caller's transaction: the ids are chosen first (PostgreSQL locks
    them and skips rows another worker has locked; a SQLite writer holds the only write
    lock), then exactly those rows are stamped. Never one `UPDATE … WHERE id IN (SELECT …
    LIMIT … FOR UPDATE SKIP LOCKED)`: PostgreSQL may run that subquery again for each row
    it updates, and since the rows it already moved no longer match, each run picks the next
    ones: `limit` was ignored and a single pass claimed the whole queue."""
    due = await session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(due)
    if not ids:
        return []
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(
            next_attempt_at=now + lease,
            attempts=OutboxMessage.attempts + 1,
            claim_token=claim_token,
        )
        .execution_options(synchronize_session=False)
    )
    result = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.claim_token == claim_token)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .execution_options(populate_existing=True)
    )
    return result.all()


async def extend_claim(session: AsyncSession, *, claim_token: str, until: datetime) -> int:
    """Push the lease of the messages this worker still holds (not yet settled) to `until`:
    a delivery slower than the lease stays this worker's, and is not claimed again by
    another one while it is under way. Returns how many messages are still held."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.claim_token == claim_token,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


async def release_claim(
    session: AsyncSession, message_ids: Sequence[uuid.UUID], claim_token: str, *, now: datetime
) -> None:
    """Hand back messages claimed but not attempted (the worker is stopping): due at once for
    any other worker, their attempt not counted."""
    if not message_ids:
        return
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(message_ids)), OutboxMessage.claim_token == claim_token)
        .values(claim_token=None, next_attempt_at=now, attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False)
    )


async def settle(
    session: AsyncSession, message: OutboxMessage, claim_token: str, values: dict[str, Any]
) -> bool:
    """Record the outcome of an attempt, if the claim is still ours (a worker that overran its
    lease must not overwrite the outcome of the worker that took over)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claim_token == claim_token)
        .values(claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def insert_many(
    session: AsyncSession,
    *,
    kind: str,
    messages: Sequence[tuple[dict[str, Any], str | None]],
    now: datetime,
    not_before: datetime | None = None,
) -> None:
    """Many messages, 1,000 per statement; a `dedupe_key` already queued is dropped."""
    if not messages:
        return
    rows = [
        {
            "id": uuid.uuid4(),
            "kind": kind,
            "payload": payload,
            "dedupe_key": dedupe_key,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": max(now, not_before) if not_before else now,
            "created_at": now,
        }
        for payload, dedupe_key in messages
    ]
    for start in range(0, len(rows), 1000):
        statement = insert_for(session, OutboxMessage).on_conflict_do_nothing(
            index_elements=["dedupe_key"]
        )
        await session.execute(statement, rows[start : start + 1000])


async def with_status(
    session: AsyncSession, status: OutboxStatus, *, limit: int
) -> Sequence[OutboxMessage]:
    """The newest `limit` messages in `status` (an operator looking at what failed)."""
    result = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == status)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id)
        .limit(limit)
    )
    return result.all()


async def requeue_dead(
    session: AsyncSession, *, ids: Sequence[uuid.UUID] | None, now: datetime
) -> list[uuid.UUID]:
    """Give dead messages (those of `ids`, or all of them) a new round of attempts, due now.
    Their last error stays until the next attempt replaces it."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.DEAD)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, claim_token=None)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    if ids is not None:
        statement = statement.where(OutboxMessage.id.in_(list(ids)))
    result = await session.execute(statement)
    return list(result.scalars())
