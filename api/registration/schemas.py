from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.core.input import HumanText, MachineText, RequestModel

RegistrationState = Literal["awaiting_siren", "awaiting_identity", "completed", "expired"]
NextStep = Literal[
    "provide_siren", "enroll_device", "verify_identity", "open_device_session", "restart"
]


class EnrollmentQr(BaseModel):
    url: str = Field(description="The owner's single-use enrollment link (what the QR encodes).")
    qr_svg: str = Field(description="The enrollment QR as an SVG data URI.")
    qr_png: str = Field(description="The enrollment QR as a PNG data URI.")
    expires_at: datetime


class RegisteredFirm(BaseModel):
    id: uuid.UUID
    name: str
    siren: str
    siret: str | None
    vat_number: str | None
    address_line: str | None
    postal_code: str | None
    city: str | None


class RegistrationOut(BaseModel):
    """Where a firm registration stands, for the page the SSO callback leads to."""

    status: RegistrationState
    next_step: NextStep
    given_name: str
    family_name: str
    email: str
    siren: str | None
    siren_from_sso: bool = Field(description="The SIREN came from the SSO and cannot be changed.")
    firm_name: str | None = Field(description="The firm's name in the company registry.")
    address_line: str | None
    postal_code: str | None
    city: str | None
    device_enrolled: bool
    enrollment: EnrollmentQr | None = Field(
        description="Present while the enrollment link is usable (not yet scanned, not expired)."
    )
    firm_id: uuid.UUID | None
    expires_at: datetime


class RegistrationSecretIn(RequestModel):
    secret: MachineText = Field(
        min_length=20,
        max_length=100,
        description="The registration secret from the page URL's fragment (`/inscription#…`).",
    )


class SirenIn(RegistrationSecretIn):
    siren: HumanText = Field(
        min_length=9, max_length=20, examples=["732 829 320"], description="Spaces are ignored."
    )


class IdentityDocumentIn(RequestModel):
    """What the app read from the owner's identity card or passport."""

    mrz_lines: list[MachineText] = Field(
        min_length=2,
        max_length=3,
        description="The machine readable zone, one string per line (2×44 passport, 3×30 "
        "identity card, 2×36 French card of 1988-2021), filler character `<`.",
    )
    document_image: MachineText | None = Field(
        default=None,
        max_length=16 * 1024 * 1024,
        description="Optional photo of the MRZ side, base64 (JPEG, PNG, HEIC or WebP); "
        "its SHA-256 is kept as evidence.",
    )


class DocumentSummary(BaseModel):
    document_format: str
    document_code: str
    issuing_state: str
    nationality: str
    surname: str
    given_names: list[str]
    expiry_date: date


class IdentityVerifiedOut(BaseModel):
    status: Literal["verified"]
    message: str
    verification_id: uuid.UUID
    document: DocumentSummary
    firm: RegisteredFirm
    next_step: NextStep = Field(
        description="`open_device_session`: open a new device session to act in the firm."
    )
