"""What the clients API accepts and shows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.core.input import HumanText, MachineText, RequestModel
from api.core.pagination import Page, PageParams
from api.models.client import (
    ClientStatus,
    InvitationStatus,
    PaStatus,
    Payer,
    SubscriptionStatus,
)
from api.models.mandate_request import MandateStage

MAX_BULK_ITEMS = 500

ImportOutcome = Literal["created", "duplicate", "invalid", "unknown"]


class ClientCreate(RequestModel):
    identifier: HumanText = Field(
        description="SIREN (9 digits) or SIRET (14 digits); spaces allowed.",
        examples=["356000000", "35600000010019"],
        max_length=20,
    )
    legal_name: HumanText | None = Field(
        default=None,
        max_length=400,
        description="Only used when the registry withholds the name (non-diffusible unit).",
    )
    contact_first_name: HumanText | None = Field(default=None, max_length=100)
    contact_last_name: HumanText | None = Field(default=None, max_length=100)
    contact_email: EmailStr | None = None


class ContactUpdate(RequestModel):
    contact_first_name: HumanText | None = Field(default=None, max_length=100)
    contact_last_name: HumanText | None = Field(default=None, max_length=100)
    contact_email: EmailStr | None = None


class AssigneeOut(BaseModel):
    user_id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    assigned_at: datetime


class AssigneePage(Page[AssigneeOut]):
    pass


class SubscriptionIn(RequestModel):
    plan_code: MachineText = Field(max_length=40, examples=["standard"])
    payer: Payer
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    start_date: date


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    plan_code: str
    payer: Payer
    status: SubscriptionStatus
    start_date: date
    updated_at: datetime


class SubscriptionChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    plan_code: str
    payer: Payer
    status: SubscriptionStatus
    start_date: date
    changed_at: datetime
    changed_by_user_id: uuid.UUID | None


class SubscriptionWithHistory(BaseModel):
    current: SubscriptionOut | None
    history: list[SubscriptionChangeOut]


class PlanOut(BaseModel):
    code: str
    name: str
    monthly_price: str = Field(description="Euros excluding VAT, as a decimal string.")


class PlanPage(Page[PlanOut]):
    pass


class ClientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    siren: str
    siret: str | None
    legal_name: str
    address_line: str | None
    postal_code: str | None
    city: str | None
    vat_number: str | None
    legal_form_code: str | None
    legal_form_label: str | None
    activity_code: str | None
    is_firm_itself: bool
    status: ClientStatus
    pa_status: PaStatus
    contact_first_name: str | None
    contact_last_name: str | None
    contact_email: str | None
    company_workspace_id: uuid.UUID | None = Field(
        description="The company's space, prepared at the first invitation (usable once Actif)."
    )
    created_at: datetime
    created_by_user_id: uuid.UUID | None
    invitation_status: InvitationStatus
    invited_at: datetime | None = Field(description="When the latest invitation was sent.")
    invitation_expires_at: datetime | None = Field(
        description="When the latest invitation link stops working."
    )
    invitation_reminders: int = Field(description="Invitations sent after the first one.")
    activated_at: datetime | None


class ClientDetail(ClientOut):
    assignees: list[AssigneeOut]
    subscription: SubscriptionOut | None


class ClientListItem(BaseModel):
    id: uuid.UUID
    siren: str
    siret: str | None
    legal_name: str
    postal_code: str | None
    city: str | None
    status: ClientStatus
    pa_status: PaStatus
    is_firm_itself: bool
    contact_first_name: str | None
    contact_last_name: str | None
    contact_email: str | None
    created_at: datetime
    invitation_status: InvitationStatus
    invited_at: datetime | None
    invitation_expires_at: datetime | None
    invitation_reminders: int
    plan_code: str | None
    payer: Payer | None
    subscription_status: SubscriptionStatus | None


ClientSort = Literal["name", "-name", "created_at", "-created_at", "siren", "-siren"]


class ClientFilterParams(BaseModel):
    """The filters of the clients list and of its export (query parameters)."""

    q: HumanText | None = Field(None, max_length=100, description="Name, SIREN or SIRET.")
    status: ClientStatus | None = None
    pa_status: PaStatus | None = None
    assignee: uuid.UUID | None = Field(None, description="Only the clients assigned to this user.")
    plan: MachineText | None = Field(
        None, max_length=40, description="Plan code, or `none` for no plan."
    )
    sort: ClientSort = "name"
    invitation_status: InvitationStatus | None = None
    mandate_stage: MandateStage | None = Field(
        default=None, description="Where the client stands in the mandate funnel."
    )


class ClientListParams(PageParams, ClientFilterParams):
    """The query parameters of the clients list."""


class ClientPage(Page[ClientListItem]):
    """One page of the clients list."""


class BulkAssignment(RequestModel):
    client_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_BULK_ITEMS)
    user_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)
    action: Literal["assign", "unassign"] = "assign"


class BulkSubscription(SubscriptionIn):
    client_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_BULK_ITEMS)


class BulkItemResult(BaseModel):
    id: uuid.UUID
    ok: bool
    error: str | None = Field(default=None, description="Stable error code when not ok.")
    detail: str | None = Field(default=None, description="The reason, in French.")


class BulkResult(BaseModel):
    results: list[BulkItemResult]


class ImportRowOut(BaseModel):
    row: int = Field(description="Excel row number (the header is row 1).")
    outcome: ImportOutcome
    siren: str | None = None
    siret: str | None = None
    legal_name: str | None = Field(default=None, description="The registry's name.")
    reason_code: str | None = None
    reason: str | None = Field(default=None, description="Why, in French.")


class ImportCounts(BaseModel):
    created: int
    duplicate: int
    invalid: int
    unknown: int


class ImportReport(BaseModel):
    id: uuid.UUID
    status: Literal["analysed", "confirmed"]
    file_name: str | None
    expires_at: datetime
    unknown_columns: list[str] = Field(description="Headers that match no template column.")
    counts: ImportCounts = Field(description="Rows per outcome, over the whole file.")
    rows: list[ImportRowOut] = Field(
        description="One page of the report, in sheet order (the upload answers the first)."
    )
    next_cursor: str | None = Field(
        description="Pass as `cursor` to `GET /clients/imports/{import_id}` (with the same "
        "`outcome`) for the next page; null on the last page."
    )


class ImportConfirmation(BaseModel):
    id: uuid.UUID
    created: int = Field(description="Clients created by this confirmation.")
    skipped: int = Field(
        description="Rows that became duplicates since the dry run (now reported as "
        "`duplicate`, `already-client`)."
    )
    counts: ImportCounts = Field(description="Rows per outcome, after the confirmation.")
    rows: list[ImportRowOut] = Field(
        description="The first page of the report after the confirmation; the next pages "
        "come from `GET /clients/imports/{import_id}`."
    )
    next_cursor: str | None = Field(description="Cursor of the report's next page, or null.")


class ClientInvitations(RequestModel):
    client_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_BULK_ITEMS)


class InvitationResult(BulkItemResult):
    outcome: Literal["invited", "reinvited"] | None = Field(
        default=None,
        description="When ok: `invited` (first link) or `reinvited` (a new link; the "
        "previous one no longer works).",
    )
    invitation_expires_at: datetime | None = None


class InvitationResults(BaseModel):
    results: list[InvitationResult]


class ReminderRequest(RequestModel):
    older_than_days: int | None = Field(
        default=None,
        ge=1,
        le=90,
        description="Remind the clients invited at least this many days ago "
        "(default: the server's setting, 7).",
    )
    max_reminders: int | None = Field(
        default=None,
        ge=0,
        le=20,
        description="Skip the clients already reminded this many times (default: 3).",
    )


class ReminderResults(InvitationResults):
    more: bool = Field(description="More clients are due than one call handles: call again.")
