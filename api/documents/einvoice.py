"""Recognition of structured e-invoices and extraction of their searchable metadata.

Three syntaxes are read, all EN 16931 (the French reform's semantic standard):
- UN/CEFACT CII (`CrossIndustryInvoice`), alone or embedded in a Factur-X PDF;
- OASIS UBL 2.1 `Invoice` and `CreditNote`.

Analysis never raises: a file that cannot be read yields an `EInvoiceAnalysis` whose `reason`
says why, in French, so the document is still stored and the problem shown to the user.
XML is parsed by defusedxml with DTDs forbidden: an e-invoice never needs one, and refusing
them stops entity expansion (billion laughs) and external entities (XXE) before any parsing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from io import BytesIO
from typing import Final
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
import facturx
from defusedxml import DefusedXmlException
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number
from stdnum.fr import tva as french_vat

logger = logging.getLogger("comptoir.documents.einvoice")


class EInvoiceFormat(StrEnum):
    FACTURX = "facturx"
    CII = "cii"
    UBL = "ubl"


class EInvoiceStatus(StrEnum):
    RECOGNISED = "recognised"  # read in full
    INVALID = "invalid"  # an e-invoice, but malformed or incomplete: `reason` says why
    UNRECOGNISED = "unrecognised"  # a PDF or XML that is not an e-invoice (a plain PDF invoice)


@dataclass(frozen=True, slots=True)
class Party:
    name: str | None = None
    siren: str | None = None
    vat_number: str | None = None


@dataclass(frozen=True, slots=True)
class EInvoice:
    invoice_number: str | None = None
    type_code: str | None = None  # UNTDID 1001: 380 invoice, 381 credit note, 389 self-billed…
    issue_date: date | None = None
    due_date: date | None = None
    seller: Party = Party()
    buyer: Party = Party()
    total_excl_vat: Decimal | None = None
    total_vat: Decimal | None = None
    total_incl_vat: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class EInvoiceAnalysis:
    status: EInvoiceStatus
    format: EInvoiceFormat | None = None
    invoice: EInvoice | None = None
    reason: str | None = None  # French, shown to the user when the status is not RECOGNISED

    @property
    def recognised(self) -> bool:
        return self.status is EInvoiceStatus.RECOGNISED


CII_NS: Final = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
UBL_INVOICE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
UBL_NS: Final = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ZUGFERD_1_NS: Final = "urn:ferd:CrossIndustryDocument:invoice:1p0"

# ISO/IEC 6523 identifier schemes used by the French CIUS: 0002 is a SIREN, 0009 a SIRET.
SCHEME_SIREN: Final = "0002"
SCHEME_SIRET: Final = "0009"

# EN 16931 amounts carry at most two decimals (rules BR-DEC-09 to BR-DEC-23).
_CENT: Final = Decimal("0.01")


# What a file that presents itself as an e-invoice carries in its bytes: the CII or UBL
# namespaces of its XML, or for a PDF the Factur-X / ZUGFeRD attachment or XMP names. Only
# such a file can be an unreadable e-invoice; any other PDF or XML that cannot be read is
# simply not one (a contract filed as a shared document is not a broken invoice).
_XML_CLAIMS = (
    b"CrossIndustryInvoice",
    b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    b"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
)
_PDF_CLAIMS = (b"factur-x", b"zugferd", b"xrechnung", b"crossindustry")


def claims_to_be_an_einvoice(data: bytes, *, pdf: bool) -> bool:
    if pdf:
        lowered = data.lower()
        return any(marker in lowered for marker in _PDF_CLAIMS)
    return any(marker in data for marker in _XML_CLAIMS)


def _unreadable(data: bytes, *, pdf: bool, analysis: EInvoiceAnalysis) -> EInvoiceAnalysis:
    """`analysis` (INVALID) if the file claims to be an e-invoice, else an ordinary file."""
    if claims_to_be_an_einvoice(data, pdf=pdf):
        return analysis
    kind = "PDF" if pdf else "XML"
    return EInvoiceAnalysis(
        EInvoiceStatus.UNRECOGNISED,
        reason=f"{kind} ordinaire (pas une facture électronique) : {analysis.reason}",
    )


class _Unreadable(Exception):
    """A mandatory piece is missing or malformed; the message is the French reason."""


def analyse_xml(data: bytes, *, format: EInvoiceFormat | None = None) -> EInvoiceAnalysis:
    """Recognise a CII or UBL invoice in an XML document (`format` forces the label). An XML
    that cannot be parsed is an unreadable e-invoice only if it claims to be one."""
    analysis = _analyse_xml(data, format=format)
    if analysis.status is EInvoiceStatus.INVALID and analysis.invoice is None and format is None:
        return _unreadable(data, pdf=False, analysis=analysis)
    return analysis


def _analyse_xml(data: bytes, *, format: EInvoiceFormat | None) -> EInvoiceAnalysis:
    try:
        root = safe_xml.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        return EInvoiceAnalysis(
            EInvoiceStatus.INVALID,
            format,
            reason="XML refusé : il déclare une DTD ou des entités, interdites dans une "
            "facture électronique.",
        )
    except ParseError as error:
        return EInvoiceAnalysis(
            EInvoiceStatus.INVALID, format, reason=f"XML mal formé ({_position(error)})."
        )
    except ValueError:
        return EInvoiceAnalysis(EInvoiceStatus.INVALID, format, reason="XML illisible.")
    namespace, _, local_name = (
        root.tag[1:].partition("}")
        if root.tag.startswith("{")
        else (
            "",
            "",
            root.tag,
        )
    )
    try:
        if namespace == CII_NS["rsm"] and local_name == "CrossIndustryInvoice":
            return _recognised(format or EInvoiceFormat.CII, _read_cii(root))
        if (namespace, local_name) in (
            (UBL_INVOICE_NS, "Invoice"),
            (UBL_CREDIT_NOTE_NS, "CreditNote"),
        ):
            return _recognised(format or EInvoiceFormat.UBL, _read_ubl(root, local_name))
    except _Unreadable as error:
        return EInvoiceAnalysis(
            EInvoiceStatus.INVALID, format or _format_of(namespace), reason=str(error)
        )
    if namespace == ZUGFERD_1_NS:
        return EInvoiceAnalysis(
            EInvoiceStatus.UNRECOGNISED,
            format,
            reason="Facture ZUGFeRD 1.0 : format antérieur à EN 16931, non pris en charge.",
        )
    return EInvoiceAnalysis(
        EInvoiceStatus.UNRECOGNISED,
        format,
        reason=f"L'élément racine « {local_name} » n'est ni une facture CII ni une facture UBL.",
    )


def analyse_pdf(data: bytes) -> EInvoiceAnalysis:
    """Recognise a Factur-X (or ZUGFeRD 2) PDF by the CII XML attached to it."""
    try:
        # XSD validation is left out: the reform's platforms validate; we only index.
        filename, xml = facturx.get_xml_from_pdf(BytesIO(data), check_xsd=False)
    except Exception:
        # pypdf raises a wide, version-dependent family of errors on damaged files.
        logger.info("unreadable PDF during Factur-X extraction", exc_info=True)
        return _unreadable(
            data,
            pdf=True,
            analysis=EInvoiceAnalysis(
                EInvoiceStatus.INVALID,
                EInvoiceFormat.FACTURX,
                reason="PDF illisible : impossible d'en extraire les pièces jointes.",
            ),
        )
    if not filename or not xml:
        return EInvoiceAnalysis(
            EInvoiceStatus.UNRECOGNISED,
            reason="PDF sans XML Factur-X attaché : facture non structurée.",
        )
    return analyse_xml(xml, format=EInvoiceFormat.FACTURX)


def _format_of(namespace: str) -> EInvoiceFormat | None:
    if namespace == CII_NS["rsm"]:
        return EInvoiceFormat.CII
    if namespace in (UBL_INVOICE_NS, UBL_CREDIT_NOTE_NS):
        return EInvoiceFormat.UBL
    return None


def _position(error: ParseError) -> str:
    line, column = getattr(error, "position", (0, 0))
    return f"ligne {line}, colonne {column + 1}"


def _recognised(format: EInvoiceFormat, invoice: EInvoice) -> EInvoiceAnalysis:
    missing = [
        label
        for label, value in (
            ("numéro de facture", invoice.invoice_number),
            ("type de document", invoice.type_code),
            ("date d'émission", invoice.issue_date),
            ("devise", invoice.currency),
            ("nom du vendeur", invoice.seller.name),
            ("nom de l'acheteur", invoice.buyer.name),
            ("total HT", invoice.total_excl_vat),
            ("total TTC", invoice.total_incl_vat),
        )
        if value is None
    ]
    if missing:
        return EInvoiceAnalysis(
            EInvoiceStatus.INVALID,
            format,
            invoice,
            reason="Facture électronique incomplète : " + ", ".join(missing) + " manquant(s).",
        )
    return EInvoiceAnalysis(EInvoiceStatus.RECOGNISED, format, invoice)


# --- reading helpers -----------------------------------------------------------------------


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    value = " ".join(element.text.split())
    return value or None


def _amount(element: Element | None, label: str) -> Decimal | None:
    value = _text(element)
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _Unreadable(f"Montant illisible pour le {label} : « {value[:40]} ».") from None
    if not amount.is_finite() or amount != amount.quantize(_CENT):
        raise _Unreadable(
            f"Le {label} « {value[:40]} » a plus de deux décimales (règles EN 16931 BR-DEC)."
        )
    return amount.quantize(_CENT)


def _amount_in(elements: list[Element], currency: str | None, label: str) -> Decimal | None:
    """The amount expressed in the invoice currency.

    BT-110 and BT-111 share one element name: the VAT total may be repeated in the VAT
    accounting currency, told apart by `currencyID`."""
    if not elements:
        return None
    for element in elements:
        if currency is None or element.get("currencyID") in (None, currency):
            return _amount(element, label)
    return _amount(elements[0], label)


def _iso_date(value: str | None, label: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Unreadable(f"Date illisible pour la {label} : « {value[:40]} ».") from None


def _cii_date(element: Element | None, label: str) -> date | None:
    value = _text(element)
    if value is None or element is None:
        return None
    # Format 102 (CCYYMMDD) is the only one EN 16931 allows for these dates.
    if element.get("format", "102") != "102" or not re.fullmatch(r"\d{8}", value):
        raise _Unreadable(f"Date illisible pour la {label} : « {value[:40]} » (format 102).")
    return _iso_date(f"{value[:4]}-{value[4:6]}-{value[6:]}", label)


def _siren(legal_ids: list[tuple[str | None, str]], vat_number: str | None) -> str | None:
    """The French company number, from a SIREN/SIRET legal id, else from a French VAT number."""
    for scheme, value in legal_ids:
        compact = re.sub(r"\s", "", value)
        if scheme == SCHEME_SIREN and siren_number.is_valid(compact):
            return str(siren_number.compact(compact))
        if scheme == SCHEME_SIRET and siret_number.is_valid(compact):
            return str(siret_number.compact(compact))[:9]
    if vat_number and french_vat.is_valid(vat_number):
        candidate = str(french_vat.compact(vat_number))[-9:]
        # Foreign companies registered for French VAT get a number without a SIREN.
        if siren_number.is_valid(candidate):
            return candidate
    return None


# --- UN/CEFACT CII -------------------------------------------------------------------------


def _read_cii_party(party: Element | None) -> Party:
    if party is None:
        return Party()
    legal_ids = [
        (element.get("schemeID"), text)
        for element in party.findall("ram:SpecifiedLegalOrganization/ram:ID", CII_NS)
        if (text := _text(element))
    ]
    vat_number = next(
        (
            _text(element)
            for element in party.findall("ram:SpecifiedTaxRegistration/ram:ID", CII_NS)
            if element.get("schemeID") == "VA" and _text(element)
        ),
        None,
    )
    return Party(
        name=_text(party.find("ram:Name", CII_NS)),
        siren=_siren(legal_ids, vat_number),
        vat_number=vat_number,
    )


def _read_cii(root: Element) -> EInvoice:
    document = root.find("rsm:ExchangedDocument", CII_NS)
    transaction = root.find("rsm:SupplyChainTradeTransaction", CII_NS)
    if document is None or transaction is None:
        raise _Unreadable("Facture CII incomplète : en-tête ou transaction absente.")
    agreement = transaction.find("ram:ApplicableHeaderTradeAgreement", CII_NS)
    settlement = transaction.find("ram:ApplicableHeaderTradeSettlement", CII_NS)
    if agreement is None or settlement is None:
        raise _Unreadable("Facture CII incomplète : parties ou règlement absents.")
    currency = _text(settlement.find("ram:InvoiceCurrencyCode", CII_NS))
    totals = settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", CII_NS)

    def total(name: str, label: str) -> Decimal | None:
        if totals is None:
            return None
        return _amount_in(totals.findall(f"ram:{name}", CII_NS), currency, label)

    return EInvoice(
        invoice_number=_text(document.find("ram:ID", CII_NS)),
        type_code=_text(document.find("ram:TypeCode", CII_NS)),
        issue_date=_cii_date(
            document.find("ram:IssueDateTime/udt:DateTimeString", CII_NS), "date d'émission"
        ),
        due_date=_cii_date(
            settlement.find(
                "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString", CII_NS
            ),
            "date d'échéance",
        ),
        seller=_read_cii_party(agreement.find("ram:SellerTradeParty", CII_NS)),
        buyer=_read_cii_party(agreement.find("ram:BuyerTradeParty", CII_NS)),
        total_excl_vat=total("TaxBasisTotalAmount", "total HT"),
        total_vat=total("TaxTotalAmount", "total TVA"),
        total_incl_vat=total("GrandTotalAmount", "total TTC"),
        currency=currency,
    )


# --- OASIS UBL -----------------------------------------------------------------------------


def _read_ubl_party(party: Element | None) -> Party:
    if party is None:
        return Party()
    legal_ids = [
        (element.get("schemeID"), text)
        for element in (
            *party.findall("cac:PartyLegalEntity/cbc:CompanyID", UBL_NS),
            *party.findall("cbc:EndpointID", UBL_NS),
            *party.findall("cac:PartyIdentification/cbc:ID", UBL_NS),
        )
        if (text := _text(element))
    ]
    vat_number = next(
        (
            _text(scheme.find("cbc:CompanyID", UBL_NS))
            for scheme in party.findall("cac:PartyTaxScheme", UBL_NS)
            if _text(scheme.find("cac:TaxScheme/cbc:ID", UBL_NS)) == "VAT"
        ),
        None,
    )
    name = _text(party.find("cac:PartyLegalEntity/cbc:RegistrationName", UBL_NS)) or _text(
        party.find("cac:PartyName/cbc:Name", UBL_NS)
    )
    return Party(name=name, siren=_siren(legal_ids, vat_number), vat_number=vat_number)


def _read_ubl(root: Element, kind: str) -> EInvoice:
    currency = _text(root.find("cbc:DocumentCurrencyCode", UBL_NS))
    totals = root.find("cac:LegalMonetaryTotal", UBL_NS)
    # BT-9: an Invoice carries cbc:DueDate; a CreditNote only has the payment means' due date.
    due_date = _text(root.find("cbc:DueDate", UBL_NS)) or _text(
        root.find("cac:PaymentMeans/cbc:PaymentDueDate", UBL_NS)
    )
    type_element = "cbc:InvoiceTypeCode" if kind == "Invoice" else "cbc:CreditNoteTypeCode"
    return EInvoice(
        invoice_number=_text(root.find("cbc:ID", UBL_NS)),
        type_code=_text(root.find(type_element, UBL_NS)),
        issue_date=_iso_date(_text(root.find("cbc:IssueDate", UBL_NS)), "date d'émission"),
        due_date=_iso_date(due_date, "date d'échéance"),
        seller=_read_ubl_party(root.find("cac:AccountingSupplierParty/cac:Party", UBL_NS)),
        buyer=_read_ubl_party(root.find("cac:AccountingCustomerParty/cac:Party", UBL_NS)),
        total_excl_vat=_amount(
            None if totals is None else totals.find("cbc:TaxExclusiveAmount", UBL_NS), "total HT"
        ),
        total_vat=_amount_in(
            root.findall("cac:TaxTotal/cbc:TaxAmount", UBL_NS), currency, "total TVA"
        ),
        total_incl_vat=_amount(
            None if totals is None else totals.find("cbc:TaxInclusiveAmount", UBL_NS), "total TTC"
        ),
        currency=currency,
    )
