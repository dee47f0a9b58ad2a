"""Which statuses the PPF receives from us: the queuing rule as a table, and how an invoice
says its VAT is due on receipts (BT-8, else its billing frame BT-23)."""

from __future__ import annotations

from typing import Any

import pytest

from api.ppf.rules import must_receive, vat_due_on_receipts
from api.validation import read_facts
from tests.shared_data import SHARED_DATA, needs_shared

EXAMPLES = SHARED_DATA / "afnor" / "examples"
SERVICES_ON_RECEIPTS = {"vat_due_date_code": "432", "business_process": "S1"}
SERVICES_ON_DEBITS = {"vat_due_date_code": "3", "business_process": "S1"}
GOODS = {"vat_due_date_code": None, "business_process": "B1"}

# (status, issued by this platform, invoice facts) → a copy for the PPF
QUEUING = [
    (200, True, GOODS, True),
    (210, True, GOODS, True),
    (213, True, GOODS, True),
    (212, True, SERVICES_ON_RECEIPTS, True),
    (212, True, SERVICES_ON_DEBITS, False),
    (212, True, GOODS, False),
    (212, True, None, False),  # an invoice we could not read: nothing says VAT on receipts
    # Statuses the PPF does not receive.
    *[(code, True, SERVICES_ON_RECEIPTS, False) for code in (201, 202, 203, 204, 205, 206)],
    *[(code, True, SERVICES_ON_RECEIPTS, False) for code in (207, 208, 209, 211, 214, 220)],
    *[(code, True, SERVICES_ON_RECEIPTS, False) for code in (221, 224, 225, 226, 227, 228)],
    # Received from the counterpart's platform: its issuer sends the PPF's copy, not us.
    (200, False, GOODS, False),
    (210, False, GOODS, False),
    (212, False, SERVICES_ON_RECEIPTS, False),
    (213, False, GOODS, False),
]


@pytest.mark.parametrize(("status", "issued_here", "facts", "queued"), QUEUING)
def test_the_ppf_receives_200_210_213_and_212_under_vat_on_receipts_from_their_issuer(
    status: int, issued_here: bool, facts: dict[str, Any] | None, queued: bool
) -> None:
    assert (
        must_receive(status, issued_here=issued_here, vat_on_receipts=vat_due_on_receipts(facts))
        is queued
    )


@pytest.mark.parametrize(
    ("facts", "on_receipts"),
    [
        ({"vat_due_date_code": "432"}, True),  # UNTDID 2005 « paid to date »
        ({"vat_due_date_code": "72"}, True),  # the same in CII's UNTDID 2475, kept raw
        ({"vat_due_date_code": "432", "business_process": "B1"}, True),  # BT-8 decides
        ({"vat_due_date_code": "3", "business_process": "S1"}, False),  # option for debits
        ({"vat_due_date_code": "5", "business_process": "S1"}, False),
        ({"vat_due_date_code": "35"}, False),  # delivery date
        ({"vat_due_date_code": "29"}, False),
        ({"business_process": "S1"}, True),  # services: on receipts unless the option
        ({"business_process": "S5"}, True),
        ({"business_process": "B1"}, False),  # goods: on delivery
        ({"business_process": "M1"}, False),  # mixed: only BT-8 can say
        ({}, False),
        (None, False),
    ],
)
def test_vat_due_on_receipts_from_bt_8_then_the_billing_frame(
    facts: dict[str, Any] | None, on_receipts: bool
) -> None:
    assert vat_due_on_receipts(facts) is on_receipts


@needs_shared(EXAMPLES)
@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("UC1/UC1_F202500003_00-INV_20250701_CII.xml", "432"),  # written 72 (UNTDID 2475)
        ("UC1/UC1_F202500003_00-INV_20250701_UBL.xml", "432"),
        ("UC1/UC1_F202500003_00-INV_20250701.pdf", "432"),
    ],
)
def test_bt_8_is_read_from_cii_ubl_and_factur_x_in_one_code_list(name: str, code: str) -> None:
    _, facts = read_facts((EXAMPLES / name).read_bytes())
    assert facts.vat_due_date_code == code
    assert vat_due_on_receipts({"vat_due_date_code": facts.vat_due_date_code}) is True
