"""What the PPF would receive, end to end: the copies `record()` queues for the UC1 sequence
are the standard's `_POUR_PPF` messages field by field (only the message's own id, name and
creation time differ, and the PPF's id of release 1.4), each with its outbox message; a 212
under the option for debits, and statuses received from another platform, queue nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from api.core.invoice_statuses import Status
from api.lifecycle.service import PLATFORM, Payment, Reason
from api.models.flow import PpfStatusCopy
from api.models.outbox_message import OutboxMessage
from api.ppf import service as ppf_service
from tests.lifecycle.conftest import BUYER, DEPOSITED_AT, SELLER, Trade, trade, uc1_facts
from tests.ppf.test_copy import EXAMPLES, Rows, _fields
from tests.shared_data import needs_shared

__all__ = ["trade"]

pytestmark = needs_shared(EXAMPLES)

CASHED_AT = datetime(2025, 8, 2, 8, 0, tzinfo=UTC)  # 10:00 in Paris, as the 212 example says
UC1 = EXAMPLES / "UC1"


@pytest.fixture
def uc1(trade: Trade) -> Trade:
    """The trade on the seller's platform of the examples: « PA-E Vendeur », matricule 0003."""
    trade.settings = trade.settings.model_copy(
        update={"platform_name": "PA-E Vendeur", "platform_registration_number": "0003"}
    )
    return trade


SEQUENCE = (
    "CrossDomainAcknowledgementAndResponse/AcknowledgementDocument/ReferenceReferencedDocument"
    "/SpecifiedDocumentStatus/SequenceNumeric"
)


def _comparable(rows: Rows) -> Rows:
    """The fields that must match: not MDT-4 / MDT-5 / MDT-8 (this message's own id, name and
    creation time), nor MDT-124-2 (the detail's sequence number, which release 1.4 requires,
    BR-FR-CDV-16, and the 1.2 example of the 212 lacks); the PPF's id as release 1.4 writes
    it."""
    own = {
        "CrossDomainAcknowledgementAndResponse/ExchangedDocument/ID",
        "CrossDomainAcknowledgementAndResponse/ExchangedDocument/Name",
        "CrossDomainAcknowledgementAndResponse/ExchangedDocument/IssueDateTime/DateTimeString",
        SEQUENCE,
    }
    kept = []
    for path, attributes, text in rows:
        if path in own:
            continue
        if path.endswith("RecipientTradeParty/GlobalID") and text == "9998":
            text = "0000"
        if path.endswith(("/ValueAmount", "/ValuePercent")):
            text = str(Decimal(text).normalize())  # 12000 and 12000.00 are one amount
        kept.append((path, attributes, text))
    return kept


async def _uc1_until_cashed(trade: Trade) -> None:
    await trade.record(Status.DEPOSEE, PLATFORM, at=DEPOSITED_AT)
    await trade.record(Status.RECUE, PLATFORM)
    await trade.record(Status.MISE_A_DISPOSITION, PLATFORM)
    await trade.record(Status.PRISE_EN_CHARGE, BUYER, flow=trade.received)
    await trade.record(Status.APPROUVEE, BUYER, flow=trade.received)
    await trade.record(Status.PAIEMENT_TRANSMIS, BUYER, flow=trade.received)
    await trade.record(
        Status.ENCAISSEE,
        SELLER,
        payment=Payment(amount=Decimal("12000"), vat_rate=Decimal(20)),
        at=CASHED_AT,
    )


async def _copies(trade: Trade) -> dict[int, PpfStatusCopy]:
    copies = (await trade.session.scalars(select(PpfStatusCopy))).all()
    return {copy.status_code: copy for copy in copies}


async def test_the_uc1_copies_are_the_pour_ppf_messages_field_by_field(uc1: Trade) -> None:
    await _uc1_until_cashed(uc1)

    copies = await _copies(uc1)

    assert sorted(copies) == [200, 212]
    for code, example in [
        (200, "UC1_F202500003_01-CDV-200_Deposee_POUR_PPF.xml"),
        (212, "UC1_F202500003_07-CDV-212_Encaissee_POUR_PPF.xml"),
    ]:
        queued = _comparable(_fields(copies[code].message.encode()))
        expected = _comparable(_fields((UC1 / example).read_bytes()))
        assert queued == expected, code
    assert (SEQUENCE, {}, "1") in _fields(copies[212].message.encode())
    keys = set(
        await uc1.session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == ppf_service.COPY_KIND)
        )
    )
    assert keys == {f"ppf:{copy.id}" for copy in copies.values()}


async def test_a_212_under_the_option_for_debits_is_not_copied(trade: Trade) -> None:
    facts: dict[str, Any] = uc1_facts() | {"business_process": "S1", "vat_due_date_code": "3"}
    trade.issued.facts = facts
    trade.received.facts = facts
    await trade.session.flush()

    await _uc1_until_cashed(trade)

    assert sorted(await _copies(trade)) == [200]


async def test_a_status_received_from_the_other_platform_is_not_copied(trade: Trade) -> None:
    await trade.record(Status.DEPOSEE, PLATFORM, at=DEPOSITED_AT)
    await trade.record(Status.RECUE, PLATFORM)
    await trade.record(Status.MISE_A_DISPOSITION, PLATFORM)
    await trade.record(
        Status.REFUSEE,
        BUYER,
        Reason("CMD_ERR", "Commande inconnue"),
        flow=trade.received,
        from_other_platform=True,
    )

    assert sorted(await _copies(trade)) == [200]
