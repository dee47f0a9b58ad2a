"""Signing a mandate online: the single-use link, the one-time code, the evidence, the sealed
PDF filed in « Mandats », and the designation that follows without the firm touching it."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import create_blob_storage
from api.adapters.directory import LocalDirectory
from api.core.models import utcnow
from api.core.settings import Settings
from api.mandates import service as mandates_service
from api.mandates.evidence import CURRENT_CONSENT, SignatureEvidence, evidence_rows
from api.mandates.seal import seal_identity, verify_pdf
from api.models.client import Client, PaStatus
from api.models.document import Document
from api.models.folder import Folder
from api.models.mandate_request import MandateRequest, MandateRequestStatus
from api.models.pa_designation import MandateCertification, PaDesignation
from api.outbox import service as outbox
from tests.clients.conftest import Firm
from tests.einvoicing.conftest import ACTIVE_SIRENS, Worker
from tests.mandates.conftest import (
    CONTACT,
    add_client,
    mails_to,
    send,
    signer_of,
    token_in_last_mail,
)

pytestmark = pytest.mark.usefixtures("sirene")


async def _request(session: AsyncSession, client_id: str) -> MandateRequest:
    row = await session.scalar(
        select(MandateRequest)
        .where(MandateRequest.client_id == uuid.UUID(client_id))
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def _stage(client: httpx.AsyncClient, firm: Firm, client_id: str) -> str:
    response = await client.get(
        f"/api/v1/clients/{client_id}/mandate-request", headers=firm.owner.headers
    )
    assert response.status_code == 200, response.text
    return str(response.json()["stage"])


async def test_a_signed_mandate_is_sealed_filed_and_registers_the_client(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    firm: Firm,
    directory: LocalDirectory,
    run_worker: Worker,
) -> None:
    client_id, signer = await signer_of(client, session, firm)
    assert await _stage(client, firm, client_id) == "sent"
    opened = await signer.open()
    assert opened.status_code == 200, opened.text
    assert signer.view is not None
    consent = {"version": CURRENT_CONSENT.version, "text": CURRENT_CONSENT.text}
    assert signer.view["consent"] == consent
    assert await _stage(client, firm, client_id) == "opened"
    pdf = await client.post("/api/v1/mandate-signatures/document", json={"token": signer.token})
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")

    code = await signer.ask_code()
    signed = await signer.sign(code)
    assert signed.status_code == 200, signed.text
    assert await _stage(client, firm, client_id) == "signed"

    # The evidence: who, e-mail, time, IP, user agent, SHA-256, method, consent and version.
    request = await _request(session, client_id)
    assert request.status == MandateRequestStatus.SIGNED
    evidence = request.evidence
    assert evidence is not None
    assert evidence["signer_name"] == "Élodie Chevalier"
    assert evidence["signer_email"] == CONTACT
    assert evidence["user_agent"].startswith("Mozilla/5.0 (iPhone")
    assert evidence["ip"]
    assert evidence["method"] == "email_otp"
    assert evidence["consent_version"] == CURRENT_CONSENT.version
    assert evidence["consent_text"] == CURRENT_CONSENT.text
    assert evidence["document_sha256"] == signer.view["document_sha256"]

    # The sealed PDF is the client's document in « Mandats », and it validates.
    document = await session.get(Document, request.sealed_document_id)
    assert document is not None
    folder = await session.get(Folder, document.folder_id)
    assert folder is not None
    assert folder.name == "Mandats"
    assert str(document.client_id) == client_id
    storage = create_blob_storage(settings)
    sealed = b"".join([chunk async for chunk in storage.read(document.blob_key)])
    check = await verify_pdf(sealed, seal_identity(settings))
    assert check.ok, check
    # The evidence page says what the row stores.
    last_page = PdfReader(io.BytesIO(sealed)).pages[-1].extract_text()
    for label, value in evidence_rows(SignatureEvidence.from_json(evidence)):
        assert value[:40] in " ".join(last_page.split()), (label, value)
    # The mandate pages are the ones the signer read, untouched.
    read = PdfReader(io.BytesIO(pdf.content))
    assert len(PdfReader(io.BytesIO(sealed)).pages) == len(read.pages) + 1

    # The designation started with the signature as its evidence, and the worker registers.
    certification = await session.scalar(select(MandateCertification))
    assert certification is not None
    assert certification.actor_kind == "signature"
    assert certification.text == CURRENT_CONSENT.text
    designation = await session.get(PaDesignation, request.designation_id)
    assert designation is not None
    assert designation.signed_mandate_sha256 == document.sha256
    await run_worker(directory)
    assert await _stage(client, firm, client_id) == "registered"

    # Single use: the link is dead once signed.
    again = await signer.open()
    assert again.status_code == 410
    assert again.json()["reason"] == "signed"
    mails = await mails_to(session, CONTACT)
    assert mails[-1]["subject"].startswith("Mandat de ")


async def test_five_wrong_codes_lock_the_link(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    client_id, signer = await signer_of(client, session, firm)
    await signer.open()
    code = await signer.ask_code()
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, 5):
        refused = await signer.sign(wrong)
        assert refused.status_code == 422, refused.text
        assert refused.json()["attempts_left"] == 5 - attempt
    locked = await signer.sign(wrong)
    assert locked.status_code == 410
    assert locked.json()["reason"] == "locked"
    # Even the right code no longer works, and the client is shown in error.
    assert (await signer.sign(code)).status_code == 410
    assert (await _request(session, client_id)).status == MandateRequestStatus.LOCKED
    assert await _stage(client, firm, client_id) == "error"


async def test_an_expired_link_no_longer_opens(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    client_id, signer = await signer_of(client, session, firm)
    await session.execute(
        update(MandateRequest)
        .where(MandateRequest.client_id == uuid.UUID(client_id))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    expired = await signer.open()
    assert expired.status_code == 410
    assert expired.json()["reason"] == "expired"
    assert await _stage(client, firm, client_id) == "expired"


async def test_a_withdrawn_link_dies_and_a_resend_kills_the_previous_link(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    client_id, first = await signer_of(client, session, firm)
    resent = await send(client, firm, client_id)
    assert resent.status_code == 201
    second = await token_in_last_mail(session)
    assert second != first.token
    assert (await first.open()).status_code == 404
    withdrawn = await client.post(
        f"/api/v1/clients/{client_id}/mandate-request/withdrawal", headers=firm.owner.headers
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["stage"] == "to_send"
    dead = await client.post("/api/v1/mandate-signatures/inspect", json={"token": second})
    assert dead.status_code == 410
    assert dead.json()["reason"] == "withdrawn"


async def test_consent_and_the_document_read_are_required(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    _client_id, signer = await signer_of(client, session, firm)
    await signer.open()
    code = await signer.ask_code()
    unticked = await signer.sign(code, consent=False)
    assert unticked.status_code == 422
    assert unticked.json()["code"] == "signature-consent-required"
    other_words = await signer.sign(code, consent_text="J'accepte.")
    assert other_words.status_code == 422
    other_document = await signer.sign(code, document_sha256="0" * 64)
    assert other_document.status_code == 409
    assert (await signer.sign(code)).status_code == 200


async def test_a_refusal_is_shown_to_the_firm(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    client_id, signer = await signer_of(client, session, firm)
    refused = await client.post(
        "/api/v1/mandate-signatures/refusal",
        json={"token": signer.token, "reason": "Je ne suis pas le gérant."},
    )
    assert refused.status_code == 204
    assert await _stage(client, firm, client_id) == "refused"
    assert (await signer.open()).status_code == 410


async def test_bulk_sending_answers_per_client(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    with_contact = await add_client(client, firm, ACTIVE_SIRENS[0])
    without = await add_client(client, firm, ACTIVE_SIRENS[1], email=None)
    unknown = str(uuid.uuid4())
    response = await client.post(
        "/api/v1/mandate-requests/sendings",
        json={"client_ids": [with_contact, without, unknown]},
        headers=firm.owner.headers,
    )
    assert response.status_code == 200, response.text
    outcomes = {item["id"]: item["outcome"] for item in response.json()["results"]}
    assert outcomes == {
        with_contact: "sent",
        without: "contact_email_missing",
        unknown: "client_not_found",
    }
    withdrawn = await client.post(
        "/api/v1/mandate-requests/withdrawals",
        json={"client_ids": [with_contact, without]},
        headers=firm.owner.headers,
    )
    outcomes = {item["id"]: item["outcome"] for item in withdrawn.json()["results"]}
    assert outcomes == {with_contact: "withdrawn", without: "nothing_to_withdraw"}


async def test_the_worker_reminds_with_a_new_link_after_the_configured_delay(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    firm: Firm,
) -> None:
    client_id, signer = await signer_of(client, session, firm)
    handlers = {
        mandates_service.REMINDER_KIND: mandates_service.reminder_delivery(settings, sessionmaker)
    }
    chosen = settings.model_copy(update={"outbox_batch_size": 500})
    early = await outbox.deliver_due(
        sessionmaker, handlers, chosen, now=utcnow() + timedelta(days=1)
    )
    assert early.sent == 0  # not due before mandate_reminder_days
    due = utcnow() + timedelta(days=settings.mandate_reminder_days, minutes=1)
    report = await outbox.deliver_due(sessionmaker, handlers, chosen, now=due)
    assert report.sent == 1
    reminder = (await mails_to(session, CONTACT))[-1]
    assert reminder["subject"].startswith("Rappel : ")
    assert await token_in_last_mail(session) != signer.token
    assert (await signer.open()).status_code == 404  # the previous link died
    request = await _request(session, client_id)
    assert request.reminders_sent == 1


async def test_a_client_registered_on_paper_is_not_sent_a_mandate(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    client_id = await add_client(client, firm, ACTIVE_SIRENS[3])
    await session.execute(
        update(Client).where(Client.id == uuid.UUID(client_id)).values(pa_status=PaStatus.PENDING)
    )
    refused = await send(client, firm, client_id)
    assert refused.status_code == 409
