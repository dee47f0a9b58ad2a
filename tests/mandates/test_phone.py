"""Signing a mandate with the representative's enrolled phone instead of the mailed code:
the login's approval pattern (docs/auth.md) over HTTP, the evidence naming the device, and
every refusal (another user's phone, a forged signature, a denial, a changed name)."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import create_blob_storage
from api.auth.protocol import Decision, mandate_signature_message
from api.core.crypto import sign_es256
from api.core.settings import Settings
from api.devices import companion
from api.devices.cli import mandate_decision_text
from api.enrollments import service as enrollments
from api.mandates.evidence import CURRENT_PHONE_CONSENT
from api.mandates.seal import seal_identity, verify_pdf
from api.models.document import Document
from api.models.enrollment_token import EnrollmentPurpose
from api.models.mandate_request import MandateRequest, MandateRequestStatus
from api.models.user import User
from tests.clients.conftest import Firm
from tests.helpers import Phone
from tests.mandates.conftest import CONTACT, Signer, signer_of

pytestmark = pytest.mark.usefixtures("sirene")


async def _phone_of(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, email: str
) -> Phone:
    """A platform user with this e-mail and an enrolled phone with its device session."""
    user = User(id=uuid.uuid4(), email=email, first_name="Élodie", last_name="Chevalier")
    session.add(user)
    await session.flush()
    enrollment = await enrollments.issue(
        session,
        settings,
        user_id=user.id,
        workspace_id=None,
        purpose=EnrollmentPurpose.NEW_DEVICE,
    )
    await session.commit()
    phone = Phone()
    enrolled = await phone.enroll(client, enrollment.url)
    assert enrolled.status_code == 201, enrolled.text
    opened = await phone.open_session(client)
    assert opened.status_code == 201, opened.text
    return phone


def _consent(signer: Signer, **extra: Any) -> dict[str, Any]:
    assert signer.view is not None
    assert signer.view["phone"] is not None
    consent = signer.view["phone"]["consent"]
    return {
        "token": signer.token,
        "signer_name": "Élodie Chevalier",
        "consent": True,
        "consent_version": consent["version"],
        "consent_text": consent["text"],
        "document_sha256": signer.view["document_sha256"],
    } | extra


def _decision(phone: Phone, context: dict[str, Any], decision: Decision) -> dict[str, Any]:
    issued_at = int(time.time())
    message = mandate_signature_message(
        audience=context["audience"],
        approval_id=context["approval_id"],
        server_nonce=context["server_nonce"],
        document_sha256=context["document_sha256"],
        signer_name=context["signer_name"],
        decision=decision,
        device_id=str(phone.device_id),
        issued_at=issued_at,
    )
    return {
        "decision": decision.value,
        "device_id": phone.device_id,
        "issued_at": issued_at,
        "signature": sign_es256(phone.private_key, message),
    }


async def _ask(client: httpx.AsyncClient, signer: Signer, **extra: Any) -> dict[str, Any]:
    asked = await client.post(
        "/api/v1/mandate-signatures/phone-approval",
        json=_consent(signer, **extra),
        headers={"User-Agent": "Mozilla/5.0 (Macintosh) Firefox/140.0"},
    )
    assert asked.status_code == 201, asked.text
    body: dict[str, Any] = asked.json()
    return body


def _approval_id(asked: dict[str, Any]) -> str:
    url = str(asked["approval_url"])
    assert url.startswith("https://testserver/qr/v1/mandat/")
    return url.rsplit("/", 1)[-1]


async def _sign(client: httpx.AsyncClient, signer: Signer, **extra: Any) -> httpx.Response:
    return await client.post(
        "/api/v1/mandate-signatures/signature",
        json=_consent(signer, method="device") | extra,
        headers={"User-Agent": "Mozilla/5.0 (Macintosh) Firefox/140.0"},
    )


async def _state(client: httpx.AsyncClient, signer: Signer) -> str:
    response = await client.post(
        "/api/v1/mandate-signatures/phone-approval/state", json={"token": signer.token}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


async def test_the_enrolled_phone_approves_and_the_evidence_names_it(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, firm: Firm
) -> None:
    phone = await _phone_of(client, session, settings, CONTACT.upper())  # e-mails ignore case
    client_id, signer = await signer_of(client, session, firm)
    assert (await signer.open()).status_code == 200
    assert signer.view is not None
    assert signer.view["phone"]["consent"]["version"] == CURRENT_PHONE_CONSENT.version

    asked = await _ask(client, signer)
    assert asked["status"] == "pending"
    approval_id = _approval_id(asked)
    assert len(approval_id) >= 32
    assert await _state(client, signer) == "pending"

    # Signing before the phone answers is refused.
    early = await _sign(client, signer)
    assert early.status_code == 409, early.text
    assert early.json()["code"] == "phone-approval-missing"

    context = await client.get(f"/api/v1/mandate-approvals/{approval_id}", headers=phone.auth)
    assert context.status_code == 200, context.text
    shown = context.json()
    assert shown["signer_name"] == "Élodie Chevalier"
    assert shown["document_sha256"] == signer.view["document_sha256"]
    assert shown["document_fingerprint"] == asked["document_fingerprint"]
    assert shown["requester_user_agent"].endswith("Firefox/140.0")
    assert (shown["requester_browser"], shown["requester_os"]) == ("Firefox", "macOS")
    decided = await client.post(
        f"/api/v1/mandate-approvals/{approval_id}/decision",
        headers=phone.auth,
        json=_decision(phone, shown, Decision.APPROVE),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert await _state(client, signer) == "approved"

    # The name signed on the phone is the one the signature carries.
    renamed = await _sign(client, signer, signer_name="Autre Nom")
    assert renamed.status_code == 409
    signed = await _sign(client, signer)
    assert signed.status_code == 200, signed.text

    request = await session.scalar(
        select(MandateRequest)
        .where(MandateRequest.client_id == uuid.UUID(client_id))
        .execution_options(populate_existing=True)
    )
    assert request is not None
    assert request.status == MandateRequestStatus.SIGNED
    evidence = request.evidence
    assert evidence is not None
    assert evidence["method"] == "device"
    assert evidence["device_id"] == phone.device_id
    assert evidence["device_name"] == "iPhone de test"
    assert evidence["consent_version"] == CURRENT_PHONE_CONSENT.version
    assert request.codes_sent == 0  # no code was ever mailed
    document = await session.get(Document, request.sealed_document_id)
    assert document is not None
    sealed = b"".join(
        [chunk async for chunk in create_blob_storage(settings).read(document.blob_key)]
    )
    assert (await verify_pdf(sealed, seal_identity(settings))).ok


async def test_only_the_signers_phone_may_approve_and_a_forged_signature_fails(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, firm: Firm
) -> None:
    phone = await _phone_of(client, session, settings, CONTACT)
    stranger = await _phone_of(client, session, settings, "quelquun@ailleurs.example.fr")
    _client_id, signer = await signer_of(client, session, firm)
    await signer.open()
    approval_id = _approval_id(await _ask(client, signer))

    # Another user's phone, a browser session of the firm, no session: the same 404 or 401.
    foreign = await client.get(f"/api/v1/mandate-approvals/{approval_id}", headers=stranger.auth)
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "mandate-approval-not-found"
    assert (await client.get(f"/api/v1/mandate-approvals/{approval_id}")).status_code == 401
    by_firm = await client.get(
        f"/api/v1/mandate-approvals/{approval_id}", headers=firm.owner.headers
    )
    assert by_firm.status_code == 401
    unknown = await client.get(f"/api/v1/mandate-approvals/{'x' * 32}", headers=phone.auth)
    assert unknown.status_code == 404

    shown = (
        await client.get(f"/api/v1/mandate-approvals/{approval_id}", headers=phone.auth)
    ).json()
    # A signature over another document (the stranger's key, or another hash) is refused.
    forged = _decision(stranger, shown, Decision.APPROVE) | {"device_id": phone.device_id}
    refused = await client.post(
        f"/api/v1/mandate-approvals/{approval_id}/decision", headers=phone.auth, json=forged
    )
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid-signature"
    other = _decision(phone, shown | {"document_sha256": "0" * 64}, Decision.APPROVE)
    refused = await client.post(
        f"/api/v1/mandate-approvals/{approval_id}/decision", headers=phone.auth, json=other
    )
    assert refused.status_code == 401
    assert await _state(client, signer) == "pending"

    # Denying is as easy as approving; the page sees it and may ask again.
    denied = await client.post(
        f"/api/v1/mandate-approvals/{approval_id}/decision",
        headers=phone.auth,
        json=_decision(phone, shown, Decision.DENY),
    )
    assert denied.json()["status"] == "denied"
    assert await _state(client, signer) == "denied"
    refused = await _sign(client, signer)
    assert refused.status_code == 409
    again = await client.post(
        f"/api/v1/mandate-approvals/{approval_id}/decision",
        headers=phone.auth,
        json=_decision(phone, shown, Decision.APPROVE),
    )
    assert again.status_code in (404, 409)  # decided: a second answer changes nothing


async def test_without_an_enrolled_phone_only_the_code_is_offered(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    _client_id, signer = await signer_of(client, session, firm)
    await signer.open()
    assert signer.view is not None
    assert signer.view["phone"] is None
    consent = signer.view["consent"]
    asked = await client.post(
        "/api/v1/mandate-signatures/phone-approval",
        json={
            "token": signer.token,
            "signer_name": "Élodie Chevalier",
            "consent": True,
            "consent_version": CURRENT_PHONE_CONSENT.version,
            "consent_text": CURRENT_PHONE_CONSENT.text,
            "document_sha256": signer.view["document_sha256"],
        },
    )
    assert asked.status_code == 422
    assert asked.json()["code"] == "no-enrolled-phone"
    # The e-mail consent does not sign with the phone, nor the phone's with the code.
    wrong = await client.post(
        "/api/v1/mandate-signatures/signature",
        json={
            "token": signer.token,
            "signer_name": "Élodie Chevalier",
            "consent": True,
            "consent_version": consent["version"],
            "consent_text": consent["text"],
            "document_sha256": signer.view["document_sha256"],
            "method": "device",
        },
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "signature-consent-required"


class _SyncOverAsgi(httpx.BaseTransport):
    """The synchronous client of `comptoir device` (run in a worker thread) reaching the test's
    app: each request is sent by the test's own async client on the test's event loop."""

    def __init__(self, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._client.send(
                httpx.Request(
                    request.method, request.url, headers=request.headers, content=request.read()
                )
            )
            await response.aread()
            return response

        answer = asyncio.run_coroutine_threadsafe(send(), self._loop).result(timeout=30)
        headers = [(k, v) for k, v in answer.headers.items() if k != "content-encoding"]
        return httpx.Response(answer.status_code, headers=headers, content=answer.content)


async def _cli_decides(
    client: httpx.AsyncClient, phone: Phone, qr_url: str, decision: Decision
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`comptoir device approve|deny <qr_url>` with the phone's key, against the test's app."""
    assert phone.device_id is not None
    key = companion.DeviceKey("https://testserver", str(phone.device_id), "", phone.private_key)
    http = httpx.Client(
        base_url="https://testserver",
        transport=_SyncOverAsgi(client, asyncio.get_running_loop()),
    )
    return await asyncio.to_thread(companion.decide_mandate, key, qr_url, decision, client=http)


