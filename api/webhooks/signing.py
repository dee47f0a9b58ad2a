"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

    webhook-id:         the event id (stable across retries)
    webhook-timestamp:  Unix seconds of this attempt
    webhook-signature:  "v1,<base64 HMAC-SHA256(key, f"{id}.{timestamp}.{body}")>" — several,
                        space-separated, while a rotated secret is still honoured

Secrets look like `whsec_<base64 of 32 random bytes>`; the HMAC key is the decoded part.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(
    secrets_in_use: list[str], event_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, event_id, timestamp, body) for secret in secrets_in_use
        ),
        "content-type": "application/json",
    }


def verify(secret: str, event_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """What a receiver does (used by the tests' receiver and shown in docs/integrations.md)."""
    expected = signature(secret, event_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in header.split(" "))
