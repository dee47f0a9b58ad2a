"""The invoice metadata a flow is stored and searched by, read from a parsed CII, UBL or CDAR.

Reading never raises: a value that is missing or unreadable is `None`; the rules say why, and
`InvoiceFacts.unreadable` names the business terms whose value was there but could not be read
(an amount that is no number, a date in no known format), for callers that run no rules.
French identifiers come from their ISO/IEC 6523 schemes: 0002 SIREN, 0009 SIRET, 0224 routing
code, and 0225 for the directory address « SIREN[_SIRET[_code routage]] » or « SIREN_suffixe ».
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final, TypeAlias, TypedDict

from lxml import etree

from api.validation.intake import (
    CDAR_NS,
    CII_NS,
    DEFAULT_MAX_BYTES,
    UBL_CREDIT_NOTE_NS,
    UBL_INVOICE_NS,
    read,
)
from api.validation.types import InvoiceFacts, Syntax

_RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_NS: Final = {
    "rsm": CII_NS,
    "cdar": CDAR_NS,
    "ram": _RAM,
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "inv": UBL_INVOICE_NS,
    "cn": UBL_CREDIT_NOTE_NS,
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
SCHEME_SIREN: Final = "0002"
SCHEME_SIRET: Final = "0009"
SCHEME_ROUTING_CODE: Final = "0224"
SCHEME_DIRECTORY_ADDRESS: Final = "0225"

_SIREN: Final = re.compile(r"\d{9}")
_SIRET: Final = re.compile(r"\d{14}")

Element: TypeAlias = etree._Element


def read_facts(
    content: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Syntax, InvoiceFacts]:
    """The intake (every refusal, DTDs first) then the facts, and no rule: for a caller that
    indexes invoices without validating them (the documents). Raises `Refused`."""
    parsed = read(content, max_bytes=max_bytes)
    return parsed.syntax, extract(parsed.syntax, parsed.tree)


def extract(syntax: Syntax, tree: etree._ElementTree) -> InvoiceFacts:
    root = tree.getroot()
    if syntax is Syntax.UBL:
        return _ubl(root)
    if syntax is Syntax.CDAR:
        return _cdar(root)
    return _cii(root)


# --- small readers -------------------------------------------------------------------------


# Compiled once per thread (each deposit's facts are read in a worker thread; an lxml XPath
# object is kept to the thread that made it): `node.xpath(path)` compiled the expression on
# every call, two thirds of the cost of reading an invoice's facts.
_compiled = threading.local()


def _xpath(path: str) -> etree.XPath:
    expressions: dict[str, etree.XPath] | None = getattr(_compiled, "expressions", None)
    if expressions is None:
        expressions = _compiled.expressions = {}
    expression = expressions.get(path)
    if expression is None:
        expression = expressions[path] = etree.XPath(path, namespaces=_NS)
    return expression


def _first(node: Element, path: str) -> Element | None:
    found = _xpath(path)(node)
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0]
    return None


def _all(node: Element, path: str) -> list[Element]:
    found = _xpath(path)(node)
    return (
        [item for item in found if isinstance(item, etree._Element)]
        if isinstance(found, list)
        else []
    )


def _text(node: Element | None, path: str | None = None) -> str | None:
    element = node if path is None or node is None else _first(node, path)
    if element is None or element.text is None:
        return None
    value = " ".join(element.text.split())
    return value[:512] or None


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _date_102(value: str | None) -> date | None:
    if value is None or not re.fullmatch(r"\d{8}", value):
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _iso_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


class _Values:
    """Typed values, remembering the business terms present but unreadable."""

    def __init__(self) -> None:
        self.unreadable: list[str] = []

    def _check(self, term: str, raw: str | None, value: object) -> None:
        if raw is not None and value is None and term not in self.unreadable:
            self.unreadable.append(term)

    def decimal(self, term: str, raw: str | None) -> Decimal | None:
        value = _decimal(raw)
        self._check(term, raw, value)
        return value

    def amount_in(self, term: str, elements: list[Element], currency: str | None) -> Decimal | None:
        for element in elements:
            if currency is None or element.get("currencyID") in (None, currency):
                return self.decimal(term, _text(element))
        return self.decimal(term, _text(elements[0])) if elements else None

    def date_102(self, term: str, raw: str | None) -> date | None:
        value = _date_102(raw)
        self._check(term, raw, value)
        return value

    def iso_date(self, term: str, raw: str | None) -> date | None:
        value = _iso_date(raw)
        self._check(term, raw, value)
        return value


class _Party:
    """Identifiers gathered from a party, whatever element carried them."""

    def __init__(self) -> None:
        self.siren: str | None = None
        self.siret: str | None = None
        self.routing_code: str | None = None

    def add(self, scheme: str | None, value: str | None) -> None:
        if not value:
            return
        compact = re.sub(r"\s", "", value)
        if scheme == SCHEME_SIREN and _SIREN.fullmatch(compact):
            self.siren = self.siren or compact
        elif scheme == SCHEME_SIRET and _SIRET.fullmatch(compact):
            self.siret = self.siret or compact
            self.siren = self.siren or compact[:9]
        elif scheme == SCHEME_ROUTING_CODE:
            self.routing_code = self.routing_code or compact
        elif scheme == SCHEME_DIRECTORY_ADDRESS:
            self.add_directory_address(compact)

    def add_directory_address(self, address: str) -> None:
        siren, _, rest = address.partition("_")
        if not _SIREN.fullmatch(siren):
            return
        self.siren = self.siren or siren
        siret, _, routing_code = rest.partition("_")
        if _SIRET.fullmatch(siret):
            self.siret = self.siret or siret
            if routing_code:
                self.routing_code = self.routing_code or routing_code


def _scheme_values(elements: list[Element]) -> list[tuple[str | None, str | None]]:
    return [(element.get("schemeID"), _text(element)) for element in elements]


@dataclass(frozen=True, slots=True)
class _PartyPaths:
    """Where a syntax keeps a party's name (the first path found), its identifiers, its
    electronic address and its VAT number."""

    names: tuple[str, ...]
    ids: str
    address: str
    vat: str


class _PartyFields(TypedDict):
    seller_name: str | None
    seller_siren: str | None
    seller_siret: str | None
    seller_vat_number: str | None
    seller_electronic_address: str | None
    buyer_name: str | None
    buyer_siren: str | None
    buyer_siret: str | None
    buyer_routing_code: str | None
    buyer_vat_number: str | None
    buyer_electronic_address: str | None


def _party(
    party: Element | None, paths: _PartyPaths
) -> tuple[str | None, _Party, str | None, str | None]:
    """A party's name, identifiers, VAT number and electronic address."""
    ids = _Party()
    if party is None:
        return None, ids, None, None
    for scheme, value in _scheme_values(_all(party, paths.ids)):
        ids.add(scheme, value)
    address = _first(party, paths.address)
    if address is not None:
        ids.add(address.get("schemeID"), _text(address))
    name = next((found for path in paths.names if (found := _text(party, path))), None)
    return name, ids, _text(party, paths.vat), _text(address)


