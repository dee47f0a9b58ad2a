"""A flow's readable view names the invoice's status as the screens do, whichever it is."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from api.core.invoice_statuses import Status
from api.flows.readable import readable_html
from api.models.flow import AckStatus, Flow, FlowDirection


def _flow(lifecycle_status: int | None, ack_status: AckStatus = AckStatus.OK) -> Flow:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    return Flow(
        id=uuid.uuid4(),
        firm_id=uuid.uuid4(),
        client_id=uuid.uuid4(),
        direction=FlowDirection.OUT,
        flow_type="CustomerInvoice",
        syntax="CII",
        profile="CIUS",
        name="F1.xml",
        sha256="0" * 64,
        size=1,
        media_type="application/xml",
        blob_key="k",
        submitted_at=now,
        updated_at=now,
        ack_status=ack_status,
        lifecycle_status=lifecycle_status,
        facts={"number": "F1"},
    )


@pytest.mark.parametrize("status", list(Status), ids=lambda status: status.value)
def test_every_status_is_named_in_the_readable_view(status: Status) -> None:
    page = readable_html(_flow(status.code)).decode()
    assert f"statut : {status.label} ({status.value})" in page


def test_a_flow_still_being_checked_shows_its_acknowledgement() -> None:
    assert "statut : Pending" in readable_html(_flow(None, AckStatus.PENDING)).decode()


def test_a_status_code_the_catalogue_does_not_know_is_shown_as_its_code() -> None:
    assert "statut : 299<" in readable_html(_flow(299)).decode()
