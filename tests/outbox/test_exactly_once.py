"""Two workers, a slow webhook receiver and a lease shorter than a pass: each message is
claimed by one worker and delivered once, each claim takes at most `outbox_batch_size`
messages, and a worker that stops hands back at once what it had not started."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.db import create_engine, create_sessionmaker
from api.core.models import utcnow
from api.core.settings import Settings
from api.migrate import upgrade_to_head
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.models.webhook import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from api.outbox import repository
from api.outbox import service as outbox
from api.outbox.service import DeliveryAttempt, OutboxHandler
from api.webhooks import service as webhooks
from api.webhooks import signing
from api.webhooks.events import WebhookEvent
from api.worker import outbox_handlers
from tests.conftest import SuiteEnvironment
from tests.helpers import create_firm
from tests.live import committed_database
from tests.peers.webhook_receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.slow

EVENTS = 24


@pytest.fixture
def database_of_workers(tmp_path: Path) -> Iterator[str]:
    yield from committed_database(SuiteEnvironment().database_url, tmp_path)


@pytest.fixture
def worker_settings(database_of_workers: str, tmp_path: Path) -> Settings:
    # A lease of 3 s against a pass of 24 deliveries × 0.6 s on 4 lanes (~4 s): without the
    # lease renewed under a live worker, the other worker takes messages over and sends them
    # a second time (as 50 of 120 webhooks were, before).
    return Settings(
        database_url=database_of_workers,
        data_dir=tmp_path,
        log_level="WARNING",
        webhook_allow_private_targets=True,
        webhook_timeout_seconds=10.0,
        outbox_lease_seconds=3,
        outbox_batch_size=EVENTS,
        outbox_concurrency=4,
        outbox_poll_seconds=0.1,
    )


@pytest.fixture
async def worker_sessionmakers(
    worker_settings: Settings,
) -> AsyncIterator[list[async_sessionmaker[AsyncSession]]]:
    """One engine per worker, as two processes would have."""
    engines = [create_engine(worker_settings) for _ in range(2)]
    async with engines[0].begin() as connection:
        await connection.run_sync(upgrade_to_head)
    try:
        yield [create_sessionmaker(engine) for engine in engines]
    finally:
        for engine in engines:
            await engine.dispose()


@pytest.fixture
def slow_receiver() -> Iterator[Receiver]:
    with webhook_receiver() as receiver:
        receiver.hang_seconds = 0.6
        yield receiver


async def _publish(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, url: str
) -> None:
    async with sessionmaker() as session:
        firm = (await create_firm(session, settings)).firm
        session.add(
            WebhookEndpoint(
                id=uuid.uuid4(),
                workspace_id=firm.id,
                url=url,
                event_types=["client.created"],
                secret=signing.new_secret(),
            )
        )
        await session.flush()
        for n in range(EVENTS):
            await webhooks.publish(session, firm.id, WebhookEvent.CLIENT_CREATED, {"n": n})
        await session.commit()


async def _left_to_send(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status != OutboxStatus.SENT)
            )
            or 0
        )


async def test_two_workers_and_a_slow_receiver_deliver_each_webhook_once(
    worker_sessionmakers: list[async_sessionmaker[AsyncSession]],
    worker_settings: Settings,
    slow_receiver: Receiver,
) -> None:
    await _publish(worker_sessionmakers[0], worker_settings, slow_receiver.url)
    stop = asyncio.Event()
    workers = [
        asyncio.create_task(
            outbox.run_worker(
                sessionmaker, outbox_handlers(worker_settings, sessionmaker), worker_settings, stop
            )
        )
        for sessionmaker in worker_sessionmakers
    ]
    try:
        for _ in range(300):  # at most 30 s
            if await _left_to_send(worker_sessionmakers[0]) == 0:
                break
            await asyncio.sleep(0.1)
        # A late second delivery would arrive after the lease: give it the time to.
        await asyncio.sleep(worker_settings.outbox_lease_seconds + 1)
    finally:
        stop.set()
        await asyncio.gather(*workers)

    assert await _left_to_send(worker_sessionmakers[0]) == 0
    ids = Counter(received.headers["webhook-id"] for received in slow_receiver.received)
    assert len(ids) == EVENTS
    assert [count for count in ids.values() if count > 1] == []
    async with worker_sessionmakers[0]() as session:
        deliveries = list(await session.scalars(select(WebhookDelivery)))
    assert {delivery.status for delivery in deliveries} == {DeliveryStatus.SUCCEEDED}
    assert {delivery.attempts for delivery in deliveries} == {1}


async def test_a_claim_takes_no_more_than_its_limit(
    worker_sessionmakers: list[async_sessionmaker[AsyncSession]],
) -> None:
    """Was: on PostgreSQL, `UPDATE … WHERE id IN (SELECT … LIMIT 100 FOR UPDATE SKIP
    LOCKED)` claimed all 1,000 due messages."""
    sessionmaker = worker_sessionmakers[0]
    async with sessionmaker() as session:
        await outbox.enqueue_many(session, "test", [({"n": n}, None) for n in range(1000)])
        await session.commit()
    now = utcnow()
    claims = []
    for token in ("worker-a", "worker-b"):
        async with sessionmaker() as session:
            claimed = await repository.claim_due(
                session, now=now, limit=100, lease=timedelta(minutes=1), claim_token=token
            )
            await session.commit()
        claims.append({message.id for message in claimed})
    assert [len(claim) for claim in claims] == [100, 100]
    assert not claims[0] & claims[1]
    async with sessionmaker() as session:
        still_due = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.claim_token.is_(None), OutboxMessage.next_attempt_at <= now)
        )
    assert still_due == 800


async def test_a_stopped_pass_hands_back_what_it_had_not_started(
    worker_sessionmakers: list[async_sessionmaker[AsyncSession]],
    worker_settings: Settings,
) -> None:
    """A pass is cancelled while its first message hangs: the other messages of its claim
    are due again at once (for another worker), not after the lease."""
    sessionmaker = worker_sessionmakers[0]
    settings = worker_settings.model_copy(
        update={"outbox_concurrency": 1, "outbox_lease_seconds": 600}
    )
    async with sessionmaker() as session:
        for n in range(5):
            await outbox.enqueue(session, "test", {"n": n})
        await session.commit()
    begun = asyncio.Event()

    async def hang(_payload: dict[str, object], _attempt: DeliveryAttempt) -> None:
        begun.set()
        await asyncio.sleep(3600)

    a_pass = asyncio.create_task(
        outbox.deliver_due(sessionmaker, {"test": OutboxHandler(hang)}, settings)
    )
    await begun.wait()
    a_pass.cancel()
    with pytest.raises(asyncio.CancelledError):
        await a_pass

    delivered: list[int] = []

    async def record(payload: dict[str, object], _attempt: DeliveryAttempt) -> None:
        delivered.append(cast(int, payload["n"]))

    report = await outbox.deliver_due(
        worker_sessionmakers[1], {"test": OutboxHandler(record)}, settings
    )
    assert report.sent == 4
    assert sorted(delivered) == [1, 2, 3, 4]  # the hanging one waits for its lease
    async with sessionmaker() as session:
        attempts = await session.scalars(
            select(OutboxMessage.attempts).order_by(OutboxMessage.created_at)
        )
        assert sorted(attempts) == [1, 1, 1, 1, 1]
