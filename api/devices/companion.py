"""The device companion: what the mobile app does, from a terminal.

    comptoir device enroll <enrollment link>   create a P-256 key, enroll it
    comptoir device approve <qr url>           show the requester, approve the login
    comptoir device deny <qr url>              deny it
    comptoir device approve <…/qr/v1/mandat/…> show the mandate, approve signing it
    comptoir device deny <…/qr/v1/mandat/…>    refuse to sign it

The private key stays in a local JSON file (mode 0600). The same HTTP calls and signing
inputs as docs/auth.md: this module is also the reference client the tests drive.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from api.auth.protocol import (
    Decision,
    device_session_message,
    login_decision_message,
    mandate_signature_message,
)
from api.core.crypto import private_key_public_jwk, sign_es256

DEFAULT_KEY_FILE = Path.home() / ".config" / "comptoir" / "device.json"
# The signing page's QR code (api/mandates/service.py APPROVAL_PATH); a login's is /qr/v1/<id>.
MANDATE_QR_PATH = "/qr/v1/mandat/"


class CompanionError(RuntimeError):
    """A refusal from the server, worded for the terminal."""


@dataclass
class DeviceKey:
    base_url: str
    device_id: str
    user_id: str
    private_key: ec.EllipticCurvePrivateKey

    def save(self, path: Path) -> None:
        pem = self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
        content = json.dumps(
            {
                "base_url": self.base_url,
                "device_id": self.device_id,
                "user_id": self.user_id,
                "private_key_pem": pem,
            },
            indent=2,
        )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written 0600 from the start, then renamed: the key is never readable by others.
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".device-")
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> DeviceKey:
        if not path.is_file():
            raise CompanionError(
                f"Aucune clé d'appareil dans {path} : lancez `comptoir device enroll`."
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        key = serialization.load_pem_private_key(data["private_key_pem"].encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise CompanionError(f"{path} ne contient pas une clé P-256.")
        return cls(data["base_url"], data["device_id"], data["user_id"], key)


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise CompanionError(f"Adresse invalide : {url}")
    return f"{parts.scheme}://{parts.netloc}"


def _raise_for_problem(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        problem = response.json()
        message = problem.get("title", "Erreur")
        if problem.get("detail"):
            message += f" — {problem['detail']}"
    except ValueError:
        message = response.text[:200]
    raise CompanionError(f"{response.status_code} : {message}")


def enroll(
    link: str, *, name: str, platform: str = "cli", client: httpx.Client | None = None
) -> DeviceKey:
    """Create a key pair and enroll its public half with the link's single-use token."""
    base_url = _origin(link)
    private_key = ec.generate_private_key(ec.SECP256R1())
    with client or httpx.Client(base_url=base_url, timeout=30) as http:
        response = http.post(
            "/api/v1/devices",
            json={
                "enrollment_token": link.strip(),
                "public_key": private_key_public_jwk(private_key),
                "name": name,
                "platform": platform,
            },
        )
        _raise_for_problem(response)
        device = response.json()
    return DeviceKey(base_url, device["id"], device["user_id"], private_key)


def device_session(key: DeviceKey, http: httpx.Client) -> str:
    """Open the device's own session (sign a fresh server nonce); returns an access token."""
    response = http.post("/api/v1/auth/device-sessions/nonces")
    _raise_for_problem(response)
    nonce = response.json()
    issued_at = int(time.time())
    message = device_session_message(
        audience=nonce["audience"],
        device_id=key.device_id,
        nonce=nonce["nonce"],
        issued_at=issued_at,
    )
    response = http.post(
        "/api/v1/auth/device-sessions",
        json={
            "device_id": key.device_id,
            "nonce": nonce["nonce"],
            "issued_at": issued_at,
            "signature": sign_es256(key.private_key, message),
        },
    )
    _raise_for_problem(response)
    token: str = response.json()["access_token"]
    return token


def is_mandate_approval(qr_url: str) -> bool:
    """Whether the QR code is a signing page's (approve a mandate) rather than a login's."""
    return MANDATE_QR_PATH in urlsplit(qr_url.strip()).path


def challenge_id_from(qr_url: str) -> str:
    path = urlsplit(qr_url.strip()).path.rstrip("/")
    if "/qr/v1/" not in path:
        raise CompanionError("Adresse de code QR inattendue (…/qr/v1/<identifiant> attendu).")
    return path.rsplit("/", 1)[-1]


def requester_context(
    key: DeviceKey, qr_url: str, http: httpx.Client, token: str
) -> dict[str, Any]:
    response = http.get(
        f"/api/v1/auth/login-challenges/{challenge_id_from(qr_url)}/context",
        headers={"Authorization": f"Bearer {token}"},
    )
    _raise_for_problem(response)
    context: dict[str, Any] = response.json()
    return context


def decide(
    key: DeviceKey, qr_url: str, decision: Decision, *, client: httpx.Client | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the requester context, then sign and send the decision. Returns (context, status)."""
    with client or httpx.Client(base_url=_origin(qr_url), timeout=30) as http:
        token = device_session(key, http)
        context = requester_context(key, qr_url, http, token)
        issued_at = int(time.time())
        message = login_decision_message(
            audience=context["audience"],
            challenge_id=context["challenge_id"],
            browser_key_thumbprint=context["browser_key_thumbprint"],
            server_nonce=context["server_nonce"],
            decision=decision,
            device_id=key.device_id,
            issued_at=issued_at,
        )
        path = f"/api/v1/auth/login-challenges/{context['challenge_id']}/decision"
        return context, _send_decision(http, key, token, path, decision, issued_at, message)


def mandate_approval(qr_url: str, http: httpx.Client, token: str) -> dict[str, Any]:
    """What the signing page asks this device to approve: firm, client, typed name, hash."""
    response = http.get(
        f"/api/v1/mandate-approvals/{challenge_id_from(qr_url)}",
        headers={"Authorization": f"Bearer {token}"},
    )
    _raise_for_problem(response)
    context: dict[str, Any] = response.json()
    return context


def decide_mandate(
    key: DeviceKey, qr_url: str, decision: Decision, *, client: httpx.Client | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the mandate to sign, then sign and send the decision (docs/auth.md, « Approving a
    mandate signature »). Returns (the mandate's context, the approval's status)."""
    with client or httpx.Client(base_url=_origin(qr_url), timeout=30) as http:
        token = device_session(key, http)
        context = mandate_approval(qr_url, http, token)
        issued_at = int(time.time())
        message = mandate_signature_message(
            audience=context["audience"],
            approval_id=context["approval_id"],
            server_nonce=context["server_nonce"],
            document_sha256=context["document_sha256"],
            signer_name=context["signer_name"],
            decision=decision,
            device_id=key.device_id,
            issued_at=issued_at,
        )
        path = f"/api/v1/mandate-approvals/{context['approval_id']}/decision"
        return context, _send_decision(http, key, token, path, decision, issued_at, message)


def _send_decision(
    http: httpx.Client,
    key: DeviceKey,
    token: str,
    path: str,
    decision: Decision,
    issued_at: int,
    message: str,
) -> dict[str, Any]:
    """POST a decision signed by the device (a login's or a mandate signature's): the same
    body on both, only the signed message differs."""
    response = http.post(
        path,
        headers={"Authorization": f"Bearer {token}"},
        json={
            "decision": decision.value,
            "device_id": key.device_id,
            "issued_at": issued_at,
            "signature": sign_es256(key.private_key, message),
        },
    )
    _raise_for_problem(response)
    status: dict[str, Any] = response.json()
    return status
