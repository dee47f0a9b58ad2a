"""Lifecycle status messages (CDAR D22B, « CDV ») for an invoice: any status of the reform
(the catalogue of statuses is `api.lifecycle`'s; this module only writes the message).

The shape follows the standard's use-case messages (`examples/UC1`, `UC2`): a message to the
parties (guideline `urn.cpro.gouv.fr:1p0:CDV:invoice`, business process `REGULATED`), and its
copy for the PPF (guideline `…:CDV:einvoicingF2`, the PPF as the only recipient, the platform
named as sender and issuer by its matricule, no business process), which rule BR-FR-CDV-02 of
release 1.4 recognises by the PPF's id `0000` (scheme 0238), not `9998` as the 1.2 examples say.
Every message this module builds passes the shipped CDAR schema and rules (tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final, Protocol, TypeAlias
from zoneinfo import ZoneInfo

from lxml import etree

from api.validation.intake import CDAR_NS, safe_parse
from api.validation.types import InvoiceFacts, Report

_RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_UDT: Final = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
_QDT: Final = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
_NSMAP: Final = {"rsm": CDAR_NS, "ram": _RAM, "udt": _UDT, "qdt": _QDT}

GUIDELINE_INVOICE: Final = "urn.cpro.gouv.fr:1p0:CDV:invoice"
GUIDELINE_PPF: Final = "urn.cpro.gouv.fr:1p0:CDV:einvoicingF2"
SCHEME_SIREN: Final = "0002"
SCHEME_PLATFORM: Final = "0238"  # the PPF's registry of platforms (PA matricules)
SCHEME_DIRECTORY_ADDRESS: Final = "0225"
# Document type 305 « Application response » (MDT-77): a platform's status on an invoice.
_ACKNOWLEDGEMENT_TYPE: Final = "305"
# The standard dates statuses in French local time (format 204, no zone).
_PARIS: Final = ZoneInfo("Europe/Paris")
MAX_REASONS: Final = 50

Element: TypeAlias = etree._Element


class StatusCode(Protocol):
    """What a message needs to know of its status (`api.lifecycle.Status` is one)."""

    @property
    def value(self) -> str: ...  # MDT-105

    @property
    def cdar_label(self) -> str: ...  # MDT-106

    @property
    def document_status_code(self) -> str: ...  # MDT-88 (BR-FR-CDV-CL-05)

    @property
    def acknowledgement_type(self) -> str: ...  # MDT-77: 305 transmission, 23 processing


class LifecycleStatus(StrEnum):
    """MDT-105: the two statuses validation itself decides (the whole list is
    `api.lifecycle.Status`)."""

    DEPOSEE = "200"
    REJETEE = "213"

    @property
    def label(self) -> str:  # MDT-106
        return {"200": "Déposée", "213": "Rejetée"}[self.value]

    @property
    def cdar_label(self) -> str:
        return self.label

    @property
    def document_status_code(self) -> str:  # MDT-88 (UNCL 1373 subset of BR-FR-CDV-CL-05)
        return {"200": "10", "213": "8"}[self.value]

    @property
    def acknowledgement_type(self) -> str:
        return _ACKNOWLEDGEMENT_TYPE


class PartyRole(StrEnum):
    """MDT-59 role codes used here."""

    SELLER = "SE"
    BUYER = "BY"
    PLATFORM = "WK"
    PPF = "DFH"


@dataclass(frozen=True, slots=True)
class StatusParty:
    role: PartyRole
    name: str | None = None
    siren: str | None = None  # GlobalID, scheme 0002
    platform_id: str | None = None  # GlobalID, scheme 0238: a PA's matricule, 0000 the PPF
    electronic_address: str | None = None  # URIID, scheme 0225 (directory address)


PPF: Final = StatusParty(role=PartyRole.PPF, name="PPF", platform_id="0000")


@dataclass(frozen=True, slots=True)
class StatusReason:
    """One status detail (MDG-37): MDT-113 code, MDT-114 label, MDT-126 note, and the action
    expected from the other party (MDT-121 code, MDT-122 text: « CNF », « Créer un Avoir
    total »)."""

    code: str
    reason: str
    note: str | None = None
    action_code: str | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True)
class StatusCharacteristic:
    """A datum of a status detail (MDG-43): « MPA » the amount paid (211), « MEN » the amount
    cashed and its VAT rate (212, BR-FR-CDV-14), « DIV » / « DVA » a wrong value and the right
    one (207)."""

    type_code: str  # MDT-207
    amount: Decimal | None = None  # MDT-215
    currency: str = "EUR"
    percent: Decimal | None = None  # MDT-224
    value_date: date | None = None  # MDT-219
    changed: bool = False  # MDT-209
    term_id: str | None = None  # MDT-206 (« BT-152 »)
    name: str | None = None  # MDT-211
    location: str | None = None  # MDT-213


# MDT-113 for 213 when the file fails its rules or its schema: « rejet sémantique ».
REJECTED_BY_RULES: Final = "REJ_SEMAN"


def rejection_reasons(report: Report, *, limit: int = MAX_REASONS) -> tuple[StatusReason, ...]:
    """The reasons of a 213 for a report with fatal findings: one detail per rule broken."""
    return tuple(
        StatusReason(
            code=REJECTED_BY_RULES,
            reason=f"Règle {finding.rule_id} non respectée",
            note=finding.message[:1024] or None,
        )
        for finding in report.fatal_findings[:limit]
    )


def build_status_message(
    *,
    status: StatusCode,
    invoice: InvoiceFacts,
    platform: StatusParty,
    recipients: Sequence[StatusParty],
    status_at: datetime,
    reasons: Sequence[StatusReason] = (),
    characteristics: Sequence[StatusCharacteristic] = (),
    issuer: StatusParty | None = None,
    received_at: datetime | None = None,
    for_ppf: bool = False,
    issued_at: datetime | None = None,
    message_id: str | None = None,
    name: str | None = None,
    business_process: str = "REGULATED",
) -> bytes:
    """A CDAR message saying `status` about `invoice`, from `platform` to `recipients` (or, with
    `for_ppf`, its copy for the PPF, whose only recipient is the PPF).

    `invoice` needs its number (BT-1) and should have its type (BT-3), issue date (BT-2) and
    seller SIREN; `status_at` is when the status was reached (MDT-78), `received_at` when the
    invoice reached the emitter's side (MDT-95: deposit for the seller, reception for the
    buyer; default `status_at`). A processing status (MDT-77 « 23 ») names its `issuer`, the
    buyer or the seller (MDT-38…40); a platform's status is issued by the platform (« WK »).
    Statuses 206, 207, 208, 210 and 213 need at least one reason (BR-FR-CDV-15); the reasons
    and the characteristics go in one status detail each, numbered (BR-FR-CDV-16)."""
    if not invoice.number:
        raise ValueError("a status message names its invoice: BT-1 is missing")
    if status.value in _NEEDS_REASON and not reasons:
        raise ValueError(f"a {status.value} carries at least one reason (BR-FR-CDV-15)")
    issued_at = issued_at or datetime.now(UTC)
    type_code = invoice.type_code or "380"
    issue_date = invoice.issue_date.strftime("%Y%m%d") if invoice.issue_date else None
    status_stamp = cdar_stamp(status_at)
    received_stamp = cdar_stamp(received_at or status_at)
    message_id = message_id or (
        f"{invoice.number}_{status.value}_{received_stamp}#{type_code}_{issue_date or ''}"
    )

    root = etree.Element(f"{{{CDAR_NS}}}CrossDomainAcknowledgementAndResponse", nsmap=_NSMAP)
    context = _sub(root, CDAR_NS, "ExchangedDocumentContext")
    if not for_ppf:
        process = _sub(context, _RAM, "BusinessProcessSpecifiedDocumentContextParameter")
        _sub(process, _RAM, "ID", business_process)
    guideline = GUIDELINE_PPF if for_ppf else GUIDELINE_INVOICE
    _sub(_sub(context, _RAM, "GuidelineSpecifiedDocumentContextParameter"), _RAM, "ID", guideline)

    document = _sub(root, CDAR_NS, "ExchangedDocument")
    _sub(document, _RAM, "ID", message_id[:255])
    _sub(document, _RAM, "Name", (name or f"{invoice.number}-CDV-{status.value}")[:255])
    _date_time(_sub(document, _RAM, "IssueDateTime"), _UDT, "204", cdar_stamp(issued_at))
    # The PPF copy names the platform by its matricule; the parties' copy by its role only.
    sender = platform if for_ppf else StatusParty(role=PartyRole.PLATFORM)
    _party(_sub(document, _RAM, "SenderTradeParty"), sender, role=PartyRole.PLATFORM)
    if issuer is None:
        _party(_sub(document, _RAM, "IssuerTradeParty"), sender, role=PartyRole.PLATFORM)
    else:
        # The emitting party by its SIREN and name, never its address (MDT-38…40).
        named = StatusParty(role=issuer.role, name=issuer.name, siren=issuer.siren)
        _party(_sub(document, _RAM, "IssuerTradeParty"), named, role=issuer.role)
    for recipient in (PPF,) if for_ppf else recipients:
        _party(_sub(document, _RAM, "RecipientTradeParty"), recipient, role=recipient.role)

    acknowledgement = _sub(root, CDAR_NS, "AcknowledgementDocument")
    _sub(_sub(acknowledgement, _RAM, "MultipleReferencesIndicator"), _UDT, "Indicator", "false")
    _sub(acknowledgement, _RAM, "TypeCode", status.acknowledgement_type)
    _date_time(_sub(acknowledgement, _RAM, "IssueDateTime"), _UDT, "204", status_stamp)
    referenced = _sub(acknowledgement, _RAM, "ReferenceReferencedDocument")
    _sub(referenced, _RAM, "IssuerAssignedID", invoice.number)
    _sub(referenced, _RAM, "StatusCode", status.document_status_code)
    _sub(referenced, _RAM, "TypeCode", type_code)
    _date_time(_sub(referenced, _RAM, "ReceiptDateTime"), _UDT, "204", received_stamp)
    if for_ppf:
        _sub(referenced, _RAM, "ReferenceTypeCode", GUIDELINE_PPF)
    if issue_date:
        _date_time(_sub(referenced, _RAM, "FormattedIssueDateTime"), _QDT, "102", issue_date)
    _sub(referenced, _RAM, "ProcessConditionCode", status.value)
    _sub(referenced, _RAM, "ProcessCondition", status.cdar_label)
    if invoice.seller_siren:
        seller = _sub(referenced, _RAM, "IssuerTradeParty")
        _sub(seller, _RAM, "GlobalID", invoice.seller_siren).set("schemeID", SCHEME_SIREN)
    sequence = 0
    for reason in reasons[:MAX_REASONS]:
        sequence += 1
        detail = _sub(referenced, _RAM, "SpecifiedDocumentStatus")
        _sub(detail, _RAM, "ReasonCode", reason.code)
        _sub(detail, _RAM, "Reason", reason.reason[:1024])
        if reason.action_code:
            _sub(detail, _RAM, "RequestedActionCode", reason.action_code)
            _sub(detail, _RAM, "RequestedAction", (reason.action or reason.action_code)[:1024])
        _sub(detail, _RAM, "SequenceNumeric", str(sequence))
        if reason.note:
            note = _sub(detail, _RAM, "IncludedNote")
            _sub(note, _RAM, "Content", reason.note[:4096])
            _sub(note, _RAM, "SubjectCode", "AHN")  # UNTDID 4451: additional information
        if sequence == 1:
            # The data of the first detail (207: the wrong value and the right one).
            for characteristic in characteristics:
                _characteristic(detail, characteristic)
    if characteristics and sequence == 0:
        # 211 / 212: the amounts alone, in a detail of their own (numbered: BR-FR-CDV-16, which
        # the 1.2 examples miss).
        detail = _sub(referenced, _RAM, "SpecifiedDocumentStatus")
        _sub(detail, _RAM, "SequenceNumeric", "1")
        for characteristic in characteristics:
            _characteristic(detail, characteristic)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# The statuses BR-FR-CDV-15 wants a reason for.
_NEEDS_REASON: Final = frozenset({"206", "207", "208", "210", "213", "501"})


def _characteristic(detail: Element, characteristic: StatusCharacteristic) -> None:
    element = _sub(detail, _RAM, "SpecifiedDocumentCharacteristic")
    if characteristic.term_id:
        _sub(element, _RAM, "ID", characteristic.term_id)
    _sub(element, _RAM, "TypeCode", characteristic.type_code)
    changed = _sub(element, _RAM, "ValueChangedIndicator")
    _sub(changed, _UDT, "IndicatorString", "true" if characteristic.changed else "false")
    if characteristic.name:
        _sub(element, _RAM, "Name", characteristic.name[:255])
    if characteristic.location:
        _sub(element, _RAM, "Location", characteristic.location[:1024])
    if characteristic.amount is not None:
        amount = _sub(element, _RAM, "ValueAmount", f"{characteristic.amount:.2f}")
        amount.set("currencyID", characteristic.currency)
    if characteristic.value_date is not None:
        _date_time(
            _sub(element, _RAM, "ValueDateTime"),
            _UDT,
            "102",
            characteristic.value_date.strftime("%Y%m%d"),
        )
    if characteristic.percent is not None:
        _sub(element, _RAM, "ValuePercent", f"{characteristic.percent:.2f}")


def _sub(
    parent: etree._Element, namespace: str, tag: str, text: str | None = None
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _date_time(parent: Element, namespace: str, format_code: str, value: str) -> None:
    _sub(parent, namespace, "DateTimeString", value).set("format", format_code)


def cdar_stamp(moment: datetime) -> str:
    """Format 204 (CCYYMMDDHHMMSS), French local time: how CDAR messages write a moment."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_PARIS).strftime("%Y%m%d%H%M%S")


