"""The lifecycle's steps in the flows worker (`api.flows.pipeline`), composed by `api.worker`:

issue_deposit_status   after validation: 200 Déposée or 213 Rejetée (one reason per rule
                       broken) for the invoice just deposited, through `record`
"""

from __future__ import annotations

from api.flows.pipeline import FlowContext
from api.lifecycle.catalogue import Status
from api.lifecycle.service import PLATFORM, Reason, record
from api.validation import Syntax, rejection_reasons


async def issue_deposit_status(context: FlowContext) -> None:
    """200 / 213 for a deposited invoice. An invoice without a number (BT-1) cannot be named by
    a message: its acknowledgement alone says why it was rejected."""
    flow, report = context.flow, context.report
    if report is None or report.syntax in (None, Syntax.CDAR) or report.facts is None:
        return
    if not report.facts.number:
        return
    if flow.peer_platform_id is not None:  # its issuer's platform said 200 already
        return
    status = Status.DEPOSEE if report.valid else Status.REJETEE
    reasons = [
        Reason(code=detail.code, label=detail.reason, text=detail.note)
        for detail in (rejection_reasons(report) if not report.valid else ())
    ]
    recorded = await record(
        context.session,
        flow,
        status,
        PLATFORM,
        reasons,
        storage=context.storage,
        settings=context.settings,
        at=flow.submitted_at,
    )
    context.touched.extend(recorded.status_flows)
