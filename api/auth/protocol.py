"""The exact strings devices and browsers sign (docs/auth.md, "Signing inputs").

Each message starts with a domain-separation line naming its purpose and version, then
`key=value` lines joined by a single LF, UTF-8, no trailing newline. A signature made for one
purpose, deployment, challenge or nonce can never verify for another.
"""

from __future__ import annotations

from enum import StrEnum

LOGIN_DECISION_V1 = "comptoir-login-v1"
LOGIN_REDEEM_V1 = "comptoir-redeem-v1"
DEVICE_SESSION_V1 = "comptoir-device-session-v1"
MANDATE_SIGNATURE_V1 = "comptoir-mandate-signature-v1"


class Decision(StrEnum):
    APPROVE = "approve"
    DENY = "deny"


def _message(purpose: str, *fields: tuple[str, object]) -> str:
    lines = [purpose]
    for name, value in fields:
        text = str(value)
        if "\n" in text or "\r" in text:
            raise ValueError(f"{name} must not contain a line break")
        lines.append(f"{name}={text}")
    return "\n".join(lines)


def login_decision_message(
    *,
    audience: str,
    challenge_id: str,
    browser_key_thumbprint: str,
    server_nonce: str,
    decision: Decision,
    device_id: str,
    issued_at: int,
) -> str:
    """Signed by the phone's enrolled device key to approve or deny a QR login."""
    return _message(
        LOGIN_DECISION_V1,
        ("aud", audience),
        ("challenge", challenge_id),
        ("browser_jkt", browser_key_thumbprint),
        ("nonce", server_nonce),
        ("decision", decision.value),
        ("device", device_id),
        ("iat", issued_at),
    )


def redeem_message(*, audience: str, challenge_id: str, server_nonce: str) -> str:
    """Signed by the browser's ephemeral key: only the browser that created the challenge
    can turn the approval into a session."""
    return _message(
        LOGIN_REDEEM_V1, ("aud", audience), ("challenge", challenge_id), ("nonce", server_nonce)
    )


def device_session_message(*, audience: str, device_id: str, nonce: str, issued_at: int) -> str:
    """Signed by a device key to open the app's own session."""
    return _message(
        DEVICE_SESSION_V1,
        ("aud", audience),
        ("device", device_id),
        ("nonce", nonce),
        ("iat", issued_at),
    )


def mandate_signature_message(
    *,
    audience: str,
    approval_id: str,
    server_nonce: str,
    document_sha256: str,
    signer_name: str,
    decision: Decision,
    device_id: str,
    issued_at: int,
) -> str:
    """Signed by the representative's enrolled phone to approve (or deny) signing a mandate:
    these exact bytes of that document, under the name typed on the signing page."""
    return _message(
        MANDATE_SIGNATURE_V1,
        ("aud", audience),
        ("approval", approval_id),
        ("nonce", server_nonce),
        ("document_sha256", document_sha256),
        ("signer", signer_name),
        ("decision", decision.value),
        ("device", device_id),
        ("iat", issued_at),
    )
