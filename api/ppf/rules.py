"""Which lifecycle statuses the PPF must receive, and from whom.

The PPF is told of an invoice's statuses that matter to the tax administration (the
standard's guideline `CDV:einvoicingF2`, and its use cases UC1, UC2, UC5 whose `_POUR_PPF`
messages are these): 200 Déposée, 210 Refusée, 213 Rejetée, and 212 Encaissée when the VAT of
the invoice is due on receipts (« TVA sur les encaissements »: the cashed amount is what the
seller owes VAT on, so the PPF pre-fills its return with it). Each copy is sent by the platform
that issued the status: a status received from another platform was its issuer's to send.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

DEPOSEE: Final = 200
REFUSEE: Final = 210
ENCAISSEE: Final = 212
REJETEE: Final = 213
ALWAYS_SENT: Final = frozenset({DEPOSEE, REFUSEE, REJETEE})

# BT-8 « date d'exigibilité de la TVA » when it says "paid to date": 432 in UNTDID 2005, as the
# facts keep it whatever the syntax (CII writes 72, UNTDID 2475), and 72 for facts kept raw.
# Any other code (3 invoice date — the option for debits —, 35 delivery date) means the VAT is
# not due on receipts.
VAT_ON_RECEIPTS_CODES: Final = frozenset({"432", "72"})
# BT-23 « cadre de facturation » (BR-FR-08): S1…S9 are invoices of services only. For those the
# VAT is due on receipts unless the seller opted for debits (CGI art. 269-2-c), an option the
# invoice must state (BT-8 = 5 / 3). B… (goods) and M… (mixed) are not due on receipts unless
# BT-8 says so.
SERVICES_FRAMES: Final = frozenset({f"S{n}" for n in range(1, 10)})


def vat_due_on_receipts(facts: Mapping[str, Any] | None) -> bool:
    """Whether the invoice's VAT is due on receipts, from its facts as the flow keeps them
    (`Flow.facts`: `vat_due_date_code` is BT-8, `business_process` BT-23)."""
    if not facts:
        return False
    code = facts.get("vat_due_date_code")
    if code:
        return str(code).strip() in VAT_ON_RECEIPTS_CODES
    frame = facts.get("business_process")
    return bool(frame) and str(frame).strip().upper() in SERVICES_FRAMES


def must_receive(status_code: int, *, issued_here: bool, vat_on_receipts: bool) -> bool:
    """Whether the PPF must receive a copy of this status from this platform."""
    if not issued_here:
        return False
    if status_code in ALWAYS_SENT:
        return True
    return status_code == ENCAISSEE and vat_on_receipts
