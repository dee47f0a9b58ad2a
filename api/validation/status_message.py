"""Lifecycle status messages (CDAR D22B, « CDV ») for an invoice: 200 Déposée, 213 Rejetée.

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
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final, TypeAlias
from zoneinfo import ZoneInfo

from lxml import etree

from api.validation.intake import CDAR_NS
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


class LifecycleStatus(StrEnum):
    """MDT-105, the statuses this step produces."""

    DEPOSEE = "200"
    REJETEE = "213"

    @property
    def label(self) -> str:  # MDT-106
        return {"200": "Déposée", "213": "Rejetée"}[self.value]

    @property
    def document_status_code(self) -> str:  # MDT-88 (UNCL 4343 subset of BR-FR-CDV-CL-05)
        return {"200": "10", "213": "8"}[self.value]


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
    """One status detail (MDG-37): MDT-113 code, MDT-114 label, MDT-126 note."""

    code: str
    reason: str
    note: str | None = None


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
    status: LifecycleStatus,
    invoice: InvoiceFacts,
    platform: StatusParty,
    recipients: Sequence[StatusParty],
    status_at: datetime,
    reasons: Sequence[StatusReason] = (),
    for_ppf: bool = False,
    issued_at: datetime | None = None,
    message_id: str | None = None,
    name: str | None = None,
    business_process: str = "REGULATED",
) -> bytes:
    """A CDAR message saying `status` about `invoice`, from `platform` to `recipients` (or, with
    `for_ppf`, its copy for the PPF, whose only recipient is the PPF).

    `invoice` needs its number (BT-1) and should have its type (BT-3), issue date (BT-2) and
    seller SIREN; `status_at` is when the status was reached (deposit time for 200).
    A 213 needs at least one reason (BR-FR-CDV-15)."""
    if not invoice.number:
        raise ValueError("a status message names its invoice: BT-1 is missing")
    if status is LifecycleStatus.REJETEE and not reasons:
        raise ValueError("a 213 Rejetée carries at least one reason (BR-FR-CDV-15)")
    issued_at = issued_at or datetime.now(UTC)
    type_code = invoice.type_code or "380"
    issue_date = invoice.issue_date.strftime("%Y%m%d") if invoice.issue_date else None
    status_stamp = _stamp(status_at)
    message_id = message_id or (
        f"{invoice.number}_{status.value}_{status_stamp}#{type_code}_{issue_date or ''}"
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
    _date_time(_sub(document, _RAM, "IssueDateTime"), _UDT, "204", _stamp(issued_at))
    # The PPF copy names the platform by its matricule; the parties' copy by its role only.
    sender = platform if for_ppf else StatusParty(role=PartyRole.PLATFORM)
    _party(_sub(document, _RAM, "SenderTradeParty"), sender, role=PartyRole.PLATFORM)
    _party(_sub(document, _RAM, "IssuerTradeParty"), sender, role=PartyRole.PLATFORM)
    for recipient in (PPF,) if for_ppf else recipients:
        _party(_sub(document, _RAM, "RecipientTradeParty"), recipient, role=recipient.role)

    acknowledgement = _sub(root, CDAR_NS, "AcknowledgementDocument")
    _sub(_sub(acknowledgement, _RAM, "MultipleReferencesIndicator"), _UDT, "Indicator", "false")
    _sub(acknowledgement, _RAM, "TypeCode", _ACKNOWLEDGEMENT_TYPE)
    _date_time(_sub(acknowledgement, _RAM, "IssueDateTime"), _UDT, "204", status_stamp)
    referenced = _sub(acknowledgement, _RAM, "ReferenceReferencedDocument")
    _sub(referenced, _RAM, "IssuerAssignedID", invoice.number)
    _sub(referenced, _RAM, "StatusCode", status.document_status_code)
    _sub(referenced, _RAM, "TypeCode", type_code)
    _date_time(_sub(referenced, _RAM, "ReceiptDateTime"), _UDT, "204", status_stamp)
    if for_ppf:
        _sub(referenced, _RAM, "ReferenceTypeCode", GUIDELINE_PPF)
    if issue_date:
        _date_time(_sub(referenced, _RAM, "FormattedIssueDateTime"), _QDT, "102", issue_date)
    _sub(referenced, _RAM, "ProcessConditionCode", status.value)
    _sub(referenced, _RAM, "ProcessCondition", status.label)
    if invoice.seller_siren:
        issuer = _sub(referenced, _RAM, "IssuerTradeParty")
        _sub(issuer, _RAM, "GlobalID", invoice.seller_siren).set("schemeID", SCHEME_SIREN)
    for sequence, reason in enumerate(reasons[:MAX_REASONS], start=1):
        detail = _sub(referenced, _RAM, "SpecifiedDocumentStatus")
        _sub(detail, _RAM, "ReasonCode", reason.code)
        _sub(detail, _RAM, "Reason", reason.reason[:1024])
        _sub(detail, _RAM, "SequenceNumeric", str(sequence))
        if reason.note:
            note = _sub(detail, _RAM, "IncludedNote")
            _sub(note, _RAM, "Content", reason.note[:4096])
            _sub(note, _RAM, "SubjectCode", "AHN")  # UNTDID 4451: additional information
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _sub(
    parent: etree._Element, namespace: str, tag: str, text: str | None = None
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _date_time(parent: Element, namespace: str, format_code: str, value: str) -> None:
    _sub(parent, namespace, "DateTimeString", value).set("format", format_code)


def _stamp(moment: datetime) -> str:
    """Format 204 (CCYYMMDDHHMMSS), French local time."""
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
