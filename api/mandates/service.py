"""Mandates signed online (docs/mandates.md): the firm sends the prefilled mandate to the
client's legal representative, who reads it, types their name, consents and confirms with a
one-time code mailed to them; the platform seals the PDF (PAdES), files it in the client's
« Mandats » folder and starts the PA designation with the signature as its evidence.

    send_many / withdraw_many     the firm's acts, one result per client (bulk or one)
    reminder_delivery             the worker's automatic reminders (scheduled outbox messages)
    open_link / document / send_code / sign / refuse
                                  the signer's acts, through the single-use link only

The link's secret is stored hashed; each sending (a resend, a reminder) issues a new one and
the previous dies, as client invitations do. A link dies for good once signed, refused,
withdrawn, locked (too many wrong codes) or expired.

Services flush, never commit: the request's unit of work commits (the worker's reminder
commits its own short transaction).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.company_registry import CompanyRegistry
from api.adapters.mail import MailMessage
from api.audit import service as audit
from api.audit.service import SYSTEM, Author
from api.auth.protocol import Decision, mandate_signature_message
from api.auth.service import DeviceNotUsable, InvalidSignature, StaleSignature
from api.clients import service as clients_service
from api.core.actor import Actor
from api.core.authz import Principal, PrincipalKind
from api.core.crypto import hash_token, new_token, same_secret, verify_es256
from api.core.errors import AppError, Conflict, FieldError, NotFound, UnprocessableEntity
from api.core.models import utcnow
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.documents import service as documents_service
from api.documents.service import DeclaredDocument, DocumentService
from api.einvoicing import service as einvoicing_service
from api.mail import service as mail
from api.mandates import messages, repository
from api.mandates.evidence import (
    CONSENTS,
    CURRENT_CONSENT,
    CURRENT_PHONE_CONSENT,
    PHONE_METHOD,
    SIGNATURE_METHOD,
    Consent,
    SignatureEvidence,
    with_evidence_page,
)
from api.mandates.schemas import (
    MandateBulkResult,
    PhoneApprovalState,
    SendIn,
    SignatureIn,
    SignerConsent,
)
from api.mandates.seal import seal_identity, seal_pdf
from api.models.client import Client, PaStatus
from api.models.document import DocumentSource, DocumentType
from api.models.mandate_request import (
    MandateRequest,
    MandateRequestStatus,
    MandateStage,
    PhoneApprovalStatus,
)
from api.models.workspace import Workspace
from api.outbox import service as outbox
from api.outbox.service import DeliveryAttempt, OutboxHandler, Payload
from api.rate_limits import service as rate_limits
from api.rate_limits.service import Limit

logger = logging.getLogger("comptoir.mandates")

REMINDER_KIND = "mandates.reminder"
LINK_PATH = "/mandat#"  # a fragment: browsers never send it to a server
MANDATES_FOLDER = "Mandats"
SIGNER = Author(kind="signer")  # the representative, known by the link only
PLATFORM_UPLOADER = uuid.UUID(int=0)  # `documents.uploaded_by` when no user sent the request
_LIVE = (MandateRequestStatus.SENT, MandateRequestStatus.OPENED)
APPROVAL_PATH = "/qr/v1/mandat/"  # what the signing page's QR code encodes, + approval id
PHONE_APPROVAL_TTL = timedelta(minutes=5)


class MandateRequestNotFound(NotFound):
    code = "mandate-request-not-found"
    title = "Aucune demande de signature pour ce client"


class SignatureLinkInvalid(NotFound):
    code = "signature-link-invalid"
    title = "Lien de signature invalide"


class SignatureLinkClosed(AppError):
    """The link was real but no longer works: the page says why (the secret is the
    signer's, so telling them leaks nothing)."""

    status = 410
    code = "signature-link-closed"
    title = "Ce lien de signature ne fonctionne plus"
    keeps_changes = True  # a lock on the 5th wrong code must stay


class WrongSignatureCode(UnprocessableEntity):
    code = "wrong-signature-code"
    title = "Code de confirmation incorrect"
    keeps_changes = True  # the wrong attempt counts, although the request fails


class TooManyCodes(AppError):
    status = 429
    code = "too-many-signature-codes"
    title = "Trop de codes demandés pour ce lien"


class ConsentRequired(UnprocessableEntity):
    code = "signature-consent-required"
    title = "Consentement requis"


class MandateChanged(Conflict):
    code = "mandate-changed"
    title = "Le mandat a changé depuis son affichage"


class NoEnrolledPhone(UnprocessableEntity):
    code = "no-enrolled-phone"
    title = "Aucun téléphone enrôlé pour cette adresse"


class PhoneApprovalMissing(Conflict):
    code = "phone-approval-missing"
    title = "Le téléphone n'a pas approuvé cette signature"


class MandateApprovalNotFound(NotFound):
    code = "mandate-approval-not-found"
    title = "Demande d'approbation introuvable"


class MandateApprovalExpired(AppError):
    status = 410
    code = "mandate-approval-expired"
    title = "Cette demande d'approbation a expiré"


class MandateApprovalDecided(Conflict):
    code = "mandate-approval-decided"
    title = "Cette demande d'approbation a déjà reçu une réponse"


_CLOSED_REASONS: dict[str, str] = {
    "signed": "Ce mandat est déjà signé : le lien ne sert qu'une fois.",
    "refused": "Vous avez refusé ce mandat : le lien ne fonctionne plus.",
    "withdrawn": "Le cabinet a retiré cette demande de signature.",
    "locked": "Trop de codes erronés : le lien est bloqué. Demandez un nouvel envoi au cabinet.",
    "expired": "Ce lien a expiré. Demandez un nouvel envoi au cabinet.",
}


def _closed(reason: str) -> SignatureLinkClosed:
    return SignatureLinkClosed(_CLOSED_REASONS[reason], extra={"reason": reason})


def signature_link(settings: Settings, token: str) -> str:
    return settings.public_url.rstrip("/") + LINK_PATH + token


def is_expired(request: MandateRequest, now: datetime) -> bool:
    return request.status in _LIVE and request.expires_at <= now


def stage_of(client: Client, request: MandateRequest | None, now: datetime) -> MandateStage:
    """The Python twin of `repository.stage_expression` (one client's page)."""
    if client.pa_status == PaStatus.REGISTERED:
        return MandateStage.REGISTERED
    if client.pa_status == PaStatus.ERROR:
        return MandateStage.ERROR
    if client.pa_status == PaStatus.PENDING:
        return MandateStage.SIGNED
    if request is None or request.status == MandateRequestStatus.WITHDRAWN:
        return MandateStage.TO_SEND
    if request.status == MandateRequestStatus.SIGNED:
        return MandateStage.SIGNED
    if request.status == MandateRequestStatus.REFUSED:
        return MandateStage.REFUSED
    if request.status == MandateRequestStatus.LOCKED:
        return MandateStage.ERROR
    if is_expired(request, now):
        return MandateStage.EXPIRED
    if request.status == MandateRequestStatus.OPENED:
        return MandateStage.OPENED
    return MandateStage.SENT


# ---------------------------------------------------------------- the firm's side


_REFUSALS: dict[str, str] = {
    "client_not_found": "Client introuvable.",
    "contact_email_missing": "Le client n'a pas d'adresse e-mail de contact.",
    "already_signed": "Le mandat de ce client est déjà signé.",
    "already_registered": "Ce client est déjà inscrit (ou en cours d'inscription) à l'annuaire.",
    "nothing_to_withdraw": "Aucune demande de signature en cours pour ce client.",
}


def _refusal(client_id: uuid.UUID, outcome: Any) -> MandateBulkResult:
    return MandateBulkResult(
        id=client_id, ok=False, outcome=outcome, error=outcome, detail=_REFUSALS[outcome]
    )


async def _firm(session: AsyncSession, firm_id: uuid.UUID) -> Workspace:
    firm = await repository.get_workspace(session, firm_id)
    assert firm is not None
    return firm


async def _bulk_targets(
    session: AsyncSession, actor: Actor, client_ids: Sequence[uuid.UUID]
) -> tuple[list[uuid.UUID], dict[uuid.UUID, Client], dict[uuid.UUID, MandateRequest]]:
    """The clients of a bulk act in the order asked (once each), those the actor may manage,
    and their requests locked for the change."""
    wanted = list(dict.fromkeys(client_ids))
    clients = await clients_service.readable_clients(session, actor.principal, wanted)
    existing = await repository.requests_of(session, list(clients), for_update=True)
    return wanted, clients, existing


async def _record_bulk(
    session: AsyncSession, actor: Actor, action: str, audited: list[tuple[object, dict[str, Any]]]
) -> None:
    assert actor.principal.workspace_id is not None  # `require(...)` guarantees it
    await audit.record_many(
        session,
        action,
        author=Author.of(actor.principal),
        origin=actor.origin,
        workspace_id=actor.principal.workspace_id,
        target_type="client",
        targets=audited,
    )


def _link_mail(
    settings: Settings,
    request: MandateRequest,
    client: Client,
    firm_name: str,
    token: str,
    *,
    reminder: bool,
) -> MailMessage:
    return messages.signature_request_mail(
        to=request.signer_email,
        first_name=request.signer_first_name,
        firm_name=firm_name,
        company_name=client.legal_name,
        url=signature_link(settings, token),
        expires_at=request.expires_at,
        reminder=reminder,
    )


def _reminder(
    settings: Settings, request: MandateRequest, now: datetime
) -> tuple[Payload, str, datetime] | None:
    """The next automatic reminder of this sending (its payload, dedupe key and due time), or
    None when none is due: the count is reached, or the link expires first."""
    if request.reminders_sent >= settings.mandate_max_reminders:
        return None
    due = now + timedelta(days=settings.mandate_reminder_days)
    if due >= request.expires_at:
        return None
    payload = {"request_id": str(request.id), "sending": request.sendings}
    return payload, f"mandate-reminder:{request.id}:{request.sendings}", due


async def send_many(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    client_ids: Sequence[uuid.UUID],
    signer: SendIn | None = None,
) -> list[MandateBulkResult]:
    """Mail the mandate to each client's representative (or send it again: a new link, the
    previous one dies). One result per client; one refusal never stops the others."""
    assert actor.principal.workspace_id is not None  # `require(...)` guarantees it
    wanted, clients, existing = await _bulk_targets(session, actor, client_ids)
    firm = await _firm(session, actor.principal.workspace_id)
    now = utcnow()
    expires_at = now + timedelta(days=settings.mandate_link_ttl_days)
    results: list[MandateBulkResult] = []
    audited: list[tuple[object, dict[str, Any]]] = []
    # Everything is written in batches after the loop: 1,000 clients are a few statements.
    mails: list[tuple[MailMessage, str | None]] = []
    reminders: list[tuple[Payload, str | None]] = []
    due = now + timedelta(days=settings.mandate_reminder_days)
    for client_id in wanted:
        client = clients.get(client_id)
        if client is None:
            results.append(_refusal(client_id, "client_not_found"))
            continue
        request = existing.get(client_id)
        if client.pa_status in (PaStatus.PENDING, PaStatus.REGISTERED):
            results.append(_refusal(client_id, "already_registered"))
            continue
        if request is not None and request.status == MandateRequestStatus.SIGNED:
            results.append(_refusal(client_id, "already_signed"))
            continue
        email = (signer.signer_email if signer else None) or client.contact_email
        if not email:
            results.append(_refusal(client_id, "contact_email_missing"))
            continue
        first = (signer.signer_first_name if signer else None) or client.contact_first_name
        last = (signer.signer_last_name if signer else None) or client.contact_last_name
        token = new_token("cpt_sig_")
        resent = request is not None and request.status in _LIVE
        if request is None:
            request = MandateRequest(
                id=uuid.uuid4(),
                firm_id=client.firm_id,
                client_id=client.id,
                sendings=1,
                reminders_sent=0,
                codes_sent=0,
                wrong_codes=0,
            )
            session.add(request)
        else:
            request.sendings += 1
            request.reminders_sent = 0
        request.status = MandateRequestStatus.SENT
        request.signer_email = str(email)
        request.signer_first_name, request.signer_last_name = first, last
        request.token_hash = hash_token(token)
        request.expires_at = expires_at
        request.sent_at = now
        request.sent_by_user_id = actor.principal.user_id
        request.opened_at = request.closed_at = None
        # A new sending is read afresh: the mandate is rendered again when the link opens.
        request.document = None
        request.document_sha256 = None
        request.code_hash = request.code_expires_at = None
        request.codes_sent = request.wrong_codes = 0
        request.error_detail = None
        _forget_approval(request)
        mails.append(
            (_link_mail(settings, request, client, firm.name, token, reminder=False), None)
        )
        reminder = _reminder(settings, request, now)
        if reminder is not None:
            payload, dedupe_key, due = reminder
            reminders.append((payload, dedupe_key))
        outcome = "resent" if resent else "sent"
        results.append(MandateBulkResult(id=client_id, ok=True, outcome=outcome))
        audited.append(
            (client.id, {"request_id": request.id, "to": request.signer_email, "outcome": outcome})
        )
    await session.flush()
    await mail.queue_many(session, mails)
    await outbox.enqueue_many(session, REMINDER_KIND, reminders, not_before=due)
    await _record_bulk(session, actor, "mandates.sent", audited)
    return results


async def withdraw_many(
    session: AsyncSession,
    actor: Actor,
    client_ids: Sequence[uuid.UUID],
) -> list[MandateBulkResult]:
    """Withdraw the pending requests: their links die at once."""
    wanted, clients, existing = await _bulk_targets(session, actor, client_ids)
    now = utcnow()
    results: list[MandateBulkResult] = []
    audited: list[tuple[object, dict[str, Any]]] = []
    for client_id in wanted:
        if client_id not in clients:
            results.append(_refusal(client_id, "client_not_found"))
            continue
        request = existing.get(client_id)
        if request is None or request.status not in _LIVE:
            results.append(_refusal(client_id, "nothing_to_withdraw"))
            continue
        request.status = MandateRequestStatus.WITHDRAWN
        request.closed_at = now
        request.code_hash = None
        _forget_approval(request)
        results.append(MandateBulkResult(id=client_id, ok=True, outcome="withdrawn"))
        audited.append((client_id, {"request_id": request.id}))
    await session.flush()
    await _record_bulk(session, actor, "mandates.withdrawn", audited)
    return results


async def state_of(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID
) -> tuple[Client, MandateStage, MandateRequest | None]:
    client = await clients_service.get_client(session, principal, client_id)
    request = (await repository.requests_of(session, [client.id])).get(client.id)
    return client, stage_of(client, request, utcnow()), request


class SealedMandateNotFound(NotFound):
    code = "sealed-mandate-not-found"
    title = "Aucun mandat signé pour ce client"


async def sealed_pdf(
    session: AsyncSession, principal: Principal, documents: DocumentService, client_id: uuid.UUID
) -> tuple[bytes, str]:
    """The sealed mandate of a client (to those who manage its mandate, who may not read its
    documents otherwise): its bytes and the client's SIREN."""
    client, _stage, request = await state_of(session, principal, client_id)
    document = (
        await repository.get_document(session, request.sealed_document_id)
        if request is not None and request.sealed_document_id is not None
        else None
    )
    if document is None:
        raise SealedMandateNotFound()
    content = b"".join([chunk async for chunk in documents.storage.read(document.blob_key)])
    return content, client.siren


# ---------------------------------------------------------------- reminders (the worker)


async def remind(
    session: AsyncSession, settings: Settings, request_id: uuid.UUID, sending: int
) -> bool:
    """The automatic reminder of one sending: a new link (the previous dies) if the request
    still waits on the representative and nobody sent it again meanwhile."""
    request = await repository.get_request(session, request_id, for_update=True)
    now = utcnow()
    if (
        request is None
        or request.sendings != sending
        or request.status not in _LIVE
        or is_expired(request, now)
    ):
        return False
    client = await repository.get_client(session, request.client_id)
    if client is None or client.pa_status in (PaStatus.PENDING, PaStatus.REGISTERED):
        return False
    firm = await _firm(session, request.firm_id)
    token = new_token("cpt_sig_")
    request.token_hash = hash_token(token)
    request.sendings += 1
    request.reminders_sent += 1
    await session.flush()
    await mail.queue(
        session, _link_mail(settings, request, client, firm.name, token, reminder=True)
    )
    reminder = _reminder(settings, request, now)
    if reminder is not None:
        payload, dedupe_key, due = reminder
        await outbox.enqueue(session, REMINDER_KIND, payload, dedupe_key, not_before=due)
    await audit.record_as(
        session,
        "mandates.reminded",
        author=SYSTEM,
        workspace_id=request.firm_id,
        target_type="client",
        target_id=client.id,
        data={"request_id": request.id, "reminder": request.reminders_sent},
    )
    return True


def reminder_delivery(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> OutboxHandler:
    async def deliver(payload: Payload, _attempt: DeliveryAttempt) -> None:
        async with sessionmaker() as session:
            await remind(session, settings, uuid.UUID(payload["request_id"]), payload["sending"])
            await session.commit()

    return OutboxHandler(deliver=deliver)


# ---------------------------------------------------------------- the signer's side


async def _live_request(
    session: AsyncSession, token: str, now: datetime, *, for_update: bool = True
) -> MandateRequest:
    request = await repository.get_by_token_hash(session, hash_token(token), for_update=for_update)
    if request is None:
        raise SignatureLinkInvalid(
            "Ce lien de signature n'existe pas ou a été remplacé par un envoi plus récent."
        )
    if request.status not in _LIVE:
        raise _closed(request.status.value)
    if request.expires_at <= now:
        raise _closed("expired")
    return request


async def _parties(session: AsyncSession, request: MandateRequest) -> tuple[Client, Workspace]:
    client = await repository.get_client(session, request.client_id)
    assert client is not None  # the request cascades with its client
    return client, await _firm(session, request.firm_id)


async def _frozen_document(
    session: AsyncSession, settings: Settings, request: MandateRequest
) -> tuple[Client, Workspace]:
    """The mandate is rendered when the link first opens and kept: the representative signs
    exactly the bytes they were shown (their SHA-256 is part of the evidence)."""
    client, firm = await _parties(session, request)
    if request.document is None:
        request.document = einvoicing_service.prefilled_mandate_pdf(settings, client, firm)
        request.document_sha256 = hashlib.sha256(request.document).hexdigest()
    return client, firm


async def open_link(
    session: AsyncSession, settings: Settings, token: str, origin: RequestOrigin
) -> tuple[MandateRequest, Client, Workspace]:
    """What the signing page shows; the first opening moves the client to « ouvert »."""
    now = utcnow()
    request = await _live_request(session, token, now)
    client, firm = await _frozen_document(session, settings, request)
    if request.status == MandateRequestStatus.SENT:
        request.status = MandateRequestStatus.OPENED
        request.opened_at = now
        await session.flush()
        await audit.record_as(
            session,
            "mandates.opened",
            author=SIGNER,
            origin=origin,
            workspace_id=request.firm_id,
            target_type="client",
            target_id=client.id,
            data={"request_id": request.id},
        )
    await session.flush()
    return request, client, firm


async def document(session: AsyncSession, settings: Settings, token: str) -> tuple[bytes, str]:
    request = await _live_request(session, token, utcnow())
    client, _ = await _frozen_document(session, settings, request)
    await session.flush()
    assert request.document is not None
    return request.document, client.siren


async def send_code(
    session: AsyncSession, settings: Settings, token: str, origin: RequestOrigin
) -> MandateRequest:
    """Mail a one-time code to the representative's address (a new code replaces the last)."""
    now = utcnow()
    request = await _live_request(session, token, now)
    if request.codes_sent >= settings.mandate_codes_per_link:
        raise TooManyCodes(
            "Trop de codes ont été demandés pour ce lien : demandez un nouvel envoi au cabinet."
        )
    client, _ = await _parties(session, request)
    code = f"{secrets.randbelow(1_000_000):06d}"
    request.code_hash = hash_token(f"{request.id}:{code}")
    request.code_expires_at = now + timedelta(minutes=settings.mandate_code_ttl_minutes)
    request.codes_sent += 1
    await session.flush()
    await mail.queue(
        session,
        messages.signature_code_mail(
            to=request.signer_email,
            company_name=client.legal_name,
            code=code,
            minutes=settings.mandate_code_ttl_minutes,
        ),
    )
    await audit.record_as(
        session,
        "mandates.code_sent",
        author=SIGNER,
        origin=origin,
        workspace_id=request.firm_id,
        target_type="client",
        target_id=client.id,
        data={"request_id": request.id, "codes_sent": request.codes_sent},
    )
    return request


def attempts_left(settings: Settings, request: MandateRequest) -> int:
    return max(0, settings.mandate_code_max_attempts - request.wrong_codes)


async def _check_code(
    session: AsyncSession, settings: Settings, request: MandateRequest, code: str, now: datetime
) -> None:
    if request.code_hash is None or request.code_expires_at is None:
        raise WrongSignatureCode("Demandez d'abord un code : il vous sera envoyé par e-mail.")
    if request.code_expires_at <= now:
        raise WrongSignatureCode("Ce code a expiré : demandez-en un nouveau.")
    if same_secret(f"{request.id}:{code.strip()}", request.code_hash):
        return
    request.wrong_codes += 1
    if request.wrong_codes >= settings.mandate_code_max_attempts:
        request.status = MandateRequestStatus.LOCKED
        request.closed_at = now
        request.code_hash = None
        await session.flush()
        await audit.record_as(
            session,
            "mandates.locked",
            author=SIGNER,
            workspace_id=request.firm_id,
            target_type="client",
            target_id=request.client_id,
            data={"request_id": request.id, "wrong_codes": request.wrong_codes},
        )
        raise _closed("locked")
    await session.flush()
    left = attempts_left(settings, request)
    raise WrongSignatureCode(
        f"Code incorrect : encore {left} essai{'s' if left > 1 else ''} avant le blocage du lien.",
        errors=[FieldError(pointer="/body/code", detail="Code incorrect.", code="wrong-code")],
        extra={"attempts_left": left},
    )


def _check_consent(data: SignerConsent, method: str) -> None:
    """The box ticked, in a published version of the sentence for this way of confirming."""
    consent = CONSENTS.get(data.consent_version)
    if (
        data.consent
        and consent is not None
        and consent.text == data.consent_text
        and consent.method == method
    ):
        return
    raise ConsentRequired(
        "Cochez la case de consentement pour signer.",
        errors=[
            FieldError(
                pointer="/body/consent",
                detail="Le consentement doit être coché, dans sa version affichée.",
                code=ConsentRequired.code,
            )
        ],
    )


async def sign(
    session: AsyncSession,
    settings: Settings,
    documents: DocumentService,
    registry: CompanyRegistry,
    token: str,
    origin: RequestOrigin,
    data: SignatureIn,
) -> MandateRequest:
    """Sign: consent and code checked, evidence recorded, the PDF sealed and filed in the
    client's « Mandats » folder, and the PA designation started."""
    now = utcnow()
    request = await _live_request(session, token, now)
    _check_consent(data, data.method)
    document, document_sha256 = _check_document(request, data)
    signer_name = " ".join(data.signer_name.split())
    device: tuple[str, str] | None = None
    if data.method == PHONE_METHOD:
        device = await _approved_device(session, request, signer_name, now)
    elif not data.code:
        raise WrongSignatureCode(
            "Saisissez le code reçu par e-mail.",
            errors=[FieldError(pointer="/body/code", detail="Code requis.", code="missing")],
        )
    else:
        await _check_code(session, settings, request, data.code, now)
    client, firm = await _parties(session, request)
    evidence = SignatureEvidence(
        request_id=str(request.id),
        client_name=client.legal_name,
        client_siren=client.siren,
        firm_name=firm.name,
        signer_name=signer_name,
        signer_email=request.signer_email,
        signed_at=now,
        ip=origin.ip,
        user_agent=origin.user_agent,
        document_sha256=document_sha256,
        method=data.method,
        consent_version=data.consent_version,
        consent_text=data.consent_text,
        device_id=device[0] if device else None,
        device_name=device[1] if device else None,
    )
    identity = seal_identity(settings)
    sealed = await seal_pdf(
        with_evidence_page(document, evidence),
        identity,
        reason=f"Mandat signé par {evidence.signer_name} pour {client.legal_name}",
    )
    folder = await documents_service.platform_folder(session, client.id, MANDATES_FOLDER)
    stored = await documents.add_generated(
        session,
        sealed,
        DeclaredDocument(
            workspace_id=client.firm_id,
            client_id=client.id,
            uploaded_by=request.sent_by_user_id or PLATFORM_UPLOADER,
            source=DocumentSource.WEB,
            type=DocumentType.SHARED,
            original_filename=f"mandat-{client.siren}-signe.pdf",
            title=f"Mandat signé — {client.legal_name}",
            folder_id=folder.id,
            document_date=now.date(),
        ),
    )
    request.status = MandateRequestStatus.SIGNED
    request.closed_at = now
    request.code_hash = None
    _forget_approval(request)
    request.evidence = evidence.as_json()
    request.sealed_document_id = stored.id
    request.sealed_sha256 = stored.sha256
    await session.flush()
    await audit.record_as(
        session,
        "mandates.signed",
        author=SIGNER,
        origin=origin,
        workspace_id=request.firm_id,
        target_type="client",
        target_id=client.id,
        data={
            "request_id": request.id,
            "signer_name": evidence.signer_name,
            "signer_email": evidence.signer_email,
            "document_sha256": evidence.document_sha256,
            "sealed_sha256": stored.sha256,
            "sealed_document_id": stored.id,
            "consent_version": evidence.consent_version,
            "method": evidence.method,
            "device_id": evidence.device_id,
        },
    )
    result = await einvoicing_service.activate_signed(
        session,
        registry,
        client,
        einvoicing_service.SignedMandate(
            consent_version=evidence.consent_version,
            consent_text=evidence.consent_text,
            signer_ip=evidence.ip,
            signer_user_agent=evidence.user_agent,
            signed_at=now,
            sealed_sha256=stored.sha256,
        ),
    )
    request.designation_id = result.designation_id
    if not result.ok:
        request.error_detail = result.detail
    await session.flush()
    await mail.queue(
        session,
        messages.signed_mail(
            to=request.signer_email, company_name=client.legal_name, firm_name=firm.name
        ),
    )
    return request


async def refuse(
    session: AsyncSession, token: str, origin: RequestOrigin, reason: str | None
) -> None:
    """The representative declines: the link dies, the firm sees « refusé » and the reason."""
    now = utcnow()
    request = await _live_request(session, token, now)
    request.status = MandateRequestStatus.REFUSED
    request.closed_at = now
    request.code_hash = None
    _forget_approval(request)
    request.error_detail = (reason or "").strip()[:500] or None
    await session.flush()
    await audit.record_as(
        session,
        "mandates.refused",
        author=SIGNER,
        origin=origin,
        workspace_id=request.firm_id,
        target_type="client",
        target_id=request.client_id,
        data={"request_id": request.id, "reason": request.error_detail},
    )


def current_consent(method: str = SIGNATURE_METHOD) -> Consent:
    return CURRENT_PHONE_CONSENT if method == PHONE_METHOD else CURRENT_CONSENT


def _check_document(request: MandateRequest, data: SignerConsent) -> tuple[bytes, str]:
    """The mandate as the signer read it (its bytes and SHA-256), unchanged since."""
    if request.document is None or request.document_sha256 != data.document_sha256:
        raise MandateChanged("Rechargez la page pour lire le mandat à signer.")
    return request.document, request.document_sha256


# ---------------------------------------------------------------- signing with the phone
#
# The login's approval pattern (docs/auth.md), for a signature: the signing page asks; its QR
# code names an approval id (no secret); the representative's enrolled phone, in its device
# session, reads the context and signs `mandate_signature_message` (the server nonce, the
# document's SHA-256 and the typed name) with its device key; the page, which holds the link's
# secret, then signs. Only a device of a user whose e-mail is the signer's may approve.


def _forget_approval(request: MandateRequest) -> None:
    request.approval_id = request.approval_nonce = request.approval_status = None
    request.approval_expires_at = request.approval_decided_at = None
    request.approval_signer_name = request.approval_device_id = None
    request.approval_requester_ip = request.approval_requester_user_agent = None


def approval_url(settings: Settings, request: MandateRequest) -> str:
    return settings.public_url.rstrip("/") + APPROVAL_PATH + (request.approval_id or "")


def document_fingerprint(document_sha256: str) -> str:
    """What both screens show, so the representative knows the phone approves this page."""
    return " ".join(document_sha256[index : index + 4].upper() for index in (0, 4))


def approval_state(request: MandateRequest, now: datetime) -> PhoneApprovalState:
    if request.approval_status == PhoneApprovalStatus.APPROVED:
        return "approved"
    if request.approval_status == PhoneApprovalStatus.DENIED:
        return "denied"
    if request.approval_expires_at is None or request.approval_expires_at <= now:
        return "expired"
    return "pending"


async def phone_available(session: AsyncSession, request: MandateRequest) -> bool:
    return await repository.has_enrolled_phone(session, request.signer_email)


async def ask_phone(
    session: AsyncSession, token: str, origin: RequestOrigin, data: SignerConsent
) -> MandateRequest:
    """Ask the representative's enrolled phone to approve (a new ask replaces the last)."""
    now = utcnow()
    request = await _live_request(session, token, now)
    _check_consent(data, PHONE_METHOD)
    _check_document(request, data)
    if not await phone_available(session, request):
        raise NoEnrolledPhone(
            "Aucun téléphone enrôlé ne correspond à cette adresse : confirmez avec le code "
            "envoyé par e-mail."
        )
    request.approval_id = new_token(nbytes=24)
    request.approval_nonce = new_token(nbytes=24)
    request.approval_status = PhoneApprovalStatus.PENDING
    request.approval_expires_at = now + PHONE_APPROVAL_TTL
    request.approval_decided_at = request.approval_device_id = None
    request.approval_signer_name = " ".join(data.signer_name.split())
    request.approval_requester_ip = origin.ip
    request.approval_requester_user_agent = (origin.user_agent or "")[:500] or None
    await session.flush()
    await audit.record_as(
        session,
        "mandates.phone_asked",
        author=SIGNER,
        origin=origin,
        workspace_id=request.firm_id,
        target_type="client",
        target_id=request.client_id,
        data={"request_id": request.id},
    )
    return request


async def phone_state(session: AsyncSession, token: str) -> MandateRequest:
    request = await _live_request(session, token, utcnow(), for_update=False)
    if request.approval_id is None:
        raise PhoneApprovalMissing("Demandez d'abord l'approbation sur votre téléphone.")
    return request


async def _approved_device(
    session: AsyncSession, request: MandateRequest, signer_name: str, now: datetime
) -> tuple[str, str]:
    """The device that approved this signature, under this name (its id and name)."""
    approved = (
        request.approval_status == PhoneApprovalStatus.APPROVED
        and request.approval_device_id is not None
        and request.approval_signer_name == signer_name
        and request.approval_expires_at is not None
        and request.approval_expires_at > now
    )
    found = (
        await repository.device_with_user(session, request.approval_device_id)
        if approved and request.approval_device_id
        else None
    )
    if found is None or found[0].revoked_at is not None:
        raise PhoneApprovalMissing(
            "Approuvez la signature sur votre téléphone (ou demandez une nouvelle approbation)."
        )
    return str(found[0].id), found[0].name


async def _approval_for_device(
    session: AsyncSession, principal: Principal, approval_id: str, *, for_update: bool
) -> MandateRequest:
    """The pending approval, for a device session of the signer only: anyone else (another
    user, a browser session, an API key) gets the same 404 as an unknown id."""
    if principal.kind != PrincipalKind.DEVICE or principal.device_id is None:
        raise DeviceNotUsable(
            "Cette action se fait depuis un appareil enrôlé (application mobile ou compagnon)."
        )
    request = await repository.get_by_approval_id(session, approval_id, for_update=for_update)
    found = await repository.device_with_user(session, principal.device_id)
    if (
        request is None
        or found is None
        or found[1].id != principal.user_id
        or found[1].email.lower() != request.signer_email.lower()
        or request.status not in _LIVE
    ):
        raise MandateApprovalNotFound()
    now = utcnow()
    if request.expires_at <= now or approval_state(request, now) == "expired":
        raise MandateApprovalExpired(
            "Demandez une nouvelle approbation depuis la page de signature."
        )
    if request.approval_status != PhoneApprovalStatus.PENDING:
        raise MandateApprovalDecided()
    return request


async def approval_context(
    session: AsyncSession, principal: Principal, approval_id: str
) -> tuple[MandateRequest, Client, Workspace]:
    """What the phone shows before approving."""
    request = await _approval_for_device(session, principal, approval_id, for_update=False)
    client, firm = await _parties(session, request)
    return request, client, firm


async def decide_approval(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    approval_id: str,
    *,
    decision: Decision,
    device_id: uuid.UUID,
    issued_at: int,
    signature: str,
) -> MandateRequest:
    """Approve or deny signing, with a signature by the device that holds the session."""
    principal = actor.principal
    request = await _approval_for_device(session, principal, approval_id, for_update=True)
    assert principal.user_id is not None
    assert principal.device_id is not None
    await rate_limits.enforce(
        session,
        Limit("mandate-approval", settings.rate_limit_approvals_per_user_per_minute, 60),
        str(principal.user_id),
        "Trop de réponses à des demandes d'approbation. Patientez une minute.",
    )
    if device_id != principal.device_id:
        raise DeviceNotUsable("L'appareil signataire n'est pas celui de cette session.")
    found = await repository.device_with_user(session, device_id)
    assert found is not None  # `_approval_for_device` read it
    device = found[0]
    now = utcnow()
    if abs(now.timestamp() - issued_at) > settings.device_signature_max_age_seconds:
        raise StaleSignature("Vérifiez l'heure du téléphone puis recommencez.")
    assert request.approval_nonce
    assert request.document_sha256
    assert request.approval_signer_name
    message = mandate_signature_message(
        audience=settings.token_audience,
        approval_id=approval_id,
        server_nonce=request.approval_nonce,
        document_sha256=request.document_sha256,
        signer_name=request.approval_signer_name,
        decision=decision,
        device_id=str(device.id),
        issued_at=issued_at,
    )
    author = Author.device(principal.user_id, principal.device_id)
    if not verify_es256(device.public_jwk, message, signature):
        await audit.record_as(
            session,
            "mandates.phone_refused",
            author=author,
            origin=actor.origin,
            workspace_id=request.firm_id,
            target_type="client",
            target_id=request.client_id,
            data={"request_id": request.id, "reason": "signature"},
        )
        raise InvalidSignature("La signature de l'appareil ne correspond pas à cette demande.")
    approved = decision == Decision.APPROVE
    request.approval_status = (
        PhoneApprovalStatus.APPROVED if approved else PhoneApprovalStatus.DENIED
    )
    request.approval_device_id = device.id
    request.approval_decided_at = now
    device.last_used_at = now
    await session.flush()
    await audit.record_as(
        session,
        "mandates.phone_approved" if approved else "mandates.phone_denied",
        author=author,
        origin=actor.origin,
        workspace_id=request.firm_id,
        target_type="client",
        target_id=request.client_id,
        data={"request_id": request.id, "device_id": device.id},
    )
    return request