def _parties(seller: Element | None, buyer: Element | None, paths: _PartyPaths) -> _PartyFields:
    """The seller's and the buyer's facts, read the same way in every syntax."""
    seller_name, seller_ids, seller_vat, seller_address = _party(seller, paths)
    buyer_name, buyer_ids, buyer_vat, buyer_address = _party(buyer, paths)
    return _PartyFields(
        seller_name=seller_name,
        seller_siren=seller_ids.siren,
        seller_siret=seller_ids.siret,
        seller_vat_number=seller_vat,
        seller_electronic_address=seller_address,
        buyer_name=buyer_name,
        buyer_siren=buyer_ids.siren,
        buyer_siret=buyer_ids.siret,
        buyer_routing_code=buyer_ids.routing_code,
        buyer_vat_number=buyer_vat,
        buyer_electronic_address=buyer_address,
    )


# --- UN/CEFACT CII (alone or in a Factur-X) --------------------------------------------------

_CII_PARTY = _PartyPaths(
    names=("ram:Name",),
    ids="ram:SpecifiedLegalOrganization/ram:ID | ram:GlobalID | ram:ID",
    address="ram:URIUniversalCommunication/ram:URIID",
    vat="ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
)


# BT-8 in the semantic model (EN 16931) is UNTDID 2005, as UBL writes it; CII's binding writes
# UNTDID 2475: 5 invoice date → 3, 29 delivery date → 35, 72 paid to date → 432.
_CII_VAT_DUE_DATE_CODES: Final = {"5": "3", "29": "35", "72": "432"}


def _vat_due_date_code(cii_code: str | None) -> str | None:
    if cii_code is None:
        return None
    return _CII_VAT_DUE_DATE_CODES.get(cii_code, cii_code)


