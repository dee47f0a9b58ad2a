"""The outbox: queued in the caller's transaction, delivered by the worker, retried with
backoff on failure, dead after the configured attempts, never claimed twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.db import create_engine, create_sessionmaker
from api.core.models import utcnow
from api.core.settings import Settings
from api.migrate import upgrade_to_head
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.outbox import repository
from api.outbox import service as outbox
from api.outbox.service import DeliveryAttempt, OutboxHandler, RetryLater
from tests.conftest import SuiteEnvironment
from tests.live import committed_database


class Recorder:
    """A handler that keeps what it delivered, failing the first `failures` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.delivered: list[dict[str, Any]] = []
        self.attempts: list[DeliveryAttempt] = []

    async def deliver(self, payload: dict[str, Any], attempt: DeliveryAttempt) -> None:
        self.attempts.append(attempt)
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("peer down")
        self.delivered.append(payload)


async def _messages(session: AsyncSession) -> list[OutboxMessage]:
    result = await session.scalars(
        select(OutboxMessage)
        .order_by(OutboxMessage.created_at)
        .execution_options(populate_existing=True)
    )
    return list(result)


async def test_a_rolled_back_transaction_sends_nothing(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await outbox.enqueue(session, "test", {"n": 1})
    await session.rollback()
    recorder = Recorder()
    report = await outbox.deliver_due(
        sessionmaker, {"test": OutboxHandler(recorder.deliver)}, settings
    )
    assert report.attempted == 0
    assert recorder.delivered == []


async def test_a_committed_message_is_delivered_once_and_deduplicated(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await outbox.enqueue(session, "test", {"n": 1}, dedupe_key="test:1")
    await outbox.enqueue(session, "test", {"n": 2}, dedupe_key="test:1")
    await session.commit()
    recorder = Recorder()
    handlers = {"test": OutboxHandler(recorder.deliver, lambda payload: {"kept": True})}

    assert (await outbox.deliver_due(sessionmaker, handlers, settings)).sent == 1
    assert (await outbox.deliver_due(sessionmaker, handlers, settings)).attempted == 0
    assert recorder.delivered == [{"n": 1}]
    (message,) = await _messages(session)
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert message.payload == {"kept": True}
    assert message.claim_token is None


async def test_failures_back_off_exponentially_then_the_message_is_dead(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    settings = settings.model_copy(
        update={"outbox_max_attempts": 3, "outbox_retry_base_seconds": 60}
    )
    await outbox.enqueue(session, "test", {"n": 1})
    await session.commit()
    recorder = Recorder(failures=99)
    handlers = {"test": OutboxHandler(recorder.deliver)}

    now = utcnow()
    delays = []
    for attempt in (1, 2):
        report = await outbox.deliver_due(sessionmaker, handlers, settings, now=now)
        assert report.retried == 1
        (message,) = await _messages(session)
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == attempt
        assert message.last_error == "ConnectionRefusedError: peer down"
        delays.append((message.next_attempt_at - now).total_seconds())
        # Not due before its delay.
        assert (await outbox.deliver_due(sessionmaker, handlers, settings, now=now)).attempted == 0
        now = message.next_attempt_at
    # Equal jitter: between half and all of 60 s, then of 120 s.
    assert 30 <= delays[0] <= 60
    assert 60 <= delays[1] <= 120

    assert (await outbox.deliver_due(sessionmaker, handlers, settings, now=now)).dead == 1
    (message,) = await _messages(session)
    assert message.status == OutboxStatus.DEAD
    assert message.attempts == 3
    assert [(a.number, a.final) for a in recorder.attempts] == [(1, False), (2, False), (3, True)]


async def test_a_dead_message_requeued_by_an_operator_gets_a_full_new_round(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    settings = settings.model_copy(update={"outbox_max_attempts": 1})
    await outbox.enqueue(session, "test", {"n": 1})
    await outbox.enqueue(session, "test", {"n": 2})
    await session.commit()
    handlers = {"test": OutboxHandler(Recorder(failures=1).deliver)}
    report = await outbox.deliver_due(sessionmaker, handlers, settings)
    assert (report.sent, report.dead) == (1, 1)
    dead = await outbox.dead_messages(session, limit=10)
    assert [message.payload for message in dead] == [{"n": 1}]
    assert dead[0].last_error == "ConnectionRefusedError: peer down"
    sent = next(message for message in await _messages(session) if message.payload == {"n": 2})

    # Naming the sent message too changes nothing for it: it is never delivered twice.
    requeued = await outbox.requeue(session, [dead[0].id, sent.id])
    await session.commit()
    assert requeued == [dead[0].id]
    recorder = Recorder()
    report = await outbox.deliver_due(
        sessionmaker, {"test": OutboxHandler(recorder.deliver)}, settings
    )
    assert report.sent == 1
    assert recorder.delivered == [{"n": 1}]
    assert await outbox.dead_messages(session, limit=10) == []
    assert await outbox.requeue(session, None) == []


async def test_a_peer_saying_when_to_come_back_is_waited_for_within_the_cap(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    settings = settings.model_copy(
        update={"outbox_retry_base_seconds": 60, "outbox_retry_max_seconds": 3600}
    )
    asked: list[timedelta] = []

    async def busy_peer(_payload: dict[str, Any], _attempt: DeliveryAttempt) -> None:
        raise RetryLater("429 Too Many Requests", after=asked[-1])

    handlers = {"test": OutboxHandler(busy_peer)}
    delays = []
    for after in (timedelta(minutes=10), timedelta(days=10)):
        asked.append(after)
        await outbox.enqueue(session, "test", {"after": str(after)})
        await session.commit()
        now = utcnow()
        assert (await outbox.deliver_due(sessionmaker, handlers, settings, now=now)).retried >= 1
        (message,) = [m for m in await _messages(session) if m.payload == {"after": str(after)}]
        delays.append(message.next_attempt_at - now)
        await session.delete(message)
        await session.commit()
    # 10 minutes beat the backoff (at most 60 s); 10 days are capped at the hour.
    assert delays == [timedelta(minutes=10), timedelta(hours=1)]


class InFlight:
    """A handler that counts the deliveries running at once, each waiting a moment for the
    others to start, and notes the order in which they begin."""

    def __init__(self) -> None:
        self.running = self.most = 0
        self.started: list[int] = []

    async def deliver(self, payload: dict[str, Any], _attempt: DeliveryAttempt) -> None:
        self.started.append(payload["n"])
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0.05)
        self.running -= 1


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[str]:
    yield from committed_database(SuiteEnvironment().database_url, tmp_path)


@pytest.fixture
async def own_sessionmaker(
    own_database: str, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a database of their own, each on its own connection, as in production
    (the other tests share one connection, on which deliveries settle one at a time)."""
    engine = create_engine(
        Settings(database_url=own_database, data_dir=tmp_path, log_level="WARNING")
    )
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to_head)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def test_a_batch_is_delivered_side_by_side_except_the_kinds_that_keep_their_order(
    own_sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    settings = settings.model_copy(update={"outbox_concurrency": 3})
    mails, directory = InFlight(), InFlight()
    handlers = {
        "mail": OutboxHandler(mails.deliver),
        "directory": OutboxHandler(directory.deliver, ordered=True),
    }
    for kind in ("mail", "directory"):
        async with own_sessionmaker() as session:
            for n in range(5):
                await outbox.enqueue(session, kind, {"n": n})
            await session.commit()
        assert (await outbox.deliver_due(own_sessionmaker, handlers, settings)).sent == 5

    # A slow receiver holds up only its own message (at most `outbox_concurrency` at once)...
    assert mails.most == 3
    # ...while an ordered kind goes one message after another, in queue order.
    assert directory.most == 1
    assert directory.started == [0, 1, 2, 3, 4]
    async with own_sessionmaker() as session:
        assert {message.status for message in await _messages(session)} == {OutboxStatus.SENT}


async def test_a_claimed_message_is_not_claimed_again_before_its_lease_ends(
    session: AsyncSession, settings: Settings
) -> None:
    await outbox.enqueue(session, "test", {"n": 1})
    await session.commit()
    now = utcnow()
    lease = timedelta(seconds=settings.outbox_lease_seconds)
    first = await repository.claim_due(
        session, now=now, limit=10, lease=lease, claim_token="worker-a"
    )
    second = await repository.claim_due(
        session, now=now, limit=10, lease=lease, claim_token="worker-b"
    )
    assert len(first) == 1
    assert second == []
    # The worker died: after the lease another one takes the message over.
    later = await repository.claim_due(
        session, now=now + lease, limit=10, lease=lease, claim_token="worker-b"
    )
    assert [m.id for m in later] == [first[0].id]
    assert later[0].attempts == 2
    assert not await repository.settle(session, first[0], "worker-a", {"last_error": "late"})


async def test_a_kind_without_handler_waits_for_a_worker_that_knows_it(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await outbox.enqueue(session, "webhook", {"n": 1})
    await session.commit()
    report = await outbox.deliver_due(sessionmaker, {}, settings)
    assert report.retried == 1
    (message,) = await _messages(session)
    assert message.status == OutboxStatus.PENDING
    assert "webhook" in (message.last_error or "")
