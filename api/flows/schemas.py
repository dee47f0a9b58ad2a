"""The Flow Service 1.3.0 objects (AFNOR XP Z12-013 annex A), named and shaped as the annex
names them: its clients are generated from it. Field names are the annex's camelCase."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from api.core.input import MachineText, RequestModel
from api.core.pagination import Page
from api.ppf.schemas import PpfTransmission


class ProcessingRule(StrEnum):
    B2B = "B2B"
    B2B_INT = "B2BInt"
    B2C = "B2C"
    B2G = "B2G"
    B2G_INT = "B2GInt"
    OUT_OF_SCOPE = "OutOfScope"
    B2G_OUT_OF_SCOPE = "B2GOutOfScope"
    ARCHIVE_ONLY = "ArchiveOnly"
    NOT_APPLICABLE = "NotApplicable"
    UNDEFINED = "Undefined"


class FlowSyntax(StrEnum):
    CII = "CII"
    UBL = "UBL"
    FACTURX = "Factur-X"
    CDAR = "CDAR"
    FRR = "FRR"


class FlowProfile(StrEnum):
    BASIC = "Basic"
    CIUS = "CIUS"
    EXTENDED_CTC_FR = "Extended-CTC-FR"
    UNDEFINED = "Undefined"


class FlowType(StrEnum):
    CUSTOMER_INVOICE = "CustomerInvoice"
    SUPPLIER_INVOICE = "SupplierInvoice"
    CUSTOMER_INVOICE_LC = "CustomerInvoiceLC"
    SUPPLIER_INVOICE_LC = "SupplierInvoiceLC"
    STATE_CUSTOMER_INVOICE_LC = "StateCustomerInvoiceLC"
    STATE_SUPPLIER_INVOICE_LC = "StateSupplierInvoiceLC"
    AGGREGATED_CUSTOMER_TRANSACTION_REPORT = "AggregatedCustomerTransactionReport"
    UNITARY_CUSTOMER_TRANSACTION_REPORT = "UnitaryCustomerTransactionReport"
    AGGREGATED_CUSTOMER_PAYMENT_REPORT = "AggregatedCustomerPaymentReport"
    UNITARY_CUSTOMER_PAYMENT_REPORT = "UnitaryCustomerPaymentReport"
    UNITARY_SUPPLIER_TRANSACTION_REPORT = "UnitarySupplierTransactionReport"
    MULTI_FLOW_REPORT = "MultiFlowReport"
    STATE_CUSTOMER_INVOICE = "StateCustomerInvoice"
    STATE_SUPPLIER_INVOICE = "StateSupplierInvoice"
    STATE_TRANSACTION_REPORT = "StateTransactionReport"
    STATE_TRANSACTION_REPORT_LC = "StateTransactionReportLC"
    STATE_PAYMENT_REPORT = "StatePaymentReport"
    STATE_PAYMENT_REPORT_LC = "StatePaymentReportLC"
    UNDEFINED = "Undefined"


class FlowDirection(StrEnum):
    IN = "In"
    OUT = "Out"


class FlowAckStatus(StrEnum):
    PENDING = "Pending"
    OK = "Ok"
    ERROR = "Error"


class ReasonCodeEnum(StrEnum):
    EMPTY_ATTACHEMENT = "EmptyAttachement"
    ATTACHMENT_TYPE_ERROR = "AttachmentTypeError"
    EMPTY_FLOW = "EmptyFlow"
    OTHER_TECHNICAL_ERROR = "OtherTechnicalError"
    INVALID_SCHEMA = "InvalidSchema"
    FILE_SIZE_EXCEEDED = "FileSizeExceeded"
    FLOW_TYPE_ERROR = "FlowTypeError"
    ALREADY_EXISTING_FLOW = "AlreadyExistingFlow"
    VIRUS_FOUND = "VirusFound"
    CHECKSUM_MISMATCH = "ChecksumMismatch"
    INVOICE_LC_INVALID_STATUS = "InvoiceLCInvalidStatus"
    INVOICE_LC_STATUS_ERROR = "InvoiceLCStatusError"
    INVOICE_LC_RULE_ERROR = "InvoiceLCRuleError"
    INVOICE_LC_ACCESS_DENIED = "InvoiceLCAccessDenied"
    INVOICE_LC_AMOUNT_ERROR = "InvoiceLCAmountError"


class DocType(StrEnum):
    METADATA = "Metadata"
    ORIGINAL = "Original"
    CONVERTED = "Converted"
    READABLE_VIEW = "ReadableView"


NotOnlyUuid = Annotated[MachineText, Field(max_length=64)]
Sha256 = Annotated[str, Field(pattern=r"^[a-f0-9]{64}$")]


class _Annex(BaseModel):
    model_config = ConfigDict(populate_by_name=True, use_enum_values=True)


class _AnnexRequest(RequestModel):
    """A request body of the standard: strict JSON types like every body of this API, but
    members the annex may add in a later minor version are ignored, not refused."""

    model_config = ConfigDict(populate_by_name=True, use_enum_values=True, extra="ignore")


class FlowInfo(_Annex):
    """Signaling of the flow (the `flowInfo` part of a deposit)."""

    trackingId: NotOnlyUuid | None = Field(
        None, description="External identifier the sender tracks the flow by."
    )
    name: str = Field(max_length=255, description="Name of the file")
    processingRule: ProcessingRule | None = None
    flowSyntax: FlowSyntax
    flowProfile: FlowProfile | None = None
    sha256: Sha256 | None = Field(
        None, description="The file's SHA-256 (lower-case hex); checked when given."
    )


class FullFlowInfo(FlowInfo):
    """Identified Flow info: flow info + id + timestamp (the answer to a deposit)."""

    flowId: NotOnlyUuid
    submittedAt: datetime


class AcknowledgementDetail(_Annex):
    level: str = Field(json_schema_extra={"enum": ["Error", "Warning"]})
    item: str = Field(description="Item on which the error refers")
    reasonCode: str = Field(
        description="A ReasonCodeEnum value, or a rule id of the validation (extensible)."
    )
    reasonMessage: str


class Acknowledgement(_Annex):
    status: FlowAckStatus
    details: list[AcknowledgementDetail] | None = Field(None, min_length=1)


class Flow(_Annex):
    """The properties of a Flow resource."""

    trackingId: NotOnlyUuid | None = None
    name: str = Field(max_length=255)
    processingRule: ProcessingRule
    flowSyntax: FlowSyntax
    flowProfile: FlowProfile
    flowId: NotOnlyUuid
    submittedAt: datetime
    updatedAt: datetime
    flowType: FlowType
    processingRuleSource: str = Field(json_schema_extra={"enum": ["Input", "Computed"]})
    flowDirection: FlowDirection
    acknowledgement: Acknowledgement


class SearchFlowFilters(_AnnexRequest):
    """Filtering criteria, at least one is required."""

    updatedAfter: AwareDatetime | None = Field(
        None, description="The comparison with current date is strict : updatedAt > updatedAfter"
    )
    updatedBefore: AwareDatetime | None = None
    processingRule: list[ProcessingRule] | None = None
    flowType: list[FlowType] | None = None
    flowDirection: list[FlowDirection] | None = None
    trackingId: NotOnlyUuid | None = None
    ackStatus: FlowAckStatus | None = None

    @model_validator(mode="after")
    def at_least_one(self) -> SearchFlowFilters:
        if not self.model_fields_set:
            raise ValueError("Au moins un critère de recherche est requis.")
        return self


class SearchFlowParams(_AnnexRequest):
    limit: int = Field(25, ge=1, le=100)
    cursor: MachineText | None = Field(None, max_length=500)
    where: SearchFlowFilters


class SearchFlowContent(_Annex):
    """A set of flows matching criterias, provided into the request."""

    limit: int = 25
    nextCursor: str | None = None
    filters: SearchFlowFilters | None = None
    results: list[Flow] = Field(default_factory=list)


class WebhookParams(_AnnexRequest):
    callbackUrl: MachineText = Field(max_length=2000, json_schema_extra={"format": "uri"})
    flowTypes: list[FlowType] | None = None
    flowDirection: FlowDirection | None = None
    ackStatus: FlowAckStatus | None = None


class WebhookIdParam(_Annex):
    webhookId: uuid.UUID | None = None
    signingKey: str | None = Field(
        None,
        json_schema_extra={"format": "byte"},
        description="Base64 HMAC-SHA256 key of the callbacks' Afnor-Signature.",
    )
    createdAt: datetime | None = None


class Webhook(WebhookIdParam, WebhookParams):
    pass


class WebhookList(_Annex):
    count: int
    # The annex requires `webhookIds` but describes only `webhooks`: both are sent.
    webhookIds: list[uuid.UUID]
    webhooks: list[Webhook] = Field(default_factory=list)


class Error(_Annex):
    """Error code."""

    errorCode: str
    errorMessage: str | None = None
    type: str | None = None
    details: str | None = None
    instance: str | None = None


# --- Comptoir's own view of flows (/api/v1/flows), for the firm's and the company's screens --


class FlowFinding(BaseModel):
    rule_id: str = Field(examples=["BR-FR-08_BT-23"])
    fatal: bool = Field(description="True: the rule rejects the flow; False: a warning.")
    location: str
    message: str


class FlowSummary(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    direction: FlowDirection
    name: str
    syntax: FlowSyntax
    flow_type: FlowType
    ack_status: FlowAckStatus
    lifecycle_status: int | None = Field(
        description="The latest lifecycle status: 200 Déposée, 213 Rejetée…; null while the "
        "flow is being checked."
    )
    invoice_number: str | None
    issue_date: date | None
    tracking_id: str | None
    submitted_at: datetime
    updated_at: datetime
    document_id: uuid.UUID | None = Field(description="The invoice's document, once filed.")
    related_flow_id: uuid.UUID | None = Field(description="A status message's invoice flow.")


class StatusMessage(FlowSummary):
    ppf: PpfTransmission | None = Field(
        description="Its copy for the PPF, for the statuses the PPF must receive (200, 210, "
        "212 under VAT on receipts, 213): whether and when it was transmitted; null otherwise."
    )


class FlowDetail(FlowSummary):
    rules_release: str | None = Field(description="The release of the rules run on the flow.")
    findings: list[FlowFinding]
    acknowledgement: Acknowledgement
    status_messages: list[StatusMessage] = Field(
        description="The lifecycle messages Comptoir issued about this flow."
    )


class FlowPage(Page[FlowSummary]):
    """One page of the flows list."""
