"""Pydantic shapes of mandates signed online, the seal check and the readiness dashboard."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.auth.protocol import Decision
from api.core.input import (
    Base64Url,
    HumanParagraphs,
    HumanText,
    MachineText,
    RequestModel,
    Sha256Hex,
)
from api.models.client import PaStatus
from api.models.mandate_request import (
    CompanyCategory,
    MandateRequestStatus,
    MandateStage,
    VatRegime,
)


class SendIn(RequestModel):
    """Whom to send the mandate to; by default the client's contact."""

    signer_email: EmailStr | None = None
    signer_first_name: HumanText | None = Field(default=None, max_length=100)
    signer_last_name: HumanText | None = Field(default=None, max_length=100)


class MandateBulkIn(RequestModel):
    client_ids: list[uuid.UUID] = Field(min_length=1, max_length=5000)


SendOutcome = Literal[
    "sent",
    "resent",
    "withdrawn",
    "client_not_found",
    "contact_email_missing",
    "already_signed",
    "already_registered",
    "nothing_to_withdraw",
]


class MandateBulkResult(BaseModel):
    id: uuid.UUID
    ok: bool
    outcome: SendOutcome
    error: str | None = None
    detail: str | None = None


class MandateBulkOut(BaseModel):
    results: list[MandateBulkResult]


class MandateRequestOut(BaseModel):
    """A client's mandate request as the firm sees it (never the link itself)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client_id: uuid.UUID
    status: MandateRequestStatus
    signer_email: str
    signer_first_name: str | None
    signer_last_name: str | None
    sent_at: datetime
    expires_at: datetime
    sendings: int
    reminders_sent: int
    opened_at: datetime | None
    closed_at: datetime | None
    sealed_document_id: uuid.UUID | None
    sealed_sha256: str | None
    designation_id: uuid.UUID | None


class MandateState(BaseModel):
    client_id: uuid.UUID
    stage: MandateStage
    request: MandateRequestOut | None
    evidence: dict[str, object] | None = None


# ---------------------------------------------------------------- the signing page


class ConsentOut(BaseModel):
    version: str
    text: str


class PhoneOption(BaseModel):
    """Offered when the representative already has an enrolled phone (a user of the platform
    with the signer's e-mail and an active device): confirming on it replaces the code."""

    consent: ConsentOut


class SigningView(BaseModel):
    """What the signing page shows: the mandate's parties, the consent, the code state."""

    client_name: str
    client_siren: str
    firm_name: str
    signer_email: str
    signer_first_name: str | None
    signer_last_name: str | None
    expires_at: datetime
    document_sha256: str
    consent: ConsentOut
    code_sent: bool
    attempts_left: int
    phone: PhoneOption | None = None


class CodeOut(BaseModel):
    sent_to: str
    expires_at: datetime


class LinkIn(RequestModel):
    """The link's secret travels in bodies, never in a URL (logs, referrers)."""

    token: MachineText = Field(min_length=10, max_length=200)


class SignerConsent(LinkIn):
    """The typed name, the consent ticked in its shown version, the document read."""

    signer_name: HumanText = Field(min_length=3, max_length=200)
    consent: bool
    consent_version: MachineText = Field(max_length=40)
    consent_text: HumanParagraphs = Field(max_length=2000)
    document_sha256: Sha256Hex


class SignatureIn(SignerConsent):
    method: Literal["email_otp", "device"] = Field(
        default="email_otp",
        description="`email_otp`: the one-time code mailed (`code`); `device`: the approval "
        "of the enrolled phone asked with `/mandate-signatures/phone-approval`.",
    )
    code: MachineText | None = Field(default=None, min_length=1, max_length=12)


PhoneApprovalState = Literal["pending", "approved", "denied", "expired"]


class PhoneApprovalOut(BaseModel):
    """The phone approval the signing page waits on; `approval_url` is what its QR code
    encodes (the enrolled phone opens it), `document_fingerprint` what both screens show."""

    status: PhoneApprovalState
    approval_url: str
    qr_svg: str = Field(description="The QR code of `approval_url`, as an SVG data URI.")
    document_fingerprint: str
    expires_at: datetime


class MandateApprovalContext(BaseModel):
    """What the phone shows before approving: the mandate, the name typed, the browser."""

    approval_id: str
    client_name: str
    client_siren: str
    firm_name: str
    signer_name: str
    signer_email: str
    document_sha256: str
    document_fingerprint: str
    requester_ip: str | None
    requester_user_agent: str | None
    requester_browser: str = Field(description="The signing page's browser, in words.")
    requester_os: str = Field(description="The signing page's system, in words.")
    expires_at: datetime
    server_nonce: str
    audience: str


class MandateApprovalDecision(RequestModel):
    decision: Decision
    device_id: uuid.UUID
    issued_at: int = Field(description="Unix time (seconds) included in the signed message.")
    signature: Base64Url = Field(description="ES256 (raw r‖s, base64url) over the message.")


class MandateApprovalResult(BaseModel):
    status: PhoneApprovalState


class SignatureOut(BaseModel):
    status: MandateRequestStatus
    signed_at: datetime
    sealed_sha256: str


class RefusalIn(LinkIn):
    reason: HumanParagraphs | None = Field(default=None, max_length=500)


# ---------------------------------------------------------------- the seal


class SealOut(BaseModel):
    """The platform's seal certificate: stated as self-signed when it is."""

    subject: str
    sha256_fingerprint: str
    self_signed: bool
    generated: bool
    not_after: datetime
    certificate_pem: str


class SealCheckOut(BaseModel):
    ok: bool
    signed: bool
    intact: bool
    valid: bool
    whole_document: bool
    platform_seal: bool
    certificate_subject: str | None
    certificate_sha256: str | None
    self_signed: bool | None
    signed_at: datetime | None
    signatures: int
    summary: str


# ---------------------------------------------------------------- readiness


class Obligations(BaseModel):
    reception_from: date
    emission_from: date
    e_reporting_from: date
    e_reporting_cadence: str | None  # French label; None while the VAT regime is unknown


class ReadinessClient(BaseModel):
    id: uuid.UUID
    legal_name: str
    siren: str
    pa_status: PaStatus
    stage: MandateStage
    company_category: CompanyCategory | None
    category_source: Literal["firm", "sirene", "unknown"]
    vat_regime: VatRegime | None
    obligations: Obligations
    blocked_reason: str | None


class StageCounts(BaseModel):
    to_send: int = 0
    sent: int = 0
    opened: int = 0
    signed: int = 0
    registered: int = 0
    expired: int = 0
    refused: int = 0
    error: int = 0


class CollaboratorReadiness(BaseModel):
    user_id: uuid.UUID
    name: str
    total: int
    registered_share: float
    counts: StageCounts


class FirmReadiness(BaseModel):
    total: int
    registered: int
    registered_share: float
    counts: StageCounts
    collaborators: list[CollaboratorReadiness]
    blocked: list[ReadinessClient]
    clients: list[ReadinessClient]
    clients_truncated: bool


class ReadinessIn(RequestModel):
    company_category: CompanyCategory | None = None
    vat_regime: VatRegime | None = None
