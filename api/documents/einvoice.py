"""Recognition of structured e-invoices among uploaded documents, and their searchable metadata.

A thin adapter over `api.validation`, the one reader of e-invoice XML: its intake refuses what
an e-invoice never carries before any parser sees it (a DTD, hence entity expansion, XXE and
DTD fetches, in a plain XML or in the XML attached to a Factur-X PDF), and its facts are the
metadata. No rule runs here: the documents index invoices, the flows validate them. What this
module adds is the documents' own reading: the badge (recognised, unreadable e-invoice or
ordinary file), the amounts in cents, a SIREN checked by its key (or taken from a French VAT
number), and French reasons.

Analysis never raises: a file that cannot be read yields an `EInvoiceAnalysis` whose `reason`
says why, in French, so the document is still stored and the problem shown to the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final

from stdnum.fr import siren as siren_number
from stdnum.fr import tva as french_vat

from api.validation import InvoiceFacts, RefusalCode, Refused, Syntax, read_facts
from api.validation.intake import DEFAULT_MAX_BYTES


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


_FORMATS: Final = {
    Syntax.FACTURX: EInvoiceFormat.FACTURX,
    Syntax.CII: EInvoiceFormat.CII,
    Syntax.UBL: EInvoiceFormat.UBL,
}
ZUGFERD_1_NS: Final = b"urn:ferd:CrossIndustryDocument:invoice:1p0"

# EN 16931 amounts carry at most two decimals (rules BR-DEC-09 to BR-DEC-23).
_CENT: Final = Decimal("0.01")
_UNREADABLE_LABELS: Final = {
    "BT-2": "Date illisible pour la date d'émission",
    "BT-9": "Date illisible pour la date d'échéance",
    "BT-109": "Montant illisible pour le total HT",
    "BT-110": "Montant illisible pour le total TVA",
    "BT-112": "Montant illisible pour le total TTC",
}


# What a file that presents itself as an e-invoice carries in its bytes: the CII or UBL
# namespaces of its XML, or for a PDF the Factur-X / ZUGFeRD attachment or XMP names. Only
# such a file can be an unreadable e-invoice; any other PDF or XML that cannot be read is
# simply not one (a contract filed as a shared document is not a broken invoice).
_CII_CLAIM: Final = b"CrossIndustryInvoice"
_UBL_CLAIMS: Final = (
    b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    b"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
)
_PDF_CLAIMS: Final = (b"factur-x", b"zugferd", b"xrechnung", b"crossindustry")


def claims_to_be_an_einvoice(data: bytes, *, pdf: bool) -> bool:
    if pdf:
        lowered = data.lower()
        return any(marker in lowered for marker in _PDF_CLAIMS)
    return _claimed_xml_format(data) is not None


def _claimed_xml_format(data: bytes) -> EInvoiceFormat | None:
    if _CII_CLAIM in data:
        return EInvoiceFormat.CII
    if any(marker in data for marker in _UBL_CLAIMS):
        return EInvoiceFormat.UBL
    return None


def analyse_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> EInvoiceAnalysis:
    """Recognise a CII or UBL invoice in an XML document. An XML that cannot be read is an
    unreadable e-invoice only if it claims to be one."""
    return _analyse(data, pdf=False, max_bytes=max_bytes)


def analyse_pdf(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> EInvoiceAnalysis:
    """Recognise a Factur-X (or ZUGFeRD 2) PDF by the CII XML attached to it."""
    return _analyse(data, pdf=True, max_bytes=max_bytes)


def _analyse(data: bytes, *, pdf: bool, max_bytes: int) -> EInvoiceAnalysis:
    try:
        syntax, facts = read_facts(data, max_bytes=max_bytes)
    except Refused as refusal:
        return _refused(data, refusal, pdf=pdf)
    if syntax is Syntax.CDAR:
        return EInvoiceAnalysis(
            EInvoiceStatus.UNRECOGNISED,
            reason="Message de cycle de vie CDAR (le statut d'une facture), pas une facture.",
        )
    return _read(_FORMATS[syntax], facts)


def _refused(data: bytes, refusal: Refused, *, pdf: bool) -> EInvoiceAnalysis:
    claimed = EInvoiceFormat.FACTURX if pdf else _claimed_xml_format(data)
    match refusal.code:
        case RefusalCode.PDF_WITHOUT_INVOICE:
            return EInvoiceAnalysis(
                EInvoiceStatus.UNRECOGNISED,
                reason="PDF sans XML Factur-X attaché : facture non structurée.",
            )
        case RefusalCode.UNKNOWN_DOCUMENT:
            reason = refusal.message
            if ZUGFERD_1_NS in data:
                reason = "Facture ZUGFeRD 1.0 : format antérieur à EN 16931, non pris en charge."
            return EInvoiceAnalysis(EInvoiceStatus.UNRECOGNISED, reason=reason)
        case RefusalCode.TOO_LARGE:
            return EInvoiceAnalysis(EInvoiceStatus.UNRECOGNISED, reason=refusal.message)
        case RefusalCode.UNREADABLE_PDF:
            reason = "PDF illisible : impossible d'en extraire les pièces jointes."
        case RefusalCode.EMPTY | RefusalCode.UNSUPPORTED_FORMAT if not pdf:
            reason = f"XML mal formé : {refusal.message[0].lower()}{refusal.message[1:]}"
        case _:  # a DTD, malformed XML (in the file or attached to the PDF)
            reason = refusal.message
    if not claims_to_be_an_einvoice(data, pdf=pdf):
        kind = "PDF" if pdf else "XML"
        return EInvoiceAnalysis(
            EInvoiceStatus.UNRECOGNISED,
            reason=f"{kind} ordinaire (pas une facture électronique) : {reason}",
        )
    return EInvoiceAnalysis(EInvoiceStatus.INVALID, claimed, reason=reason)


def _read(format: EInvoiceFormat, facts: InvoiceFacts) -> EInvoiceAnalysis:
    problems = [_UNREADABLE_LABELS[term] for term in facts.unreadable if term in _UNREADABLE_LABELS]
    for label, amount in (
        ("total HT", facts.total_without_vat),
        ("total TVA", facts.total_vat),
        ("total TTC", facts.total_with_vat),
    ):
        if amount is not None and amount != amount.quantize(_CENT):
            problems.append(
                f"Le {label} « {str(amount)[:40]} » a plus de deux décimales (règles EN 16931 "
                "BR-DEC)"
            )
    if problems:
        return EInvoiceAnalysis(EInvoiceStatus.INVALID, format, reason=". ".join(problems) + ".")
    invoice = EInvoice(
        invoice_number=facts.number,
        type_code=facts.type_code,
        issue_date=facts.issue_date,
        due_date=facts.due_date,
        seller=Party(
            facts.seller_name,
            _siren(facts.seller_siren, facts.seller_vat_number),
            facts.seller_vat_number,
        ),
        buyer=Party(
            facts.buyer_name,
            _siren(facts.buyer_siren, facts.buyer_vat_number),
            facts.buyer_vat_number,
        ),
        total_excl_vat=_cents(facts.total_without_vat),
        total_vat=_cents(facts.total_vat),
        total_incl_vat=_cents(facts.total_with_vat),
        currency=facts.currency,
    )
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


def _cents(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(_CENT)


def _siren(siren: str | None, vat_number: str | None) -> str | None:
    """The French company number: the one the invoice gives (SIREN, or a SIRET's first nine
    digits) if its key is right, else the one inside a French VAT number."""
    if siren is not None and siren_number.is_valid(siren):
        return siren
    if vat_number and french_vat.is_valid(vat_number):
        candidate = str(french_vat.compact(vat_number))[-9:]
        # Foreign companies registered for French VAT get a number without a SIREN.
        if siren_number.is_valid(candidate):
            return candidate
    return None