def _cii(root: Element) -> InvoiceFacts:
    values = _Values()
    agreement = _first(root, "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement")
    settlement = _first(root, "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement")
    currency = _text(settlement, "ram:InvoiceCurrencyCode")
    totals = (
        None
        if settlement is None
        else _first(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    )
    parties = _parties(
        None if agreement is None else _first(agreement, "ram:SellerTradeParty"),
        None if agreement is None else _first(agreement, "ram:BuyerTradeParty"),
        _CII_PARTY,
    )
    return InvoiceFacts(
        number=_text(root, "rsm:ExchangedDocument/ram:ID"),
        type_code=_text(root, "rsm:ExchangedDocument/ram:TypeCode"),
        issue_date=values.date_102(
            "BT-2", _text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
        ),
        currency=currency,
        total_without_vat=values.decimal("BT-109", _text(totals, "ram:TaxBasisTotalAmount")),
        total_with_vat=values.decimal("BT-112", _text(totals, "ram:GrandTotalAmount")),
        total_vat=None
        if totals is None
        else values.amount_in("BT-110", _all(totals, "ram:TaxTotalAmount"), currency),
        due_date=values.date_102(
            "BT-9",
            _text(
                settlement,
                "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
            ),
        ),
        **parties,
        profile=_text(
            root,
            "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        ),
        business_process=_text(
            root,
            "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter"
            "/ram:ID",
        ),
        vat_due_date_code=_vat_due_date_code(
            _text(settlement, "ram:ApplicableTradeTax/ram:DueDateTypeCode")
        ),
        unreadable=tuple(values.unreadable),  # last: after every value was read
    )


# --- OASIS UBL -----------------------------------------------------------------------------

_UBL_PARTY = _PartyPaths(
    names=("cac:PartyLegalEntity/cbc:RegistrationName", "cac:PartyName/cbc:Name"),
    ids="cac:PartyLegalEntity/cbc:CompanyID | cac:PartyIdentification/cbc:ID",
    address="cbc:EndpointID",
    vat="cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
)


def _ubl(root: Element) -> InvoiceFacts:
    values = _Values()
    currency = _text(root, "cbc:DocumentCurrencyCode")
    totals = _first(root, "cac:LegalMonetaryTotal")
    parties = _parties(
        _first(root, "cac:AccountingSupplierParty/cac:Party"),
        _first(root, "cac:AccountingCustomerParty/cac:Party"),
        _UBL_PARTY,
    )
    return InvoiceFacts(
        number=_text(root, "cbc:ID"),
        type_code=_text(root, "cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode"),
        issue_date=values.iso_date("BT-2", _text(root, "cbc:IssueDate")),
        currency=currency,
        total_without_vat=values.decimal("BT-109", _text(totals, "cbc:TaxExclusiveAmount")),
        total_with_vat=values.decimal("BT-112", _text(totals, "cbc:TaxInclusiveAmount")),
        total_vat=values.amount_in("BT-110", _all(root, "cac:TaxTotal/cbc:TaxAmount"), currency),
        due_date=values.iso_date(
            "BT-9", _text(root, "cbc:DueDate") or _text(root, "cac:PaymentMeans/cbc:PaymentDueDate")
        ),
        **parties,
        profile=_text(root, "cbc:CustomizationID"),
        business_process=_text(root, "cbc:ProfileID"),
        vat_due_date_code=_text(root, "cac:InvoicePeriod/cbc:DescriptionCode"),
        unreadable=tuple(values.unreadable),  # last: after every value was read
    )


# --- CDAR (lifecycle message): the facts of the invoice it is about --------------------------


def _cdar(root: Element) -> InvoiceFacts:
    values = _Values()
    referenced = _first(root, "cdar:AcknowledgementDocument/ram:ReferenceReferencedDocument")
    issuer = _Party()
    if referenced is not None:
        for scheme, value in _scheme_values(_all(referenced, "ram:IssuerTradeParty/ram:GlobalID")):
            issuer.add(scheme, value)
    return InvoiceFacts(
        number=_text(referenced, "ram:IssuerAssignedID"),
        type_code=_text(referenced, "ram:TypeCode"),
        issue_date=values.date_102(
            "BT-2", _text(referenced, "ram:FormattedIssueDateTime/qdt:DateTimeString")
        ),
        seller_siren=issuer.siren,
        seller_siret=issuer.siret,
        status_code=_text(referenced, "ram:ProcessConditionCode"),
        profile=_text(
            root,
            "cdar:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        ),
        business_process=_text(
            root,
            "cdar:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter"
            "/ram:ID",
        ),
        unreadable=tuple(values.unreadable),  # last: after every value was read
    )
