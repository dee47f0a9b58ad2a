"""HTTP routes of mandates signed online: the firm's (Gestionnaire de clients and owner; a
Comptable gets 404), the signer's (no session: the single-use link's secret, in the body),
the seal and its check, and the readiness dashboard."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from api.auth.dependencies import Authenticated, AuthenticatedActor
from api.clients.http import (
    PDF_RESPONSE,
    XLSX_RESPONSE,
    EinvoicingManage,
    pdf_response,
    xlsx_response,
)
from api.clients.service import ClientNotFound
from api.companies.dependencies import CompanyRegistryDep
from api.core.db import DbSession, ReadOnly
from api.core.errors import Conflict, UnprocessableEntity, problem_responses
from api.core.input import MachineText
from api.core.models import utcnow
from api.core.qr import svg_data_uri
from api.core.request_context import Origin
from api.core.responses import model_response
from api.core.settings import AppSettings, Settings
from api.core.user_agent import describe
from api.documents.router import Documents
from api.mandates import readiness, seal, service
from api.mandates.evidence import PHONE_METHOD
from api.mandates.schemas import (
    CodeOut,
    ConsentOut,
    FirmReadiness,
    LinkIn,
    MandateApprovalContext,
    MandateApprovalDecision,
    MandateApprovalResult,
    MandateBulkIn,
    MandateBulkOut,
    MandateRequestOut,
    MandateState,
    PhoneApprovalOut,
    PhoneOption,
    ReadinessClient,
    ReadinessIn,
    RefusalIn,
    SealCheckOut,
    SealOut,
    SendIn,
    SignatureIn,
    SignatureOut,
    SignerConsent,
    SigningView,
)
from api.models.client import Client
from api.models.mandate_request import MandateRequest, MandateStage

router = APIRouter(tags=["mandates"])


class MandateNotSent(UnprocessableEntity):
    code = "mandate-not-sent"
    title = "Mandat non envoyé"


class MandateAlreadyDone(Conflict):
    code = "mandate-already-done"
    title = "Mandat déjà signé ou client déjà inscrit"


def _state(client: Client, stage: MandateStage, request: MandateRequest | None) -> MandateState:
    return MandateState(
        client_id=client.id,
        stage=stage,
        request=MandateRequestOut.model_validate(request) if request else None,
        evidence=request.evidence if request else None,
    )


# ---------------------------------------------------------------- the firm's side


@router.get(
    "/clients/{client_id}/mandate-request",
    response_model=MandateState,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_mandate_request(
    client_id: uuid.UUID, session: DbSession, actor: EinvoicingManage
) -> MandateState:
    """The client's place in the mandate funnel, its request and, once signed, the evidence."""
    return _state(*await service.state_of(session, actor.principal, client_id))


@router.post(
    "/clients/{client_id}/mandate-request",
    status_code=status.HTTP_201_CREATED,
    response_model=MandateState,
    responses=problem_responses(401, 404, 409, 422),
)
async def send_mandate(
    client_id: uuid.UUID,
    body: SendIn,
    session: DbSession,
    settings: AppSettings,
    actor: EinvoicingManage,
) -> MandateState:
    """Send (or send again) the prefilled mandate for signature to the representative."""
    (result,) = await service.send_many(session, settings, actor, [client_id], body)
    if result.outcome == "client_not_found":
        raise ClientNotFound()
    if result.outcome == "contact_email_missing":
        raise MandateNotSent(result.detail)
    if not result.ok:
        raise MandateAlreadyDone(result.detail, extra={"outcome": result.outcome})
    return _state(*await service.state_of(session, actor.principal, client_id))


@router.post(
    "/clients/{client_id}/mandate-request/withdrawal",
    response_model=MandateState,
    responses=problem_responses(401, 404, 409),
)
async def withdraw_mandate(
    client_id: uuid.UUID, session: DbSession, actor: EinvoicingManage
) -> MandateState:
    """Withdraw the pending request: its link stops working at once."""
    (result,) = await service.withdraw_many(session, actor, [client_id])
    if result.outcome == "client_not_found":
        raise ClientNotFound()
    if not result.ok:
        raise MandateAlreadyDone(result.detail, extra={"outcome": result.outcome})
    return _state(*await service.state_of(session, actor.principal, client_id))


