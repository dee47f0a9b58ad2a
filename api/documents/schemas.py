"""What the documents API accepts and shows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from api.core.input import HumanText, RequestModel
from api.core.pagination import Page, PageParams
from api.models.document import DocumentSource, DocumentType


def _decimal_string(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


Money = Annotated[
    str,
    BeforeValidator(_decimal_string),
    Field(description="Decimal string with two decimals, e.g. `1234.50`.", examples=["1234.50"]),
]


class DocumentListItem(BaseModel):
    """One line of the cross-client list."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client_id: uuid.UUID
    folder_id: uuid.UUID | None
    type: DocumentType
    title: str
    original_filename: str
    media_type: str
    size: int = Field(description="Bytes.")
    document_date: date
    period_start: date | None
    period_end: date | None
    source: DocumentSource
    created_at: datetime
    einvoice_status: str | None = Field(
        description="`recognised`, `invalid` (see `einvoice_error`), `unrecognised`, or null "
        "for files that cannot be an e-invoice (images…)."
    )
    einvoice_format: str | None = Field(description="`facturx`, `cii` or `ubl`.")
    invoice_number: str | None
    seller_name: str | None
    buyer_name: str | None
    total_excl_vat: Money | None
    total_vat: Money | None
    total_incl_vat: Money | None
    currency: str | None


class DocumentOut(DocumentListItem):
    """A document's metadata, with everything read from its e-invoice."""

    sha256: str
    uploaded_by: uuid.UUID
    einvoice_error: str | None = Field(description="Why the e-invoice could not be read (fr).")
    invoice_type_code: str | None
    issue_date: date | None
    due_date: date | None
    seller_siren: str | None
    seller_vat_number: str | None
    buyer_siren: str | None
    buyer_vat_number: str | None


class TypeCounts(BaseModel):
    invoice: int
    statement: int
    shared: int
    other: int


DocumentSort = Literal["-date", "date", "-amount", "amount"]


class DocumentListParams(PageParams):
    """The query parameters of the cross-client documents list."""

    client_id: uuid.UUID | None = None
    type: DocumentType | None = None
    date_from: date | None = Field(None, description="Document date on or after.")
    date_to: date | None = Field(None, description="Document date on or before.")
    folder_id: uuid.UUID | None = None
    q: HumanText | None = Field(
        None,
        min_length=2,
        max_length=100,
        description="Text in the title, file name, invoice number or counterpart "
        "(seller or buyer name, or SIREN).",
    )
    sort: DocumentSort = "-date"


class DocumentPage(Page[DocumentListItem]):
    counts: TypeCounts | None = Field(
        description="Documents per type matching the other filters; first page only."
    )


class DocumentUpdate(RequestModel):
    """Fields to change; absent fields stay. `folder_id: null` moves to the top level."""

    type: DocumentType | None = None
    title: HumanText | None = Field(default=None, min_length=1, max_length=255)
    folder_id: uuid.UUID | None = None
    document_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None


class FolderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client_id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    created_at: datetime


class FolderPage(Page[FolderOut]):
    pass


class FolderCreate(RequestModel):
    client_id: uuid.UUID | None = Field(
        default=None,
        description="The client. Required for a firm's users: omitted, it is a 422 "
        "`client-required` unless the caller reaches exactly one client, as a company user "
        "does (their own space).",
    )
    name: HumanText = Field(min_length=1, max_length=120, examples=["Contrats"])
    parent_id: uuid.UUID | None = None


class FolderUpdate(RequestModel):
    """Rename (`name`) and/or move (`parent_id`; null: to the top level)."""

    name: HumanText | None = Field(default=None, min_length=1, max_length=120)
    parent_id: uuid.UUID | None = None
