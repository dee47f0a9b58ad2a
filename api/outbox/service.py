"""The outbox: work for the outside world, committed with the change that causes it and
delivered afterwards by a worker (transactional outbox).

    enqueue(session, kind, payload, dedupe_key=None)   inside the caller's unit of work
    deliver_due(sessionmaker, handlers, settings)      one worker pass; `run_worker` loops it

Each kind of message has one `OutboxHandler`, registered in `api/worker.py`. A handler that
raises is retried with exponential backoff and jitter (or when its peer said, `RetryLater`), up
to `outbox_max_attempts`, after which the message is `dead`, kept with its last error for an
operator: `comptoir outbox dead`, then `comptoir outbox retry`. The messages of a pass are
delivered side by side (`outbox_concurrency`), except the kinds whose handler keeps their order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.errors import database_outage, one_line
from api.core.models import utcnow
from api.core.settings import Settings
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.outbox import repository

logger = logging.getLogger("comptoir.outbox")

Payload = dict[str, Any]


def _keep_everything(payload: Payload) -> Payload:
    return payload


class RetryLater(Exception):
    """Raised by a handler whose peer said when to come back (HTTP `Retry-After`): the next
    attempt waits that long, unless the usual backoff is longer, and never more than
    `outbox_retry_max_seconds` (a peer's odd answer cannot park a message for days)."""

    def __init__(self, reason: str, *, after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.after = after


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """Which attempt this is: a handler that logs attempts (webhooks) marks the last one."""

    message_id: uuid.UUID
    number: int  # 1 for the first attempt
    final: bool  # no retry follows if this one fails


@dataclass(frozen=True, slots=True)
class OutboxHandler:
    """How to deliver one kind of message: raise to have it retried later."""

    deliver: Callable[[Payload, DeliveryAttempt], Awaitable[None]]
    # What of the payload the row keeps once delivered: a mail body carries a single-use
    # link, which has no business staying readable in the database after it left.
    retained_after_delivery: Callable[[Payload], Payload] = _keep_everything
    # True: the messages of this kind are delivered one after another, in queue order (calls
    # to the national directory for one client must not cross). False: each message on its
    # own, alongside the others (mails, webhooks: a receiver that hangs holds up only itself).
    ordered: bool = False


async def enqueue(
    session: AsyncSession,
    kind: str,
    payload: Payload,
    dedupe_key: str | None = None,
    *,
    not_before: datetime | None = None,
) -> None:
    """Queue a message in the caller's transaction: it exists only if the caller commits.
    A second message with the same `dedupe_key` is dropped. `not_before` schedules it (an
    automatic reminder): the worker delivers it at that time, not earlier."""
    await repository.insert(
        session,
        kind=kind,
        payload=payload,
        dedupe_key=dedupe_key,
        now=utcnow(),
        not_before=not_before,
    )


def retry_delay(settings: Settings, attempts: int) -> timedelta:
    """Exponential backoff with "equal jitter": half the capped delay, plus up to the other
    half at random, so messages that failed together do not retry together."""
    capped = min(
        settings.outbox_retry_max_seconds,
        settings.outbox_retry_base_seconds * 2 ** max(0, attempts - 1),
    )
    return timedelta(seconds=capped / 2 + random.uniform(0, capped / 2))  # noqa: S311


@dataclass(frozen=True, slots=True)
class PassReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.dead


async def deliver_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    handlers: Mapping[str, OutboxHandler],
    settings: Settings,
    *,
    now: datetime | None = None,
) -> PassReport:
    """One pass: claim the due messages, deliver each outside any transaction, record each
    outcome. Several workers (processes, machines) may run passes at the same time.

    The claim is renewed while the pass runs (`_claim_kept`), so a slow receiver never lets
    the lease lapse under a live worker: another worker takes a message over only when this
    one died. A pass that is cancelled (the process stopping) hands back at once the messages
    it had not started."""
    now = now or utcnow()
    claim_token = secrets.token_hex(16)
    lease = timedelta(seconds=settings.outbox_lease_seconds)
    async with sessionmaker() as session:
        claimed = await repository.claim_due(
            session, now=now, limit=settings.outbox_batch_size, lease=lease, claim_token=claim_token
        )
        await session.commit()
    if not claimed:
        return PassReport()
    slots = asyncio.Semaphore(settings.outbox_concurrency)
    started: set[uuid.UUID] = set()

    async def deliver_lane(messages: list[OutboxMessage]) -> list[OutboxStatus]:
        async with slots:
            statuses = []
            for message in messages:
                started.add(message.id)
                statuses.append(
                    await _deliver_one(sessionmaker, message, handlers, settings, now, claim_token)
                )
            return statuses

    async with _claim_kept(sessionmaker, claim_token, now, lease):
        try:
            results = await asyncio.gather(
                *(deliver_lane(messages) for messages in _lanes(claimed, handlers).values()),
                return_exceptions=True,  # every attempt settles before a failure is raised
            )
        except asyncio.CancelledError:
            waiting = [message.id for message in claimed if message.id not in started]
            await asyncio.shield(_release(sessionmaker, waiting, claim_token))
            raise
    statuses: list[OutboxStatus] = []
    for result in results:
        if isinstance(result, BaseException):
            raise result
        statuses.extend(result)
    return PassReport(
        sent=statuses.count(OutboxStatus.SENT),
        retried=statuses.count(OutboxStatus.PENDING),
        dead=statuses.count(OutboxStatus.DEAD),
    )


@contextlib.asynccontextmanager
async def _claim_kept(
    sessionmaker: async_sessionmaker[AsyncSession],
    claim_token: str,
    now: datetime,
    lease: timedelta,
) -> AsyncIterator[None]:
    """Renew the claim every third of the lease while the block runs. Time is counted from
    the pass's `now` (a test may run a pass in the future)."""
    clock = time.monotonic()

    async def renew() -> None:
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            until = now + timedelta(seconds=time.monotonic() - clock) + lease
            try:
                async with sessionmaker() as session:
                    await repository.extend_claim(session, claim_token=claim_token, until=until)
                    await session.commit()
            except Exception as error:  # the database is away: try again next time
                logger.warning("outbox lease not renewed: %s", error)

    renewing = asyncio.create_task(renew(), name="comptoir-outbox-lease")
    try:
        yield
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing


async def _release(
    sessionmaker: async_sessionmaker[AsyncSession],
    message_ids: list[uuid.UUID],
    claim_token: str,
) -> None:
    try:
        async with sessionmaker() as session:
            await repository.release_claim(session, message_ids, claim_token, now=utcnow())
            await session.commit()
    except Exception as error:  # they come back when the lease ends
        logger.warning("outbox claim not handed back: %s", error)


def _lanes(
    claimed: Sequence[OutboxMessage], handlers: Mapping[str, OutboxHandler]
) -> dict[str, list[OutboxMessage]]:
    """The batch split into lanes delivered side by side: one per message, except the kinds
    that keep their order, which share one lane (in the claim's order)."""
    lanes: dict[str, list[OutboxMessage]] = {}
    for message in claimed:
        handler = handlers.get(message.kind)
        lane = message.kind if handler is not None and handler.ordered else str(message.id)
        lanes.setdefault(lane, []).append(message)
    return lanes


async def _deliver_one(
    sessionmaker: async_sessionmaker[AsyncSession],
    message: OutboxMessage,
    handlers: Mapping[str, OutboxHandler],
    settings: Settings,
    now: datetime,
    claim_token: str,
) -> OutboxStatus:
    outcome = await _attempt(message, handlers.get(message.kind), settings, now)
    async with sessionmaker() as session:
        if not await repository.settle(session, message, claim_token, outcome):
            logger.warning("outbox message %s was taken over by another worker", message.id)
        await session.commit()
    status: OutboxStatus = outcome.get("status", OutboxStatus.PENDING)
    return status


async def _attempt(
    message: OutboxMessage, handler: OutboxHandler | None, settings: Settings, now: datetime
) -> dict[str, Any]:
    try:
        if handler is None:
            # A newer version of Comptoir may have queued it: leave it to a worker that knows.
            raise LookupError(f"aucun gestionnaire pour le type « {message.kind} »")
        await handler.deliver(
            message.payload,
            DeliveryAttempt(
                message.id, message.attempts, message.attempts >= settings.outbox_max_attempts
            ),
        )
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"[:1000]
        if message.attempts >= settings.outbox_max_attempts:
            logger.error(
                "outbox message %s (%s) dead after %d attempts: %s",
                message.id,
                message.kind,
                message.attempts,
                reason,
            )
            return {"status": OutboxStatus.DEAD, "last_error": reason}
        delay = retry_delay(settings, message.attempts)
        if isinstance(error, RetryLater) and error.after is not None:
            asked = min(error.after, timedelta(seconds=settings.outbox_retry_max_seconds))
            delay = max(delay, asked)
        logger.warning(
            "outbox message %s (%s) attempt %d failed, retry in %ds: %s",
            message.id,
            message.kind,
            message.attempts,
            delay.total_seconds(),
            reason,
        )
        return {"last_error": reason, "next_attempt_at": now + delay}
    return {
        "status": OutboxStatus.SENT,
        "sent_at": utcnow(),
        "last_error": None,
        "payload": handler.retained_after_delivery(message.payload),
    }


async def run_worker(
    sessionmaker: async_sessionmaker[AsyncSession],
    handlers: Mapping[str, OutboxHandler],
    settings: Settings,
    stop: asyncio.Event,
) -> None:
    """Deliver until `stop` is set: a full batch is followed at once by the next pass, an
    empty one by a pause. A failing database is logged and retried, never fatal."""
    while not stop.is_set():
        try:
            report = await deliver_due(sessionmaker, handlers, settings)
        except Exception as error:
            if database_outage(error) is None:
                logger.exception("outbox pass failed")
            else:  # the database is away or busy: the next pass tries again
                logger.warning("outbox pass skipped, database unavailable: %s", one_line(error))
            report = PassReport()
        if report.attempted >= settings.outbox_batch_size:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.outbox_poll_seconds)


async def enqueue_many(
    session: AsyncSession,
    kind: str,
    messages: Sequence[tuple[Payload, str | None]],
    *,
    not_before: datetime | None = None,
) -> None:
    """`enqueue` for many messages of one kind (a bulk request), in batched inserts."""
    await repository.insert_many(
        session, kind=kind, messages=messages, now=utcnow(), not_before=not_before
    )


async def dead_messages(session: AsyncSession, *, limit: int) -> Sequence[OutboxMessage]:
    """The messages given up on, newest first, each with its last error."""
    return await repository.with_status(session, OutboxStatus.DEAD, limit=limit)


async def requeue(session: AsyncSession, ids: Sequence[uuid.UUID] | None) -> list[uuid.UUID]:
    """Put dead messages (those of `ids`, or all) back in the queue with a full round of
    attempts, once the cause is fixed (a mail server back, a webhook URL corrected). A message
    that was sent, or is still pending, is never touched: nothing is delivered twice by this."""
    requeued = await repository.requeue_dead(session, ids=ids, now=utcnow())
    for message_id in requeued:
        logger.info("outbox message %s requeued by an operator", message_id)
    return requeued