@router.get(
    "/clients/{client_id}/mandate-request/sealed.pdf",
    response_class=Response,
    responses=PDF_RESPONSE | problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def download_sealed_mandate(
    client_id: uuid.UUID, session: DbSession, documents: Documents, actor: EinvoicingManage
) -> Response:
    """The client's signed and sealed mandate (PDF)."""
    content, siren = await service.sealed_pdf(session, actor.principal, documents, client_id)
    return pdf_response(content, f"mandat-{siren}-signe.pdf", attachment=True)


@router.post(
    "/mandate-requests/sendings",
    response_model=MandateBulkOut,
    responses=problem_responses(401, 404, 422),
)
async def send_mandates(
    body: MandateBulkIn,
    session: DbSession,
    settings: AppSettings,
    actor: EinvoicingManage,
) -> MandateBulkOut:
    """Send (or send again) the mandate to many clients: one result per client."""
    results = await service.send_many(session, settings, actor, body.client_ids)
    return MandateBulkOut(results=results)


@router.post(
    "/mandate-requests/withdrawals",
    response_model=MandateBulkOut,
    responses=problem_responses(401, 404, 422),
)
async def withdraw_mandates(
    body: MandateBulkIn, session: DbSession, actor: EinvoicingManage
) -> MandateBulkOut:
    """Withdraw the pending requests of many clients: one result per client."""
    return MandateBulkOut(results=await service.withdraw_many(session, actor, body.client_ids))


# ---------------------------------------------------------------- the seal


@router.get("/mandates/seal", response_model=SealOut, responses=problem_responses(401, 404))
async def get_seal(settings: AppSettings, _actor: EinvoicingManage) -> SealOut:
    """The platform's seal certificate (self-signed on a fresh installation, and said so)."""
    identity = seal.seal_identity(settings)
    return SealOut(
        subject=identity.subject,
        sha256_fingerprint=identity.sha256_fingerprint,
        self_signed=identity.self_signed,
        generated=identity.generated,
        not_after=identity.not_after,
        certificate_pem=seal.certificate_pem(identity),
    )


@router.post(
    "/mandates/seal-checks",
    response_model=SealCheckOut,
    responses=problem_responses(401, 404, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def check_seal(
    request: Request, settings: AppSettings, _actor: EinvoicingManage
) -> SealCheckOut:
    """Check the seal of any mandate PDF (the body): intact, whole document, which
    certificate, this platform's or not, self-signed or not."""
    content = await readiness.read_capped(request, settings.upload_max_bytes)
    return await readiness.check_seal(settings, content)


# ---------------------------------------------------------------- the signer's side


@router.post(
    "/mandate-signatures/inspect",
    response_model=SigningView,
    responses=problem_responses(404, 410, 422),
)
async def open_signature(
    body: LinkIn, session: DbSession, settings: AppSettings, origin: Origin
) -> SigningView:
    """What the signing page shows (opening it marks the mandate « ouvert »)."""
    request, client, firm = await service.open_link(session, settings, body.token, origin)
    consent = service.current_consent()
    phone = service.current_consent(PHONE_METHOD)
    assert request.document_sha256 is not None
    return SigningView(
        client_name=client.legal_name,
        client_siren=client.siren,
        firm_name=firm.name,
        signer_email=request.signer_email,
        signer_first_name=request.signer_first_name,
        signer_last_name=request.signer_last_name,
        expires_at=request.expires_at,
        document_sha256=request.document_sha256,
        consent=ConsentOut(version=consent.version, text=consent.text),
        code_sent=request.code_hash is not None,
        attempts_left=service.attempts_left(settings, request),
        phone=PhoneOption(consent=ConsentOut(version=phone.version, text=phone.text))
        if await service.phone_available(session, request)
        else None,
    )


@router.post(
    "/mandate-signatures/document",
    response_class=Response,
    responses=PDF_RESPONSE | problem_responses(404, 410, 422),
)
async def signature_document(body: LinkIn, session: DbSession, settings: AppSettings) -> Response:
    """The whole mandate to read before signing (PDF)."""
    content, siren = await service.document(session, settings, body.token)
    return pdf_response(content, f"mandat-{siren}.pdf")


@router.post(
    "/mandate-signatures/code",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CodeOut,
    responses=problem_responses(404, 410, 422, 429),
)
async def send_signature_code(
    body: LinkIn, session: DbSession, settings: AppSettings, origin: Origin
) -> CodeOut:
    """Mail a one-time code to the representative's address."""
    request = await service.send_code(session, settings, body.token, origin)
    assert request.code_expires_at is not None
    return CodeOut(sent_to=request.signer_email, expires_at=request.code_expires_at)


@router.post(
    "/mandate-signatures/signature",
    response_model=SignatureOut,
    responses=problem_responses(404, 409, 410, 422),
)
async def sign_mandate(
    body: SignatureIn,
    session: DbSession,
    settings: AppSettings,
    documents: Documents,
    registry: CompanyRegistryDep,
    origin: Origin,
) -> SignatureOut:
    """Sign: typed name, consent and the one-time code (or the enrolled phone's approval);
    the platform seals the PDF."""
    request = await service.sign(session, settings, documents, registry, body.token, origin, body)
    assert request.closed_at is not None
    assert request.sealed_sha256 is not None
    return SignatureOut(
        status=request.status, signed_at=request.closed_at, sealed_sha256=request.sealed_sha256
    )


def _approval(settings: Settings, request: MandateRequest) -> PhoneApprovalOut:
    assert request.approval_expires_at is not None
    assert request.document_sha256 is not None
    url = service.approval_url(settings, request)
    return PhoneApprovalOut(
        status=service.approval_state(request, utcnow()),
        approval_url=url,
        qr_svg=svg_data_uri(url),
        document_fingerprint=service.document_fingerprint(request.document_sha256),
        expires_at=request.approval_expires_at,
    )


@router.post(
    "/mandate-signatures/phone-approval",
    status_code=status.HTTP_201_CREATED,
    response_model=PhoneApprovalOut,
    responses=problem_responses(404, 409, 410, 422),
)
async def ask_phone_approval(
    body: SignerConsent, session: DbSession, settings: AppSettings, origin: Origin
) -> PhoneApprovalOut:
    """Ask the representative's enrolled phone to approve the signature (instead of the code);
    the page shows `approval_url` as a QR code and waits."""
    return _approval(settings, await service.ask_phone(session, body.token, origin, body))


@router.post(
    "/mandate-signatures/phone-approval/state",
    response_model=PhoneApprovalOut,
    responses=problem_responses(404, 409, 410, 422),
    dependencies=[ReadOnly],
)
async def phone_approval_state(
    body: LinkIn, session: DbSession, settings: AppSettings
) -> PhoneApprovalOut:
    """Whether the phone approved yet (the page polls this, then signs)."""
    return _approval(settings, await service.phone_state(session, body.token))


@router.get(
    "/mandate-approvals/{approval_id}",
    response_model=MandateApprovalContext,
    responses=problem_responses(401, 404, 409, 410),
)
async def get_mandate_approval(
    approval_id: MachineText, session: DbSession, settings: AppSettings, principal: Authenticated
) -> MandateApprovalContext:
    """What the phone shows before approving a signature: the mandate, the typed name, the
    browser that asked (a device session of the representative only)."""
    request, client, firm = await service.approval_context(session, principal, approval_id)
    assert request.document_sha256 is not None
    assert request.approval_expires_at is not None
    browser, system = describe(request.approval_requester_user_agent)
    return MandateApprovalContext(
        approval_id=approval_id,
        client_name=client.legal_name,
        client_siren=client.siren,
        firm_name=firm.name,
        signer_name=request.approval_signer_name or "",
        signer_email=request.signer_email,
        document_sha256=request.document_sha256,
        document_fingerprint=service.document_fingerprint(request.document_sha256),
        requester_ip=request.approval_requester_ip,
        requester_user_agent=request.approval_requester_user_agent,
        requester_browser=browser,
        requester_os=system,
        expires_at=request.approval_expires_at,
        server_nonce=request.approval_nonce or "",
        audience=settings.token_audience,
    )


@router.post(
    "/mandate-approvals/{approval_id}/decision",
    response_model=MandateApprovalResult,
    responses=problem_responses(401, 404, 409, 410, 422, 429),
)
async def decide_mandate_approval(
    approval_id: MachineText,
    body: MandateApprovalDecision,
    session: DbSession,
    settings: AppSettings,
    actor: AuthenticatedActor,
) -> MandateApprovalResult:
    """Approve or deny signing a mandate from the enrolled phone (device session + signature
    of `comptoir-mandate-signature-v1`, docs/auth.md)."""
    request = await service.decide_approval(
        session,
        settings,
        actor,
        approval_id,
        decision=body.decision,
        device_id=body.device_id,
        issued_at=body.issued_at,
        signature=body.signature,
    )
    return MandateApprovalResult(status=service.approval_state(request, utcnow()))


@router.post(
    "/mandate-signatures/refusal",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 410, 422),
)
async def refuse_mandate(body: RefusalIn, session: DbSession, origin: Origin) -> None:
    """Decline to sign: the link stops working and the firm sees « refusé »."""
    await service.refuse(session, body.token, origin, body.reason)


# ---------------------------------------------------------------- readiness


@router.get(
    "/readiness",
    response_model=FirmReadiness,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_readiness(session: DbSession, actor: EinvoicingManage) -> Response:
    """The firm's readiness: registered share, funnel counts (also per collaborator), blocked
    clients and each client's e-invoicing obligations."""
    # The firm's home page: its 100 clients are not validated a second time on the way out.
    return model_response(await readiness.dashboard(session, actor.principal))


@router.get(
    "/readiness.xlsx",
    response_class=Response,
    responses=XLSX_RESPONSE | problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def export_readiness(session: DbSession, actor: EinvoicingManage) -> Response:
    """The readiness of every client, as an Excel workbook."""
    content = await readiness.workbook(session, actor.principal)
    return xlsx_response(content, "preparation-facturation.xlsx")


@router.get(
    "/clients/{client_id}/readiness",
    response_model=ReadinessClient,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_client_readiness(
    client_id: uuid.UUID, session: DbSession, actor: EinvoicingManage
) -> ReadinessClient:
    """The client's company category (and where it comes from), VAT regime and obligations."""
    return await readiness.client_readiness(session, actor.principal, client_id)


@router.patch(
    "/clients/{client_id}/readiness",
    response_model=ReadinessClient,
    responses=problem_responses(401, 404, 422),
)
async def update_readiness(
    client_id: uuid.UUID, body: ReadinessIn, session: DbSession, actor: EinvoicingManage
) -> ReadinessClient:
    """Correct the client's company category (SIRENE) or set its VAT regime."""
    return await readiness.update(session, actor.principal, client_id, body)
