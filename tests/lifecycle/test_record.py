"""`record`: who may emit a status, which status may follow which, the history, the messages
it writes (each passing the shipped CDAR rules), the PPF copies, idempotency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from api.core.invoice_statuses import CATALOGUE, Side, Status
from api.lifecycle import repository
from api.lifecycle.service import (
    PLATFORM,
    InvoiceClosed,
    NotEmitter,
    Payment,
    Reason,
    ReasonRefused,
    ReasonRequired,
    TransitionRefused,
)
from api.models.flow import Flow, FlowDirection, PpfStatusCopy
from tests.lifecycle.conftest import BUYER, SELLER, Trade, validate_cdar


def test_every_status_of_the_cdar_code_list_has_a_label_and_a_side() -> None:
    codes = {status.value for status in Status}
    assert codes == {str(code) for code in [*range(200, 215), 220, 221, *range(224, 229)]}
    assert all(info.label and info.side in Side for info in CATALOGUE.values())


async def test_uc1_nominal_sequence_is_recorded_with_valid_messages(trade: Trade) -> None:
    await trade.record(Status.DEPOSEE, PLATFORM)
    await trade.record(Status.RECUE, PLATFORM)
    await trade.record(Status.MISE_A_DISPOSITION, PLATFORM)
    await trade.record(Status.PRISE_EN_CHARGE, BUYER, flow=trade.received)
    await trade.record(Status.APPROUVEE, BUYER, flow=trade.received)
    await trade.record(Status.PAIEMENT_TRANSMIS, BUYER, flow=trade.received)
    cashed = await trade.record(
        Status.ENCAISSEE, SELLER, payment=Payment(amount=Decimal("12000"), vat_rate=Decimal(20))
    )

    history = await repository.history(trade.session, trade.issued.id)
    assert [entry.status for entry in history] == [200, 202, 203, 204, 205, 211, 212]
    assert [entry.side for entry in history] == ["platform"] * 3 + ["buyer"] * 3 + ["seller"]
    assert trade.issued.lifecycle_status == 212
    assert trade.received.lifecycle_status == 212
    assert cashed.entry.amount == Decimal("12000.00")
    messages = (await trade.session.scalars(select(Flow).where(Flow.syntax == "CDAR"))).all()
    assert messages
    for message in messages:
        report = await validate_cdar(await trade.content(message))
        assert report.fatal_findings == (), (message.name, report.fatal_findings)
    copies = (await trade.session.scalars(select(PpfStatusCopy))).all()
    assert sorted(copy.status_code for copy in copies) == [200, 212]
    for copy in copies:
        report = await validate_cdar(copy.message.encode())
        assert report.fatal_findings == (), report.fatal_findings
    # The seller gets the buyer's answers, the buyer the seller's 212.
    seller_inbox = [
        flow.lifecycle_status or 0
        for flow in messages
        if flow.client_id == trade.seller.id and flow.direction == FlowDirection.IN
    ]
    assert sorted(seller_inbox) == [200, 202, 203, 204, 205, 211]
    buyer_inbox = [
        flow.lifecycle_status or 0
        for flow in messages
        if flow.client_id == trade.buyer.id and flow.direction == FlowDirection.IN
    ]
    assert sorted(buyer_inbox) == [202, 203, 212]


async def test_a_refused_invoice_stays_refused(trade: Trade) -> None:
    for status in (Status.DEPOSEE, Status.RECUE, Status.MISE_A_DISPOSITION):
        await trade.record(status, PLATFORM)
    await trade.record(Status.REFUSEE, BUYER, Reason("CMD_ERR", "Commande inconnue"))
    with pytest.raises(InvoiceClosed) as closed:
        await trade.record(Status.APPROUVEE, BUYER)
    assert closed.value.status == 409
    assert trade.issued.lifecycle_status == 210
    copies = (await trade.session.scalars(select(PpfStatusCopy.status_code))).all()
    assert sorted(copies) == [200, 210]


async def test_statuses_out_of_order_or_from_the_wrong_side_are_refused(trade: Trade) -> None:
    await trade.record(Status.DEPOSEE, PLATFORM)
    with pytest.raises(TransitionRefused):
        await trade.record(Status.APPROUVEE, BUYER)  # not yet made available to the buyer
    with pytest.raises(NotEmitter):
        await trade.record(Status.ENCAISSEE, BUYER)
    with pytest.raises(NotEmitter):
        await trade.record(Status.APPROUVEE, SELLER)
    for status in (Status.RECUE, Status.MISE_A_DISPOSITION):
        await trade.record(status, PLATFORM)
    with pytest.raises(ReasonRequired):
        await trade.record(Status.EN_LITIGE, BUYER)
    with pytest.raises(ReasonRefused):
        await trade.record(Status.REFUSEE, BUYER, Reason("REJ_SEMAN"))
    entries = await repository.history(trade.session, trade.issued.id)
    assert [entry.status for entry in entries] == [200, 202, 203]


async def test_the_same_status_twice_is_one_status(trade: Trade) -> None:
    first = await trade.record(Status.DEPOSEE, PLATFORM)
    again = await trade.record(Status.DEPOSEE, PLATFORM)
    assert first.created
    assert not again.created
    assert again.entry.id == first.entry.id
    count = await trade.session.scalar(select(func.count()).select_from(PpfStatusCopy))
    assert count == 1
    assert len(await repository.history(trade.session, trade.issued.id)) == 1
    messages = await trade.session.scalar(
        select(func.count()).select_from(Flow).where(Flow.syntax == "CDAR")
    )
    assert messages == 1
