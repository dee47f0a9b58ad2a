"""The PPF's copy of a lifecycle status message (guideline `CDV:einvoicingF2`), made from the
message the parties received, so that both always say the same thing.

The standard's examples (`examples/*/…_POUR_PPF.xml` beside each message) show what changes
between the two, and only that:
- no business process (MDT-2), the guideline `urn.cpro.gouv.fr:1p0:CDV:einvoicingF2` (MDT-3);
- the sending platform named by its matricule (scheme 0238) and name (MDT-19/20), and so is the
  issuer when the platform issued the status (MDT-38/39, role WK); an issuer of another role
  (the seller of a 212 Encaissée, MDT-77 = 23) is kept as it is;
- the PPF as the only recipient (MDT-57…59): id `0000` in scheme 0238, role DFH, which rule
  BR-FR-CDV-02 of release 1.4 requires (the 1.2 examples still say `9998`);
- MDT-97 `ReferenceTypeCode` = the guideline, on each referenced invoice.
Everything else (the invoice's number, type, dates, seller, the status and its reasons, the
amounts cashed of a 212) is the parties' message, unchanged.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from api.validation.intake import CDAR_NS, read
from api.validation.status_message import (
    GUIDELINE_PPF,
    PPF,
    SCHEME_PLATFORM,
    PartyRole,
    StatusParty,
)
from api.validation.types import Syntax

_RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_NS: Final = {"rsm": CDAR_NS, "ram": _RAM}
# What follows MDT-97 in a ReferencedDocument (D22B schema order): it goes before the first.
_AFTER_REFERENCE_TYPE: Final = (
    "LanguageID",
    "Description",
    "FormattedIssueDateTime",
    "IncludedAmount",
    "VersionID",
    "TotalIssueCountNumeric",
    "Status",
    "ProcessConditionCode",
    "ProcessCondition",
    "Type",
    "IssuerTradeParty",
    "RecipientTradeParty",
    "SenderTradeParty",
    "SpecifiedDocumentStatus",
    "ValiditySpecifiedPeriod",
)


class NotAStatusMessage(ValueError):
    """The bytes given are no CDAR status message (a caller's bug, not the user's)."""


def ppf_copy(message: bytes, platform: StatusParty) -> bytes:
    """The PPF's copy of `message` (a CDAR status message for the parties), sent by
    `platform` (its `platform_id` is its matricule, scheme 0238)."""
    if not platform.platform_id:
        raise ValueError("the PPF copy names the sending platform by its matricule")
    parsed = read(message)
    if parsed.syntax is not Syntax.CDAR:
        raise NotAStatusMessage(f"a PPF copy is made from a CDAR message, not {parsed.syntax}")
    root = parsed.tree.getroot()
    # The copy is ours: the notes a generator left in the parties' message stay there.
    for comment in root.xpath("//comment() | //processing-instruction()"):
        parent = comment.getparent()
        if parent is not None:
            parent.remove(comment)
    context = _one(root, "rsm:ExchangedDocumentContext")
    for process in context.findall(f"{{{_RAM}}}BusinessProcessSpecifiedDocumentContextParameter"):
        context.remove(process)
    guideline = _one(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID")
    guideline.text = GUIDELINE_PPF

    document = _one(root, "rsm:ExchangedDocument")
    _name_platform(_one(document, "ram:SenderTradeParty"), platform)
    issuer = document.find(f"{{{_RAM}}}IssuerTradeParty")
    if issuer is not None and _role(issuer) == PartyRole.PLATFORM.value:
        _name_platform(issuer, platform)
    recipients = document.findall(f"{{{_RAM}}}RecipientTradeParty")
    for recipient in recipients:
        document.remove(recipient)
    document.append(_ppf_recipient())

    for referenced in root.iterfind(
        "rsm:AcknowledgementDocument/ram:ReferenceReferencedDocument", namespaces=_NS
    ):
        _set_reference_type(referenced)
    etree.cleanup_namespaces(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _one(node: etree._Element, path: str) -> etree._Element:
    found = node.find(path, namespaces=_NS)
    if found is None:
        raise NotAStatusMessage(f"{path} is missing")
    return found


def _role(party: etree._Element) -> str | None:
    role = party.find(f"{{{_RAM}}}RoleCode")
    return None if role is None or role.text is None else role.text.strip()


def _name_platform(party: etree._Element, platform: StatusParty) -> None:
    """GlobalID (scheme 0238) and Name of the platform, in the schema's place: after an ID,
    before the role."""
    for tag in ("GlobalID", "Name"):
        for old in party.findall(f"{{{_RAM}}}{tag}"):
            party.remove(old)
    position = 1 if party.find(f"{{{_RAM}}}ID") is not None else 0
    global_id = etree.Element(f"{{{_RAM}}}GlobalID", schemeID=SCHEME_PLATFORM)
    global_id.text = platform.platform_id
    party.insert(position, global_id)
    if platform.name:
        name = etree.Element(f"{{{_RAM}}}Name")
        name.text = platform.name[:255]
        party.insert(position + 1, name)


def _ppf_recipient() -> etree._Element:
    recipient = etree.Element(f"{{{_RAM}}}RecipientTradeParty")
    global_id = etree.SubElement(recipient, f"{{{_RAM}}}GlobalID", schemeID=SCHEME_PLATFORM)
    global_id.text = PPF.platform_id
    etree.SubElement(recipient, f"{{{_RAM}}}Name").text = PPF.name
    etree.SubElement(recipient, f"{{{_RAM}}}RoleCode").text = PPF.role.value
    return recipient


def _set_reference_type(referenced: etree._Element) -> None:
    existing = referenced.find(f"{{{_RAM}}}ReferenceTypeCode")
    if existing is not None:
        existing.text = GUIDELINE_PPF
        return
    element = etree.Element(f"{{{_RAM}}}ReferenceTypeCode")
    element.text = GUIDELINE_PPF
    for index, child in enumerate(referenced):
        if isinstance(child.tag, str) and etree.QName(child).localname in _AFTER_REFERENCE_TYPE:
            referenced.insert(index, element)
            return
    referenced.append(element)
