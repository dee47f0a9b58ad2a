"""The invoices of « Factures reçues » / « Factures émises »: lists, timeline, actions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.core.input import HumanParagraphs, MachineText, RequestModel
from api.core.invoice_statuses import Side, Status
from api.core.pagination import MAX_PAGE_SIZE, Page, PageParams


class InvoiceDirection(StrEnum):
    RECEIVED = "received"  # Factures reçues: the client is the buyer
    ISSUED = "issued"  # Factures émises: the client is the seller


class InvoiceAction(StrEnum):
    """What a person may do to an invoice; each records one status."""

    TAKE_CHARGE = "take_charge"  # 204 Prise en charge
    APPROVE = "approve"  # 205 Approuvée
    APPROVE_PARTIALLY = "approve_partially"  # 206 Approuvée partiellement
    DISPUTE = "dispute"  # 207 En litige
    SUSPEND = "suspend"  # 208 Suspendue
    REFUSE = "refuse"  # 210 Refusée
    PAYMENT_SENT = "payment_sent"  # 211 Paiement transmis
    COMPLETE = "complete"  # 209 Complétée
    CASHED = "cashed"  # 212 Encaissée
    CANCEL = "cancel"  # 220 Annulée


ACTION_STATUS: dict[InvoiceAction, Status] = {
    InvoiceAction.TAKE_CHARGE: Status.PRISE_EN_CHARGE,
    InvoiceAction.APPROVE: Status.APPROUVEE,
    InvoiceAction.APPROVE_PARTIALLY: Status.APPROUVEE_PARTIELLEMENT,
    InvoiceAction.DISPUTE: Status.EN_LITIGE,
    InvoiceAction.SUSPEND: Status.SUSPENDUE,
    InvoiceAction.REFUSE: Status.REFUSEE,
    InvoiceAction.PAYMENT_SENT: Status.PAIEMENT_TRANSMIS,
    InvoiceAction.COMPLETE: Status.COMPLETEE,
    InvoiceAction.CASHED: Status.ENCAISSEE,
    InvoiceAction.CANCEL: Status.ANNULEE,
}


# The audit trail's action for each (`spa/src/lib/event-labels.ts` labels them in French).
AUDIT_ACTION: dict[InvoiceAction, str] = {
    InvoiceAction.TAKE_CHARGE: "invoice.taken_charge",
    InvoiceAction.APPROVE: "invoice.approved",
    InvoiceAction.APPROVE_PARTIALLY: "invoice.approved_partially",
    InvoiceAction.DISPUTE: "invoice.disputed",
    InvoiceAction.SUSPEND: "invoice.suspended",
    InvoiceAction.REFUSE: "invoice.refused",
    InvoiceAction.PAYMENT_SENT: "invoice.payment_sent",
    InvoiceAction.COMPLETE: "invoice.completed",
    InvoiceAction.CASHED: "invoice.cashed",
    InvoiceAction.CANCEL: "invoice.cancelled",
}


class InvoiceListParams(PageParams):
    """The query of « Factures reçues » / « Factures émises »."""

    direction: InvoiceDirection = Field(
        InvoiceDirection.RECEIVED,
        description="`received` (default): the clients' incoming invoices; `issued`: their "
        "outgoing ones.",
    )
    client_id: uuid.UUID | None = Field(
        None, description="One client; absent: every client whose documents you see."
    )
    status: list[Annotated[int, Field(ge=0, le=999)]] = Field(
        default_factory=list,
        max_length=30,
        description="Lifecycle status codes (repeat the parameter: any of them); "
        "`0` stands for an invoice still being checked (no status yet).",
    )


class InvoiceSummary(BaseModel):
    id: uuid.UUID = Field(description="The invoice's flow id (the one of this client).")
    client_id: uuid.UUID
    client_name: str
    direction: InvoiceDirection
    invoice_number: str | None
    type_code: str | None = Field(description="BT-3: 380 invoice, 381 credit note…")
    issue_date: date | None
    seller_name: str | None
    seller_siren: str | None
    buyer_name: str | None
    buyer_siren: str | None
    total_with_vat: Decimal | None
    currency: str | None
    status: int | None = Field(description="Lifecycle status (MDT-105); null while checked.")
    status_label: str = Field(description="French label (« En cours de contrôle » when null).")
    submitted_at: datetime
    updated_at: datetime
    actions: list[InvoiceAction] = Field(
        description="What you may do now (your side, the status, your rights)."
    )


class InvoicePage(Page[InvoiceSummary]):
    pass


class InvoiceTimelineEntry(BaseModel):
    id: uuid.UUID
    status: int
    label: str
    side: Side
    side_label: str
    author_kind: str = Field(description="user, device, api_key or system (the platform).")
    author_name: str | None = Field(description="The person, when a person acted.")
    channel: Literal["api", "cdar", "platform"]
    occurred_at: datetime
    reason_code: str | None
    reason_label: str | None
    reason_text: str | None
    amount: Decimal | None
    message_flow_id: uuid.UUID | None = Field(
        description="The CDAR message that carried the status (a flow of /api/v1/flows)."
    )


class InvoiceTimelinePage(Page[InvoiceTimelineEntry]):
    pass


class InvoiceDetail(InvoiceSummary):
    timeline: list[InvoiceTimelineEntry]


class InvoiceActionRequest(RequestModel):
    """One action. `reason_code` is required for approve_partially, dispute, suspend and refuse
    (the codes of GET /api/v1/invoices/catalogue); `amount` / `vat_rate` for payment_sent and
    cashed default to the invoice's total and its only VAT rate."""

    action: InvoiceAction
    reason_code: MachineText | None = Field(None, max_length=40)
    reason_text: HumanParagraphs | None = Field(None, max_length=1000)
    amount: Decimal | None = Field(None, gt=0, max_digits=15, decimal_places=2)
    vat_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    paid_on: date | None = None


class InvoiceBulkActionRequest(InvoiceActionRequest):
    invoice_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_PAGE_SIZE)


class InvoiceBulkProblem(BaseModel):
    code: str
    title: str
    detail: str | None


class InvoiceBulkResult(BaseModel):
    id: uuid.UUID
    ok: bool
    status: int | None = Field(description="The invoice's status after the action.")
    error: InvoiceBulkProblem | None


class InvoiceBulkOutcome(BaseModel):
    results: list[InvoiceBulkResult]


class InvoiceReasonOut(BaseModel):
    code: str
    label: str


class InvoiceActionOut(BaseModel):
    action: InvoiceAction
    status: int
    label: str
    side: Side
    reason_required: bool
    reasons: list[InvoiceReasonOut]


class InvoiceStatusOut(BaseModel):
    code: int
    label: str
    side: Side
    final: bool


class InvoiceCatalogue(BaseModel):
    statuses: list[InvoiceStatusOut]
    actions: list[InvoiceActionOut]
