"""E-invoice recognition on the EN 16931 examples (CII, UBL, Factur-X) and on broken files."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from pypdf import PdfWriter

from api.documents.einvoice import EInvoiceFormat, EInvoiceStatus, analyse_pdf, analyse_xml
from tests.shared_data import SHARED_DATA, needs_shared

EINVOICES = SHARED_DATA / "einvoices"
# Every test here but the ones on built-in bytes reads the shared e-invoices.
NEEDS_EINVOICES = needs_shared(EINVOICES)

# (file, number, type code, issue date, due date, seller, seller VAT, buyer, HT, TVA, TTC, currency)
# read by hand from each file.
EXPECTED = [
    ("cii/CII_example1.xml", "12115118", "380", date(2015, 1, 9), date(2015, 1, 9),
     "De Koksmaat", "NL8200.98.395.B.01", "ODIN 59", "229.60", "20.73", "250.33", "EUR"),
    ("cii/CII_example2.xml", "TOSL108", "380", date(2013, 6, 30), date(2013, 7, 20),
     "Salescompany ltd.", "NO123456789MVA", "The Buyercompany", "1436.50", "365.28", "1801.78",
     "NOK"),
    ("cii/CII_example3.xml", "TOSL108", "380", date(2013, 4, 10), date(2013, 5, 10),
     "SubscriptionSeller", "DK16356706", "Buyercompany ltd", "900.00", "225.00", "1125.00", "DKK"),
    ("cii/CII_example4.xml", "TOSL110", "380", date(2013, 4, 10), date(2013, 5, 10),
     "SellerCompany", "DK16356706", "Buyercompany ltd", "4000.00", "675.00", "4675.00", "DKK"),
    ("cii/CII_example5.xml", "TOSL110", "380", date(2013, 4, 10), date(2013, 5, 10),
     "SellerCompany", "NL16356706", "Buyercompany ltd", "4000.00", "675.00", "4675.00", "DKK"),
    ("cii/CII_business_example_01.xml", "TOSL108", "380", date(2013, 6, 30), date(2013, 7, 20),
     "Salescompany ltd.", "NO123456789MVA", "The Buyercompany", "1436.50", "365.28", "1801.78",
     "NOK"),
    ("cii/CII-BR-CO-10-RoundingIssue.xml", "0", "380", date(2021, 3, 26), date(2021, 3, 26),
     "Seller GmbH", "DE 123 456 789", "BuyerName", "0.00", "0.00", "0.00", "EUR"),
    ("ubl/ubl-tc434-example1.xml", "12115118", "380", date(2015, 1, 9), date(2015, 1, 9),
     "De Koksmaat", "NL8200.98.395.B.01", "ODIN 59", "229.60", "20.73", "250.33", "EUR"),
    ("ubl/guide-example1.xml", "12115118", "380", date(2015, 1, 9), date(2015, 1, 9),
     "De Koksmaat", "NL8200.98.395.B.01", "ODIN 59", "229.60", "20.73", "250.33", "EUR"),
    ("ubl/ubl-tc434-example2.xml", "TOSL108", "380", date(2013, 6, 30), date(2013, 7, 20),
     "Salescompany ltd.", "NO123456789MVA", "The Buyercompany", "1436.50", "365.28", "1801.78",
     "NOK"),
    ("ubl/ubl-tc434-example3.xml", "TOSL108", "380", date(2013, 4, 10), date(2013, 5, 10),
     "SubscriptionSeller", "DK16356706", "Buyercompany ltd", "1700.00", "305.00", "2005.00",
     "DKK"),
    ("ubl/ubl-tc434-example4.xml", "TOSL110", "380", date(2013, 4, 10), date(2013, 5, 10),
     "SellerCompany", "DK16356706", "Buyercompany ltd", "4000.00", "675.00", "4675.00", "DKK"),
    ("ubl/ubl-tc434-example5.xml", "TOSL110", "380", date(2013, 4, 10), date(2013, 5, 10),
     "SellerCompany", "NL16356706", "Buyercompany ltd", "4000.00", "675.00", "4675.00", "DKK"),
    ("ubl/ubl-tc434-creditnote1.xml", "018304 / 28865", "381", date(2019, 9, 23), None,
     "My Supplier Company", "BE0000000196", "My Customer Company", "100.11", "0.00", "100.11",
     "EUR"),
    ("facturx/CII_example1_facturx.pdf", "12115118", "380", date(2015, 1, 9), date(2015, 1, 9),
     "De Koksmaat", "NL8200.98.395.B.01", "ODIN 59", "229.60", "20.73", "250.33", "EUR"),
    ("facturx/CII_example2_facturx.pdf", "TOSL108", "380", date(2013, 6, 30), date(2013, 7, 20),
     "Salescompany ltd.", "NO123456789MVA", "The Buyercompany", "1436.50", "365.28", "1801.78",
     "NOK"),
    ("facturx/CII_business_example_01_facturx.pdf", "TOSL108", "380", date(2013, 6, 30),
     date(2013, 7, 20), "Salescompany ltd.", "NO123456789MVA", "The Buyercompany", "1436.50",
     "365.28", "1801.78", "NOK"),
]  # fmt: skip


def analyse_file(path: Path):  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    return analyse_pdf(data) if path.suffix == ".pdf" else analyse_xml(data)


@NEEDS_EINVOICES
def test_every_shared_example_is_covered() -> None:
    on_disk = {str(path.relative_to(EINVOICES)) for path in EINVOICES.glob("*/*.*")}

    assert on_disk == {row[0] for row in EXPECTED}


@NEEDS_EINVOICES
@pytest.mark.parametrize("row", EXPECTED, ids=[row[0] for row in EXPECTED])
def test_real_einvoices_are_read(row: tuple) -> None:  # type: ignore[type-arg]
    name, number, type_code, issued, due, seller, seller_vat, buyer, ht, vat, ttc, currency = row

    analysis = analyse_file(EINVOICES / name)

    assert analysis.status is EInvoiceStatus.RECOGNISED, analysis.reason
    expected_format = {"cii": "cii", "ubl": "ubl", "facturx": "facturx"}[name.split("/")[0]]
    assert analysis.format == expected_format
    invoice = analysis.invoice
    assert invoice is not None
    assert (invoice.invoice_number, invoice.type_code) == (number, type_code)
    assert (invoice.issue_date, invoice.due_date) == (issued, due)
    assert (invoice.seller.name, invoice.seller.vat_number) == (seller, seller_vat)
    assert invoice.buyer.name == buyer
    assert (invoice.total_excl_vat, invoice.total_vat, invoice.total_incl_vat) == (
        Decimal(ht),
        Decimal(vat),
        Decimal(ttc),
    )
    assert invoice.currency == currency


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@NEEDS_EINVOICES
@pytest.mark.parametrize("example", ["CII_example1.xml", "CII_example4.xml", "CII_example5.xml"])
def test_factur_x_pdfs_made_from_cii_examples_are_read(example: str) -> None:
    xml = (EINVOICES / "cii" / example).read_bytes()
    pdf = facturx.generate_from_binary(blank_pdf(), xml, check_xsd=False)

    from_pdf = analyse_pdf(pdf)
    from_xml = analyse_xml(xml)

    assert from_pdf.status is EInvoiceStatus.RECOGNISED
    assert from_pdf.format is EInvoiceFormat.FACTURX
    assert from_pdf.invoice == from_xml.invoice


FRENCH_CII = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice
  xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
    <ram:ID>urn:factur-x.eu:1p0:minimum</ram:ID>
  </ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>FA-2026-0042</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime>
      <udt:DateTimeString format="102">20261115</udt:DateTimeString>
    </ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>La Poste</ram:Name>
        <ram:SpecifiedLegalOrganization>
          <ram:ID schemeID="0009">{seller_siret}</ram:ID>
        </ram:SpecifiedLegalOrganization>
        <ram:SpecifiedTaxRegistration>
          <ram:ID schemeID="VA">FR39356000000</ram:ID>
        </ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>Boulangerie Martin</ram:Name>
        {buyer_legal}
        <ram:SpecifiedTaxRegistration>
          <ram:ID schemeID="VA">FR25158813998</ram:ID>
        </ram:SpecifiedTaxRegistration>
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradePaymentTerms>
        <ram:DueDateDateTime>
          <udt:DateTimeString format="102">20261215</udt:DateTimeString>
        </ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:TaxBasisTotalAmount>{excl}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">200.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>1200.00</ram:GrandTotalAmount>
        <ram:DuePayableAmount>1200.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""


def french_cii(
    *, seller_siret: str = "35600000010019", buyer_legal: str = "", excl: str = "1000.00"
) -> bytes:
    return FRENCH_CII.format(seller_siret=seller_siret, buyer_legal=buyer_legal, excl=excl).encode()


def test_french_sirens_come_from_the_siret_or_the_vat_number() -> None:
    analysis = analyse_xml(french_cii())

    assert analysis.status is EInvoiceStatus.RECOGNISED
    assert analysis.invoice is not None
    assert analysis.invoice.seller.siren == "356000000"  # from the SIRET (scheme 0009)
    assert analysis.invoice.buyer.siren == "158813998"  # from FR25158813998
    assert analysis.invoice.buyer.vat_number == "FR25158813998"
    assert analysis.invoice.due_date == date(2026, 12, 15)


def test_a_siren_legal_id_wins_over_the_vat_number() -> None:
    legal = '<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">356000000</ram:ID>'
    legal += "</ram:SpecifiedLegalOrganization>"

    analysis = analyse_xml(french_cii(buyer_legal=legal))

    assert analysis.invoice is not None
    assert analysis.invoice.buyer.siren == "356000000"


def test_a_french_factur_x_minimum_pdf_is_read() -> None:
    pdf = facturx.generate_from_binary(blank_pdf(), french_cii(), check_xsd=False)

    analysis = analyse_pdf(pdf)

    assert analysis.status is EInvoiceStatus.RECOGNISED
    assert analysis.invoice is not None
    assert analysis.invoice.invoice_number == "FA-2026-0042"
    assert analysis.invoice.total_incl_vat == Decimal("1200.00")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol3;</Invoice>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">
<rsm:ExchangedDocument>&xxe;</rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd">
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"""


