"""Every status of the catalogue, and every reason code each status admits, produces a CDAR
message the shipped CDAR schema and rules accept: in particular the MDT-77 / MDT-88 pairs that
no use-case example fixes (201, 206, 208, 209, 210, 214, 220, 221, 224–228) against the code
lists of BR-FR-CDV-CL-05, and the reasons against BR-FR-CDV-CL-09."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.core.invoice_statuses import ALLOWED_AFTER, Side, Status, reasons_for
from api.lifecycle import service as lifecycle
from api.validation import Report
from tests.lifecycle.conftest import PERSON_OF, Trade, trade, validate_cdar  # noqa: F401

STATUS_AT = datetime(2025, 7, 2, 9, 30, tzinfo=UTC)


def _before(status: Status) -> Status | None:
    """A status the invoice may be in for `status` to follow (None: a fresh invoice)."""
    allowed = ALLOWED_AFTER[status]
    if None in allowed:
        return None
    return min((candidate for candidate in allowed if candidate is not None), key=str)


def _cdv_findings(report: Report) -> list[str]:
    """Every finding of the CDAR rules, warnings included, and every fatal one."""
    return sorted(
        {
            f"{finding.rule_id}: {finding.message}"
            for finding in report.findings
            if finding.fatal or finding.rule_id.startswith("BR-FR-CDV-CL")
        }
    )


async def _recorded_messages(
    trade: Trade,  # noqa: F811
    status: Status,
    reason: lifecycle.Reason | None,
) -> list[bytes]:
    before = _before(status)
    for flow in (trade.issued, trade.received):
        flow.lifecycle_status = before.code if before else None
    emitter = (
        lifecycle.PLATFORM if status.info.side is Side.PLATFORM else PERSON_OF[status.info.side]
    )
    payment = lifecycle.Payment(vat_rate=None) if status is Status.ENCAISSEE else None
    recorded = await trade.record(status, emitter, reason, payment=payment, at=STATUS_AT)
    assert recorded.created
    return [await trade.content(flow) for flow in recorded.status_flows]


@pytest.mark.parametrize("status", list(Status), ids=lambda status: status.value)
async def test_every_status_makes_a_message_the_cdar_rules_accept(
    trade: Trade,  # noqa: F811
    status: Status,
) -> None:
    reason = None
    if status.info.needs_reason or status in (Status.DEPOSEE, Status.ERREUR_ROUTAGE):
        reason = lifecycle.Reason(code=min(reasons_for(status)))
    if status is Status.DEPOSEE:
        reason = None  # its only reason (NON_TRANSMISE) says the invoice was not sent
    messages = await _recorded_messages(trade, status, reason)
    assert messages, f"{status.value}: no message written"
    for content in messages:
        text = content.decode()
        assert f"<ram:ProcessConditionCode>{status.value}</ram:ProcessConditionCode>" in text
        assert f"<ram:StatusCode>{status.info.document_status_code}</ram:StatusCode>" in text, (
            status.value
        )
        report = await validate_cdar(content)
        assert _cdv_findings(report) == [], (status.value, status.info.document_status_code)


REASONED = [
    pytest.param(
        status,
        code,
        id=f"{status.value}-{code}",
    )
    for status in Status
    if status.info.needs_reason or status is Status.ERREUR_ROUTAGE
    for code in sorted(reasons_for(status))
]


@pytest.mark.parametrize(("status", "code"), REASONED)
async def test_every_reason_a_status_admits_passes_the_cdar_rules(
    trade: Trade,  # noqa: F811
    status: Status,
    code: str,
) -> None:
    [*messages] = await _recorded_messages(trade, status, lifecycle.Reason(code=code))
    assert messages
    for content in messages:
        report = await validate_cdar(content)
        assert _cdv_findings(report) == [], (status.value, code)