async def test_the_command_line_companion_approves_or_denies_from_the_qr_url(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, firm: Firm
) -> None:
    phone = await _phone_of(client, session, settings, CONTACT)
    _client_id, signer = await signer_of(client, session, firm)
    await signer.open()

    # Refused first: the page sees it, and the mandate stays unsigned.
    asked = await _ask(client, signer)
    assert companion.is_mandate_approval(asked["approval_url"])
    assert not companion.is_mandate_approval("https://testserver/qr/v1/abc")
    context, status = await _cli_decides(client, phone, asked["approval_url"], Decision.DENY)
    assert status["status"] == "denied"
    assert "Signature refusée." in mandate_decision_text(context, status)
    assert await _state(client, signer) == "denied"
    assert (await _sign(client, signer)).status_code == 409

    # Asked again and approved: what the terminal prints names the mandate and the name signed.
    asked = await _ask(client, signer)
    context, status = await _cli_decides(client, phone, asked["approval_url"], Decision.APPROVE)
    assert status["status"] == "approved"
    printed = mandate_decision_text(context, status)
    assert "Signature approuvée." in printed
    assert f"empreinte {asked['document_fingerprint']}" in printed
    assert "signataire « Élodie Chevalier »" in printed
    assert "Firefox sur macOS" in printed
    signed = await _sign(client, signer)
    assert signed.status_code == 200, signed.text

    # The link is spent: the same QR code now gets the server's refusal, worded for the terminal.
    with pytest.raises(companion.CompanionError):
        await _cli_decides(client, phone, asked["approval_url"], Decision.APPROVE)