@pytest.mark.parametrize(
    ("data", "status", "reason"),
    [
        (french_cii()[:900], EInvoiceStatus.INVALID, "XML mal formé"),
        (BILLION_LAUGHS, EInvoiceStatus.INVALID, "DTD ou des entités"),
        (XXE, EInvoiceStatus.INVALID, "DTD ou des entités"),
        (EXTERNAL_DTD, EInvoiceStatus.INVALID, "DTD ou des entités"),
        (b"<Order xmlns='urn:x'/>", EInvoiceStatus.UNRECOGNISED, "« Order » n'est ni"),
        (b"", EInvoiceStatus.UNRECOGNISED, "XML mal formé"),  # claims nothing
        (french_cii(excl="1000.001"), EInvoiceStatus.INVALID, "plus de deux décimales"),
        (french_cii(excl="mille"), EInvoiceStatus.INVALID, "Montant illisible"),
        (french_cii(excl=""), EInvoiceStatus.INVALID, "total HT manquant"),
    ],
    ids=[
        "truncated",
        "billion-laughs",
        "xxe",
        "external-dtd",
        "wrong-root",
        "empty",
        "three-decimals",
        "amount-not-a-number",
        "missing-total",
    ],
)
def test_malformed_xml_is_flagged_with_a_french_reason(
    data: bytes, status: EInvoiceStatus, reason: str
) -> None:
    analysis = analyse_xml(data)

    assert analysis.status is status
    assert analysis.reason is not None
    assert reason in analysis.reason


