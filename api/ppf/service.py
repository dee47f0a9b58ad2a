"""The PPF feed's rules in action: queue a status's copy with the status (same unit of work),
send it once from the outbox, and say where it is.

    queue_copy(session, settings, ...)        by whoever records a status (flows, lifecycle)
    delivery(feed, sessionmaker)              the outbox handler (`api/worker.py`)
    transmissions(session, status_flow_ids)   per status flow, for the people's screens

Sent once: the outbox message is deduplicated per copy and settled once delivered, an
outcome is recorded only on a copy still pending, and the endpoint receives the copy's id as
its idempotency key, the same on every attempt (a worker that died after sending, before
recording it, sends it again under the same key: the endpoint keeps one).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Literal, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.models import utcnow
from api.core.settings import Settings
from api.models.flow import PpfCopyStatus, PpfStatusCopy
from api.outbox import service as outbox
from api.outbox.service import DeliveryAttempt, OutboxHandler, Payload, RetryLater
from api.ppf import repository, rules
from api.ppf.feed import CopyToSend, Delivered, PpfFeed, Refused, Unavailable
from api.ppf.schemas import PpfTransmission
from api.validation import PartyRole, StatusParty, ppf_copy

logger = logging.getLogger("comptoir.ppf")

COPY_KIND = "ppf.status_copy"


class PpfUnavailable(RetryLater):
    """The PPF endpoint is down or slow: the outbox tries the copy again later."""


def platform_party(settings: Settings) -> StatusParty:
    """This platform as a status message names it (its matricule, scheme 0238)."""
    return StatusParty(
        role=PartyRole.PLATFORM,
        name=settings.platform_name,
        platform_id=settings.platform_matricule,
    )


async def queue_copy(
    session: AsyncSession,
    settings: Settings,
    *,
    status_flow_id: uuid.UUID,
    invoice_flow_id: uuid.UUID,
    status_code: int,
    message: bytes,
    invoice_facts: Mapping[str, Any] | None,
    issued_here: bool = True,
) -> PpfStatusCopy | None:
    """Queue the PPF's copy of a status message (`message`: the CDAR the parties got, kept as
    the status flow `status_flow_id`) if the PPF must receive it (`rules.must_receive`), in
    the caller's transaction. `invoice_facts` are the invoice flow's facts (`Flow.facts`),
    which say whether its VAT is due on receipts. Returns the copy, or None if none is due."""
    if not rules.must_receive(
        status_code,
        issued_here=issued_here,
        vat_on_receipts=rules.vat_due_on_receipts(invoice_facts),
    ):
        return None
    now = utcnow()
    copy = PpfStatusCopy(
        id=uuid.uuid4(),
        status_flow_id=status_flow_id,
        invoice_flow_id=invoice_flow_id,
        status_code=status_code,
        message=ppf_copy(message, platform_party(settings)).decode("utf-8"),
        created_at=now,
        status=PpfCopyStatus.PENDING,
        attempts=0,
    )
    session.add(copy)
    await session.flush()
    # The message rides in the payload too: the worker sends it without reading the copy
    # first (one transaction less per copy); the outbox drops it once delivered.
    payload = {"copy_id": str(copy.id), "status_code": status_code, "message": copy.message}
    await outbox.enqueue(session, COPY_KIND, payload, dedupe_key=f"ppf:{copy.id}")
    return copy


async def refused_copies(session: AsyncSession, *, limit: int) -> Sequence[PpfStatusCopy]:
    """The copies the PPF refused, newest first, each with its answer."""
    return await repository.refused(session, None, limit=limit)


async def resend(session: AsyncSession, ids: Sequence[uuid.UUID] | None) -> list[uuid.UUID]:
    """Queue again copies the PPF refused (those of `ids`, or all), once their cause is fixed
    (a token, the endpoint's address, a platform setting). A copy sent or still pending is
    never touched. The refusal stays shown until the next attempt replaces it."""
    requeued = []
    for copy in await repository.refused(session, ids):
        copy.status = PpfCopyStatus.PENDING
        payload = {"copy_id": str(copy.id), "status_code": copy.status_code}
        # A new key for the new round: the first message of this copy is settled.
        dedupe_key = f"ppf:{copy.id}:{uuid.uuid4().hex[:12]}"
        await outbox.enqueue(session, COPY_KIND, payload | {"message": copy.message}, dedupe_key)
        requeued.append(copy.id)
        logger.info("PPF copy %s requeued by an operator", copy.id)
    await session.flush()
    return requeued


def delivery(feed: PpfFeed, sessionmaker: async_sessionmaker[AsyncSession]) -> OutboxHandler:
    """The outbox handler of status copies: one copy per message, side by side."""

    async def deliver(payload: Payload, attempt: DeliveryAttempt) -> None:
        copy_id = uuid.UUID(payload["copy_id"])
        if "message" in payload:
            message = str(payload["message"]).encode("utf-8")
            to_send = CopyToSend(copy_id, int(payload["status_code"]), message)
        else:  # queued before the payload carried it (the migration's messages)
            async with sessionmaker() as session:
                copy = await repository.get(session, copy_id)
                if copy is None or copy.status != PpfCopyStatus.PENDING:
                    return
                to_send = CopyToSend(copy.id, copy.status_code, copy.message.encode("utf-8"))
        outcome = await feed.send(to_send)
        now = utcnow()
        values: dict[str, Any] = {"attempts": attempt.number, "last_attempt_at": now}
        if isinstance(outcome, Delivered):
            values |= {
                "status": PpfCopyStatus.SENT,
                "sent_at": now,
                "transmitted_via": feed.name,
                "response_status": outcome.status,
                "last_error": None,
            }
        elif isinstance(outcome, Refused):
            values |= {
                "status": PpfCopyStatus.ERROR,
                "response_status": outcome.status,
                "last_error": outcome.body,
            }
            logger.warning("PPF refused copy %s: HTTP %d", copy_id, outcome.status)
        else:
            values |= {"response_status": outcome.status, "last_error": outcome.detail}
        async with sessionmaker() as session:
            await repository.settle_pending(session, copy_id, values)
            await session.commit()
        if isinstance(outcome, Unavailable):
            after = outcome.retry_after_seconds
            raise PpfUnavailable(
                outcome.detail, after=timedelta(seconds=after) if after is not None else None
            )

    return OutboxHandler(deliver=deliver, retained_after_delivery=_without_message)


def _without_message(payload: Payload) -> Payload:
    return {name: value for name, value in payload.items() if name != "message"}


async def transmissions(
    session: AsyncSession, status_flow_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, PpfTransmission]:
    """Each status flow's copy for the PPF (those with one), by status flow id."""
    copies = await repository.of_status_flows(session, status_flow_ids)
    return {copy.status_flow_id: transmission(copy) for copy in copies}


def transmission(copy: PpfStatusCopy) -> PpfTransmission:
    return PpfTransmission(
        status=copy.status,
        via=cast(Literal["local", "http"] | None, copy.transmitted_via),
        queued_at=copy.created_at,
        sent_at=copy.sent_at,
        attempts=copy.attempts,
        last_attempt_at=copy.last_attempt_at,
        response_status=copy.response_status,
        error=copy.last_error,
    )
