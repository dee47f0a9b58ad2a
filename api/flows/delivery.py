"""Delivery of the Flow Service webhooks, from the outbox.

Each callback carries the Flow object as its JSON body and two signatures of it:
- the annex's: `Afnor-Signature` = base64(HMAC-SHA256(signing key, hex(SHA-256(body "@"
  timestamp)))) and `Afnor-Signature-Timestamp` (epoch seconds);
- ours (Standard Webhooks, as `api.webhooks`): `webhook-id`, `webhook-timestamp`,
  `webhook-signature`, keyed by the same signing key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.settings import Settings
from api.core.ssrf import check_public_url
from api.flows import repository
from api.outbox.service import DeliveryAttempt, OutboxHandler, Payload
from api.webhooks import signing


class CallbackFailed(Exception):
    """The receiver did not answer 2xx: the outbox retries later."""


def afnor_signature(signing_key: str, body: bytes, timestamp: int) -> str:
    """The annex's signature (module docstring); what a receiver recomputes."""
    fingerprint = hashlib.sha256(body + b"@" + str(timestamp).encode()).hexdigest()
    digest = hmac.new(base64.b64decode(signing_key), fingerprint.encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode("ascii")


def callback_headers(
    signing_key: str, event_id: str, body: bytes, timestamp: int
) -> dict[str, str]:
    return signing.headers([signing.SECRET_PREFIX + signing_key], event_id, timestamp, body) | {
        "Afnor-Signature": afnor_signature(signing_key, body, timestamp),
        "Afnor-Signature-Timestamp": str(timestamp),
    }


def webhook_handler(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> OutboxHandler:
    async def deliver(payload: Payload, attempt: DeliveryAttempt) -> None:
        async with sessionmaker() as session:
            webhook = await repository.get_webhook(session, uuid.UUID(payload["webhook_id"]))
            if webhook is None:
                return  # deleted since: nobody to tell
            url, key = webhook.callback_url, webhook.signing_key
        body = str(payload["body"]).encode()
        headers = callback_headers(key, f"msg_{attempt.message_id.hex}", body, int(time.time()))
        await check_public_url(url, allow_private=settings.webhook_allow_private_targets)
        async with httpx.AsyncClient(follow_redirects=False) as http:
            try:
                response = await http.post(
                    url, content=body, headers=headers, timeout=settings.webhook_timeout_seconds
                )
            except httpx.HTTPError as error:
                raise CallbackFailed(f"{type(error).__name__}: {error}") from error
        if not 200 <= response.status_code < 300:
            raise CallbackFailed(f"HTTP {response.status_code}")

    return OutboxHandler(deliver=deliver)
