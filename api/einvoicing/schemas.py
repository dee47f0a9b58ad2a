"""What the e-invoicing API accepts and shows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.core.input import HumanText, MachineText, RequestModel, Sha256Hex
from api.core.pagination import Page
from api.models.client import ClientStatus, PaStatus

MAX_BULK_CLIENTS = 5000

MandateGap = Literal["platform_siren", "platform_registration_number", "firm_address"]

BulkOutcome = Literal[
    "activated",
    "already_registered",
    "already_pending",
    "company_closed",
    "client_not_found",
]


class CertificationOut(BaseModel):
    version: str
    text: str = Field(description="The exact sentence to show; send it back word for word.")


class MandateReadinessOut(BaseModel):
    missing: list[MandateGap] = Field(
        description="What the prefilled mandate prints blank because it is not configured: "
        "the platform's SIREN or registration number (settings), the firm's address."
    )


class CertificationIn(RequestModel):
    """The user's explicit certification that the firm holds the client's signed mandate."""

    certified: bool = Field(description="Must be true: the user ticked the certification.")
    certification_version: MachineText = Field(max_length=40, examples=["2026-11-27"])
    certification_text: HumanText = Field(
        max_length=4000, description="The sentence the user accepted, word for word."
    )


class ActivationIn(CertificationIn):
    date_from: date | None = Field(
        default=None, description="First day of the designation; today when omitted."
    )
    signed_mandate_sha256: Sha256Hex | None = Field(
        default=None,
        description="SHA-256 (hex) of the signed mandate file, when the firm provides it. "
        "The firm keeps the file itself.",
    )


class ClientSelection(RequestModel):
    """The clients list's filters (same meaning as `GET /clients`)."""

    q: HumanText | None = Field(default=None, max_length=100)
    status: ClientStatus | None = None
    pa_status: PaStatus | None = None
    assignee: uuid.UUID | None = None
    plan: MachineText | None = Field(default=None, max_length=40)


class BulkActivationIn(CertificationIn):
    client_ids: list[uuid.UUID] | None = Field(
        default=None, min_length=1, max_length=MAX_BULK_CLIENTS
    )
    filter: ClientSelection | None = Field(
        default=None, description="Every client matching the list's filters (instead of ids)."
    )
    date_from: date | None = None

    @model_validator(mode="after")
    def _one_selection(self) -> BulkActivationIn:
        if (self.client_ids is None) == (self.filter is None):
            raise ValueError("Donnez soit `client_ids`, soit `filter`.")
        return self


class DeregistrationIn(RequestModel):
    date_to: date | None = Field(
        default=None, description="Last day this platform receives; today when omitted."
    )


class DesignationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: PaStatus
    siren: str
    date_from: date
    date_to: date | None
    end_requested_on: date | None
    directory_line_id: str | None
    platform_id: str | None
    error_code: str | None = Field(description="conflict, overlap_refused, directory_refused…")
    error_detail: str | None = Field(description="The reason, in French.")
    conflict_platform_id: str | None
    attempts: int
    signed_mandate_sha256: str | None
    bulk_job_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    registered_at: datetime | None
    ended_at: datetime | None


class EinvoicingState(BaseModel):
    client_id: uuid.UUID
    pa_status: PaStatus
    designation: DesignationOut | None = Field(description="The latest designation, if any.")


class HistoryEntry(BaseModel):
    occurred_at: datetime
    action: str = Field(examples=["einvoicing.registered"])
    actor_kind: str
    actor_user_id: uuid.UUID | None
    actor_name: str | None
    data: dict[str, Any]


class HistoryPage(Page[HistoryEntry]):
    """One page of a client's e-invoicing history."""


class ActivationItemResult(BaseModel):
    id: uuid.UUID
    ok: bool
    outcome: BulkOutcome
    error: str | None = Field(default=None, description="Stable error code when not ok.")
    detail: str | None = Field(default=None, description="The reason, in French.")
    designation_id: uuid.UUID | None = None


class BulkProgress(BaseModel):
    pending: int
    registered: int
    error: int
    deregistered: int


class BulkError(BaseModel):
    client_id: uuid.UUID
    siren: str
    error_code: str | None
    error_detail: str | None


class BulkJobOut(BaseModel):
    id: uuid.UUID
    created_at: datetime
    requested: int = Field(description="Clients selected.")
    refused: dict[str, int] = Field(description="Refused at once, by outcome.")
    progress: BulkProgress = Field(description="The activated ones, by current status.")
    done: bool = Field(description="True once no registration is pending.")
    errors: list[BulkError] = Field(description="The first 200 failed registrations.")


class BulkActivationOut(BaseModel):
    job: BulkJobOut
    results: list[ActivationItemResult]