def _party(element: Element, party: StatusParty, *, role: PartyRole) -> None:
    if party.platform_id:
        _sub(element, _RAM, "GlobalID", party.platform_id).set("schemeID", SCHEME_PLATFORM)
    elif party.siren:
        _sub(element, _RAM, "GlobalID", party.siren).set("schemeID", SCHEME_SIREN)
    if party.name:
        _sub(element, _RAM, "Name", party.name[:255])
    _sub(element, _RAM, "RoleCode", role.value)
    if party.electronic_address:
        communication = _sub(element, _RAM, "URIUniversalCommunication")
        _sub(communication, _RAM, "URIID", party.electronic_address).set(
            "schemeID", SCHEME_DIRECTORY_ADDRESS
        )


# --- reading a status message a party deposited -----------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceivedStatus:
    """What a CDAR message says, for the lifecycle to apply it: its id (MDT-4), the status
    (MDT-105), the invoice it names (MDT-87, its seller MDT-129), who issued it (MDT-40 role,
    MDT-38 SIREN), the reasons and the amount paid or cashed with its VAT rate."""

    message_id: str | None
    status_code: str | None
    invoice_number: str | None
    seller_siren: str | None
    issuer_role: str | None
    issuer_siren: str | None
    reasons: tuple[StatusReason, ...] = ()
    amount: Decimal | None = None
    vat_rate: Decimal | None = None
    paid_on: date | None = None


