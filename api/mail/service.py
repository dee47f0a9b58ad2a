"""Mail goes through the outbox: `queue` in the request, delivery by the worker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.mail import MailMessage, MailSender
from api.outbox import service as outbox
from api.outbox.service import DeliveryAttempt, OutboxHandler, Payload

MAIL_KIND = "mail"


async def queue(session: AsyncSession, message: MailMessage, dedupe_key: str | None = None) -> None:
    """Send `message` once the caller's transaction commits (never if it rolls back)."""
    await outbox.enqueue(session, MAIL_KIND, message.as_payload(), dedupe_key)


async def queue_many(
    session: AsyncSession, messages: Sequence[tuple[MailMessage, str | None]]
) -> None:
    """`queue` for many mails (a bulk request), in batched inserts."""
    await outbox.enqueue_many(
        session, MAIL_KIND, [(message.as_payload(), dedupe) for message, dedupe in messages]
    )


def _summary(payload: Payload) -> Payload:
    # The bodies may carry a single-use link: once sent, keep who and what, not the link.
    return {"to": payload.get("to"), "subject": payload.get("subject"), "bodies": "effacés"}


def delivery(sender: MailSender) -> OutboxHandler:
    async def deliver(payload: Payload, attempt: DeliveryAttempt) -> None:
        message = MailMessage.from_payload(payload)
        await sender.send(replace(message, key=f"comptoir.{attempt.message_id}"))

    return OutboxHandler(deliver=deliver, retained_after_delivery=_summary)