def test_a_pdf_without_xml_is_an_ordinary_pdf() -> None:
    analysis = analyse_pdf(blank_pdf())

    assert analysis.status is EInvoiceStatus.UNRECOGNISED
    assert analysis.reason == "PDF sans XML Factur-X attaché : facture non structurée."


def test_an_unreadable_pdf_is_an_unreadable_einvoice_only_if_it_claims_to_be_one() -> None:
    """A contract whose attachments pypdf cannot read is an ordinary PDF (no red « Facture
    électronique illisible » badge); one naming a Factur-X attachment is a broken e-invoice."""
    damaged = b"%PDF-1.7\n" + b"\x00garbage" * 50
    plain = analyse_pdf(damaged)
    assert plain.status is EInvoiceStatus.UNRECOGNISED
    assert plain.format is None
    claiming = analyse_pdf(damaged + b"/F (factur-x.xml) /AFRelationship /Data")
    assert claiming.status is EInvoiceStatus.INVALID
    assert claiming.format is EInvoiceFormat.FACTURX


def test_a_damaged_pdf_is_flagged() -> None:
    analysis = analyse_pdf(b"%PDF-1.7\n" + b"\x00garbage" * 50)

    assert analysis.status in (EInvoiceStatus.INVALID, EInvoiceStatus.UNRECOGNISED)
    assert analysis.reason is not None
    assert analysis.reason.startswith("PDF")