def read_status_message(content: bytes) -> ReceivedStatus:
    """The parts of a CDAR message (already validated) the lifecycle needs. Raises
    `ValueError` on a file that is no readable CDAR."""
    try:
        root = safe_parse(content).getroot()
    except etree.XMLSyntaxError as error:
        raise ValueError(str(error)) from error
    ns = _NSMAP

    def text(node: Element | None, path: str) -> str | None:
        if node is None:
            return None
        found = node.find(path, ns)
        return found.text.strip() if found is not None and found.text else None

    document = root.find("rsm:ExchangedDocument", ns)
    issuer = document.find("ram:IssuerTradeParty", ns) if document is not None else None
    referenced = root.find("rsm:AcknowledgementDocument/ram:ReferenceReferencedDocument", ns)
    issuer_siren = None
    if issuer is not None:
        for global_id in issuer.findall("ram:GlobalID", ns):
            if global_id.get("schemeID") == SCHEME_SIREN and global_id.text:
                issuer_siren = global_id.text.strip()
    reasons: list[StatusReason] = []
    amount = vat_rate = None
    paid_on = None
    if referenced is not None:
        for detail in referenced.findall("ram:SpecifiedDocumentStatus", ns):
            code = text(detail, "ram:ReasonCode")
            if code:
                reasons.append(
                    StatusReason(
                        code=code,
                        reason=text(detail, "ram:Reason") or code,
                        note=text(detail, "ram:IncludedNote/ram:Content"),
                        action_code=text(detail, "ram:RequestedActionCode"),
                        action=text(detail, "ram:RequestedAction"),
                    )
                )
            for characteristic in detail.findall("ram:SpecifiedDocumentCharacteristic", ns):
                if text(characteristic, "ram:TypeCode") not in ("MPA", "MEN"):
                    continue
                amount = _decimal_or_none(text(characteristic, "ram:ValueAmount"))
                vat_rate = _decimal_or_none(text(characteristic, "ram:ValuePercent"))
                day = text(characteristic, "ram:ValueDateTime/udt:DateTimeString")
                if day and len(day) == 8 and day.isdigit():
                    paid_on = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    return ReceivedStatus(
        message_id=text(document, "ram:ID"),
        status_code=text(referenced, "ram:ProcessConditionCode"),
        invoice_number=text(referenced, "ram:IssuerAssignedID"),
        seller_siren=text(referenced, "ram:IssuerTradeParty/ram:GlobalID"),
        issuer_role=text(issuer, "ram:RoleCode"),
        issuer_siren=issuer_siren,
        reasons=tuple(reasons),
        amount=amount,
        vat_rate=vat_rate,
        paid_on=paid_on,
    )


def _decimal_or_none(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except ArithmeticError:
        return None
