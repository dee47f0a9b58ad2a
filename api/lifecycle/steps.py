"""The lifecycle's steps in the flows worker (`api.flows.pipeline`), composed by `api.worker`:

issue_deposit_status   after validation: 200 Déposée or 213 Rejetée (one reason per rule
                       broken) for the invoice just deposited, through `record`
"""

from __future__ import annotations

import logging

from api.audit.service import Author
from api.core.errors import AppError
from api.core.invoice_statuses import SIDE_LABELS_FR, Side, Status
from api.core.models import utcnow
from api.flows.pipeline import FlowContext
from api.lifecycle import repository
from api.lifecycle.service import (
    PLATFORM,
    Channel,
    Emitter,
    Payment,
    Reason,
    TransitionRefused,
    record,
    side_of,
)
from api.models.flow import AckStatus, Flow
from api.validation import ReceivedStatus, Syntax, read_status_message, rejection_reasons

logger = logging.getLogger("comptoir.lifecycle")


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
    # Rejected by the rules, or by the platform although the rules accept it (a duplicate).
    details = rejection_reasons(report) if not report.valid else context.rejections
    status = Status.REJETEE if details else Status.DEPOSEE
    reasons = [
        Reason(code=detail.code, label=detail.reason, text=detail.note) for detail in details
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


async def apply_deposited_status(context: FlowContext) -> None:
    """A CDAR message a party's software deposited (not another platform's: routing's), valid
    against the CDAR rules: the status it carries, recorded on the invoice it names, for the
    side the depositor is on that invoice. A message about an invoice the depositor does not
    have, or issued for a side that is not the depositor's, is refused: its acknowledgement
    becomes Error with the reason (`UnknownInvoice`, `NotAParty`, `TransitionRefused`…), and
    it is logged. The same message twice is one status."""
    flow, report = context.flow, context.report
    if report is None or report.syntax is not Syntax.CDAR or flow.peer_platform_id is not None:
        return
    if flow.ack_status != AckStatus.OK:
        return  # the rules refused it: its acknowledgement says why
    try:
        message = read_status_message(report.xml or context.content)
    except ValueError as error:
        _refuse(flow, "InvalidSchema", f"Message illisible : {error}")
        return
    refusal = await _apply(context, message)
    if refusal is not None:
        code, text = refusal
        logger.warning(
            "status message %s of client %s refused (%s): %s", flow.id, flow.client_id, code, text
        )
        _refuse(flow, code, text)


async def _apply(context: FlowContext, message: ReceivedStatus) -> tuple[str, str] | None:
    flow = context.flow
    try:
        status = Status(message.status_code or "")
    except ValueError:
        return "UnknownStatus", f"Statut {message.status_code!r} inconnu."
    side = status.info.side
    role = {Side.BUYER: "BY", Side.SELLER: "SE"}.get(side)
    client = await repository.client(context.session, flow.client_id)
    if role is None:
        return "NotAParty", (
            f"« {status.label} » est émis par une plateforme, pas par le logiciel d'une partie."
        )
    if message.issuer_role != role or client is None or message.issuer_siren != client.siren:
        return "NotAParty", (
            f"« {status.label} » revient au {SIDE_LABELS_FR[side].lower()} ; ce message est émis "
            f"par {message.issuer_role or '?'} {message.issuer_siren or '?'}, l'organisation "
            f"qui le dépose est {client.siren if client else '?'}."
        )
    if not message.invoice_number:
        return "UnknownInvoice", "Le message ne nomme pas de facture (MDT-87)."
    # The invoice of this organisation the message names, on the message's side: issued by it
    # for the seller, received for the buyer — reversed for self-billing (`side_of`).
    invoice, other_side = None, None
    for issued in (side is Side.SELLER, side is not Side.SELLER):
        found = await repository.party_invoice(
            context.session,
            flow.client_id,
            issued=issued,
            number=message.invoice_number,
            seller_siren=message.seller_siren,
        )
        if found is not None and side_of(found) is side:
            invoice = found
            break
        other_side = other_side or found
    if invoice is None:
        if other_side is not None:
            return "NotAParty", (
                f"« {status.label} » revient au {SIDE_LABELS_FR[side].lower()} : cette "
                f"organisation est {'le vendeur' if side is Side.BUYER else 'l’acheteur'} de "
                f"la facture {message.invoice_number}."
            )
        return "UnknownInvoice", (
            f"Aucune facture {message.invoice_number} "
            f"{'émise' if side is Side.SELLER else 'reçue'} par cette organisation."
        )
    principal_author = Author(
        kind="api_key" if flow.api_key_id else "user",
        user_id=flow.deposited_by,
        api_key_id=flow.api_key_id,
    )
    payment = None
    if status in (Status.PAIEMENT_TRANSMIS, Status.ENCAISSEE):
        payment = Payment(amount=message.amount, vat_rate=message.vat_rate, paid_on=message.paid_on)
    try:
        async with context.session.begin_nested():
            recorded = await record(
                context.session,
                invoice,
                status,
                Emitter(side=side, author=principal_author, channel=Channel.CDAR),
                [
                    Reason(
                        code=reason.code,
                        label=reason.reason,
                        text=reason.note,
                        action_code=reason.action_code,
                        action=reason.action,
                    )
                    for reason in message.reasons
                ],
                storage=context.storage,
                settings=context.settings,
                received_cdar=flow,
                message_id=message.message_id,
                payment=payment,
            )
    except TransitionRefused as error:
        return "TransitionRefused", error.detail or error.title
    except AppError as error:
        return error.code, error.detail or error.title
    context.touched.extend(recorded.status_flows)
    # The message belongs to the depositor's invoice flow (its status messages).
    flow.related_flow_id = invoice.id
    return None


def _refuse(flow: Flow, code: str, text: str) -> None:
    flow.ack_status = AckStatus.ERROR
    flow.ack_details = [
        *(flow.ack_details or []),
        {"level": "Error", "item": flow.name, "reasonCode": code, "reasonMessage": text},
    ]
    flow.updated_at = utcnow()
