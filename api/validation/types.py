"""What the validation engine answers: the syntax it recognised, the findings of the rules it
ran, the invoice's metadata, or a refusal before any parsing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Syntax(StrEnum):
    """The annex's `FlowSyntax` (Flow Service 1.3.0), minus `FRR` (e-reporting, not handled)."""

    CII = "CII"
    UBL = "UBL"
    FACTURX = "Factur-X"
    CDAR = "CDAR"


class RefusalCode(StrEnum):
    """Why a file was refused before any rule ran; each maps to the annex's `ReasonCode`."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_FORMAT = "unsupported_format"  # neither XML nor PDF
    DTD_FORBIDDEN = "dtd_forbidden"  # a DOCTYPE: entities, XXE, billion laughs
    MALFORMED_XML = "malformed_xml"
    UNKNOWN_DOCUMENT = "unknown_document"  # well-formed XML that is no invoice nor CDAR
    PDF_WITHOUT_INVOICE = "pdf_without_invoice"  # a PDF with no Factur-X XML attached
    UNREADABLE_PDF = "unreadable_pdf"
    SYNTAX_MISMATCH = "syntax_mismatch"  # the declared flowSyntax is not what the file is

    @property
    def reason_code(self) -> str:
        """The annex's `ReasonCodeEnum` value for an acknowledgement detail."""
        return _REASON_CODES[self]


_REASON_CODES: dict[RefusalCode, str] = {
    RefusalCode.EMPTY: "EmptyFlow",
    RefusalCode.TOO_LARGE: "FileSizeExceeded",
    RefusalCode.UNSUPPORTED_FORMAT: "FlowTypeError",
    RefusalCode.DTD_FORBIDDEN: "InvalidSchema",
    RefusalCode.MALFORMED_XML: "InvalidSchema",
    RefusalCode.UNKNOWN_DOCUMENT: "FlowTypeError",
    RefusalCode.PDF_WITHOUT_INVOICE: "FlowTypeError",
    RefusalCode.UNREADABLE_PDF: "FlowTypeError",
    RefusalCode.SYNTAX_MISMATCH: "FlowTypeError",
}


class Refused(Exception):
    """The file was refused before validation: nothing of it should be kept as a flow.

    `message` is French, fit to show to the depositor."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def reason_code(self) -> str:
        return self.code.reason_code


class Stage(StrEnum):
    """Which check produced a finding."""

    PDF = "pdf"  # what a Factur-X PDF declares (api.validation.pdf): not a PDF/A validation
    SCHEMA = "schema"  # XML Schema (XSD)
    RULES = "rules"  # Schematron (EN 16931, BR-FR, CDAR), as SVRL


@dataclass(frozen=True, slots=True)
class Finding:
    """One failed assertion (or XSD error): the rule's id, whether it rejects the file, where
    (an XPath for rules, `line N` for the schema) and the rule's own message (French for BR-FR
    and CDAR, English for EN 16931)."""

    rule_id: str
    fatal: bool
    location: str
    message: str
    stage: Stage = Stage.RULES
    rule_set: str = ""  # e.g. "EN16931-CII", "BR-FR-CII", "CDAR", "XSD"


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    """The metadata of an invoice (or of the invoice a CDAR message is about), for the flow
    store and the documents list. Every field is optional: a file failing the rules may miss
    any of them."""

    number: str | None = None  # BT-1
    type_code: str | None = None  # BT-3 (380 invoice, 381 credit note…)
    issue_date: date | None = None  # BT-2
    currency: str | None = None  # BT-5
    total_without_vat: Decimal | None = None  # BT-109
    total_with_vat: Decimal | None = None  # BT-112
    seller_name: str | None = None  # BT-27
    seller_siren: str | None = None  # BT-30 (scheme 0002)
    seller_siret: str | None = None  # BT-29 / BT-30 (scheme 0009)
    buyer_name: str | None = None  # BT-44
    buyer_siren: str | None = None  # BT-47
    buyer_siret: str | None = None  # BT-46 (scheme 0009)
    buyer_routing_code: str | None = None  # BT-49 electronic address (scheme 0225) routing part
    profile: str | None = None  # BT-24 (CII guideline id, UBL CustomizationID; MDT-3 for CDAR)
    business_process: str | None = None  # BT-23 (UBL ProfileID, CII business process; MDT-2)
    total_vat: Decimal | None = None  # BT-110
    due_date: date | None = None  # BT-9
    seller_vat_number: str | None = None  # BT-31
    buyer_vat_number: str | None = None  # BT-48
    buyer_electronic_address: str | None = None  # BT-49
    seller_electronic_address: str | None = None  # BT-34
    status_code: str | None = None  # CDAR only: MDT-105, the lifecycle status (200, 213…)
    # BT-8, when the VAT becomes due, in the semantic model's UNTDID 2005 whatever the syntax
    # (CII's 5 / 29 / 72 read as 3 / 35 / 432): 3 invoice date, 35 delivery date, 432 paid to
    # date, i.e. « TVA sur les encaissements ».
    vat_due_date_code: str | None = None
    # The business terms whose value is there but unreadable ("BT-109" for a total that is no
    # number, "BT-2" for a date in no known format): their field is None, as if missing.
    unreadable: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of one validation. `xml` is the document the rules ran on: the file itself,
    or the XML extracted from a Factur-X PDF."""

    syntax: Syntax | None
    profile: str | None
    rules_release: str
    findings: tuple[Finding, ...]
    facts: InvoiceFacts | None
    xml: bytes | None
    rule_sets: tuple[str, ...] = ()  # the rule files run, e.g. ("XSD", "EN16931-CII", "BR-FR-CII")

    @property
    def valid(self) -> bool:
        """No fatal finding (warnings do not reject a flow)."""
        return not any(finding.fatal for finding in self.findings)

    @property
    def fatal_findings(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.fatal)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if not finding.fatal)
