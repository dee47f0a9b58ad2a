"""`read_facts`: the intake's refusals and the facts, without rules (what the documents use), and
`InvoiceFacts.unreadable`, the business terms present but unreadable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from api.validation import RefusalCode, Refused, Syntax, read_facts

UBL = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>FA-1</cbc:ID><cbc:IssueDate>{issued}</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">{vat}</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:TaxExclusiveAmount currencyID="EUR">{excl}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">120.00</cbc:TaxInclusiveAmount>
  </cac:LegalMonetaryTotal>
</Invoice>"""

CII = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocument><ram:ID>FA-2</ram:ID>
    <ram:IssueDateTime><udt:DateTimeString format="102">{issued}</udt:DateTimeString>
    </ram:IssueDateTime></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement>
    <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
      <ram:TaxBasisTotalAmount>{excl}</ram:TaxBasisTotalAmount>
      <ram:GrandTotalAmount>120.00</ram:GrandTotalAmount>
    </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""


def test_readable_values_leave_nothing_unreadable() -> None:
    syntax, facts = read_facts(UBL.format(issued="2026-11-15", vat="20.00", excl="100.00").encode())

    assert syntax is Syntax.UBL
    assert (facts.number, facts.issue_date) == ("FA-1", date(2026, 11, 15))
    assert (facts.total_without_vat, facts.total_vat) == (Decimal("100.00"), Decimal("20.00"))
    assert facts.unreadable == ()


def test_a_missing_value_is_not_an_unreadable_one() -> None:
    _, facts = read_facts(UBL.format(issued="", vat="", excl="").encode())

    assert (facts.issue_date, facts.total_vat, facts.total_without_vat) == (None, None, None)
    assert facts.unreadable == ()


@pytest.mark.parametrize(
    ("content", "unreadable"),
    [
        (UBL.format(issued="15/11/2026", vat="vingt", excl="100.00"), ("BT-2", "BT-110")),
        (UBL.format(issued="2026-11-15", vat="20.00", excl="cent"), ("BT-109",)),
        (CII.format(issued="2026-11-15", excl="Infinity"), ("BT-2", "BT-109")),
        (CII.format(issued="20261115", excl="100.00"), ()),
    ],
    ids=["ubl-date-and-vat", "ubl-total", "cii-date-and-infinite-total", "cii-readable"],
)
def test_present_but_unreadable_values_are_named_by_business_term(
    content: str, unreadable: tuple[str, ...]
) -> None:
    _, facts = read_facts(content.encode())

    assert facts.unreadable == unreadable
    for term, field in (("BT-2", "issue_date"), ("BT-109", "total_without_vat")):
        if term in unreadable:
            assert getattr(facts, field) is None


def test_read_facts_refuses_like_the_intake() -> None:
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]>'
        + CII.split("?>", 1)[1].format(issued="&e;", excl="1").encode()
    )

    with pytest.raises(Refused) as refused:
        read_facts(hostile)

    assert refused.value.code is RefusalCode.DTD_FORBIDDEN
