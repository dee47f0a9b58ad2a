"""The invoice lifecycle: one function, `record`, through which every status of an invoice
passes — the platform's own (200 Déposée, 213 Rejetée, 202 Reçue, 203 Mise à disposition,
221 Erreur de routage), the buyer's and the seller's answers made in the screens or the API, and
the statuses received in a CDAR message (docs/flows.md, « Cycle de vie »).

    record(session, invoice_flow, status, emitter, reason=None, *, storage, settings,
           received_cdar=None, message_id=None, payment=None, at=None,
           from_other_platform=False) -> Recorded

It checks who emits the status and that it may follow the invoice's current one, appends it to
the history, moves `flows.lifecycle_status`, writes the CDAR message (unless one was received),
keeps it as a flow of each party on this platform, queues the PPF's copy when the PPF must
receive it, and announces the change (Flow Service webhooks and the `invoice.status_changed`
webhook event). The same status from the same side twice, or the same CDAR message twice, is
one status: the second call answers the first entry with `created=False`.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import BlobStorage, blob_key
from api.audit import service as audit
from api.audit.service import SYSTEM, Author
from api.core.actor import Actor
from api.core.authz import Permission, Principal
from api.core.errors import AppError, NotFound
from api.core.invoice_statuses import (
    ALLOWED_AFTER,
    FINAL,
    REASON_LABELS,
    SIDE_LABELS_FR,
    Side,
    Status,
    reasons_for,
)
from api.core.models import utcnow
from api.core.pagination import (
    InvalidCursor,
    PageParams,
    decode_cursor,
    encode_cursor,
    sequence_page,
)
from api.core.settings import Settings
from api.documents import service as documents_service
from api.flows import schemas as flow_schemas
from api.flows.service import SELF_BILLED, announce_all
from api.lifecycle import repository, schemas
from api.models.flow import AckStatus, Flow, FlowDirection
from api.models.invoice_route import SEND_STATUS_KIND
from api.models.lifecycle import InvoiceStatusEntry
from api.outbox import service as outbox
from api.ppf import rules as ppf_rules
from api.ppf import service as ppf_service
from api.validation import (
    PPF,
    InvoiceFacts,
    PartyRole,
    StatusCharacteristic,
    StatusParty,
    StatusReason,
    Syntax,
    build_status_message,
    cdar_stamp,
)
from api.webhooks import service as webhooks
from api.webhooks.events import WebhookEvent

# --- who emits -------------------------------------------------------------------------------


class Channel(StrEnum):
    API = "api"  # a person or an integration, on /api/v1
    CDAR = "cdar"  # a CDAR message deposited on the Flow Service
    PLATFORM = "platform"  # the platform's own steps (validation, routing)


@dataclass(frozen=True, slots=True)
class Emitter:
    """Who emits a status: the side it speaks for, and the author the history keeps (the
    audit trail's kinds: a person, a device, an API key, or the platform)."""

    side: Side
    author: Author
    channel: Channel

    @classmethod
    def of(cls, side: Side, principal: Principal, channel: Channel = Channel.API) -> Emitter:
        return cls(side=side, author=Author.of(principal), channel=channel)


PLATFORM = Emitter(side=Side.PLATFORM, author=SYSTEM, channel=Channel.PLATFORM)


@dataclass(frozen=True, slots=True)
class Reason:
    """MDT-113 code (`REASON_LABELS`), with a free text (MDT-126) and, for a dispute, the
    action expected from the seller (MDT-121 / 122: « CNF » Créer un avoir total…)."""

    code: str
    text: str | None = None
    label: str | None = None  # MDT-114; default: the code's French label
    action_code: str | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """211 Paiement transmis / 212 Encaissée: the amount (default: the invoice's total), the
    VAT rate of a 212 (BR-FR-CDV-14; default: the invoice's only rate), the day of payment.
    Whether the PPF receives the 212 is the invoice's to say (VAT on receipts, `api.ppf`)."""

    amount: Decimal | None = None
    vat_rate: Decimal | None = None
    paid_on: date | None = None


@dataclass(slots=True)
class Recorded:
    entry: InvoiceStatusEntry
    created: bool  # False: the same status was already recorded (idempotent replay)
    invoice_flow: Flow
    status_flows: list[Flow] = field(default_factory=list)  # the CDAR flows written now


# --- errors ----------------------------------------------------------------------------------


class TransitionRefused(AppError):
    status = 409
    code = "lifecycle-transition-refused"
    title = "Changement de statut impossible"


class InvoiceClosed(TransitionRefused):
    code = "lifecycle-invoice-closed"
    title = "Le statut de cette facture ne change plus"


class NotEmitter(AppError):
    status = 422
    code = "lifecycle-not-emitter"
    title = "Statut réservé à une autre partie"


class ReasonRequired(AppError):
    status = 422
    code = "lifecycle-reason-required"
    title = "Motif obligatoire"


class ReasonRefused(AppError):
    status = 422
    code = "lifecycle-reason-refused"
    title = "Motif non admis pour ce statut"


class PaymentIncomplete(AppError):
    status = 422
    code = "lifecycle-payment-incomplete"
    title = "Montant ou taux de TVA manquant"


class NotAnInvoice(AppError):
    status = 422
    code = "lifecycle-not-an-invoice"
    title = "Ce flux n'est pas une facture identifiable"


# --- the one function ------------------------------------------------------------------------


async def record(
    session: AsyncSession,
    invoice_flow: Flow,
    status: Status,
    emitter: Emitter,
    reason: Reason | Sequence[Reason] | None = None,
    *,
    storage: BlobStorage,
    settings: Settings,
    received_cdar: Flow | None = None,
    message_id: str | None = None,
    payment: Payment | None = None,
    at: datetime | None = None,
    from_other_platform: bool = False,
) -> Recorded:
    """Record `status` on the invoice of `invoice_flow` (the module docstring says what
    follows). `invoice_flow` may be the invoice as deposited or as delivered to its buyer: the
    history is the deposited one's. `received_cdar` is the CDAR flow that carried the status
    (its MDT-4 in `message_id`): no message is written then, the received one is passed on.
    `from_other_platform`: the status came from the counterpart's platform, which sends its own
    copy to the PPF. Flushes; the caller's unit of work commits. Raises `NotEmitter`,
    `ReasonRequired`, `ReasonRefused`, `PaymentIncomplete` (422), `TransitionRefused` /
    `InvoiceClosed` (409)."""
    reasons = _reasons(reason)
    invoice, copies = await _invoice_of(session, invoice_flow)
    history = await repository.history(session, invoice.id)  # a few rows: read once
    info = status.info
    if emitter.side != info.side:
        raise NotEmitter(
            f"« {info.label} » est émis par le côté {SIDE_LABELS_FR[info.side].lower()}, "
            f"pas par le côté {SIDE_LABELS_FR[emitter.side].lower()}."
        )
    if message_id is not None:
        replay = next((entry for entry in history if entry.message_id == message_id), None)
        if replay is not None:
            return Recorded(replay, created=False, invoice_flow=invoice)
    latest = history[-1] if history else None
    if latest is not None and latest.status == status.code and latest.side == emitter.side:
        return Recorded(latest, created=False, invoice_flow=invoice)
    _check_reasons(status, reasons)
    current = Status(str(invoice.lifecycle_status)) if invoice.lifecycle_status else None
    _check_transition(current, status)
    facts = _facts(invoice)
    if not facts.number:
        raise NotAnInvoice("La facture n'a pas de numéro (BT-1) : aucun statut ne peut la citer.")
    characteristics = _characteristics(status, payment, facts)
    now = utcnow()
    status_at = at or now
    received_at = _received_at(history, invoice, status, current, status_at)
    message_id = message_id or _message_id(history, status, facts, received_at)
    facts = await _with_owner(session, invoice, facts)
    parties = _Parties.of(facts, settings)
    recipients = parties.recipients(
        status,
        current,
        ppf=_ppf_needed(status, invoice),
        received=invoice.peer_platform_id is not None,
    )
    # The other platform the invoice is exchanged with hears of every status but its own.
    counterpart = await repository.counterpart_platform(session, invoice)
    issuer = parties.issuer(status)
    details = [
        StatusReason(
            code=item.code,
            reason=item.label or REASON_LABELS.get(item.code, item.code),
            note=item.text,
            action_code=item.action_code,
            action=item.action,
        )
        for item in reasons
    ]

    def message() -> bytes:
        return build_status_message(
            status=status,
            invoice=facts,
            platform=parties.platform,
            recipients=recipients,
            issuer=issuer,
            status_at=status_at,
            received_at=received_at,
            reasons=details,
            characteristics=characteristics,
            issued_at=now,
            message_id=message_id,
            # MDT-5, free: the invoice flow's id tells apart the messages of one invoice
            # deposited twice at the same second (as a PDF and as an XML).
            name=f"{facts.number}-CDV-{status.value}_{_ascii(status.cdar_label)}"
            f"_{invoice.id.hex[:12]}",
        )

    content = await _read(storage, received_cdar.blob_key) if received_cdar else message()
    written, message_stored = await _deliver_message(
        session,
        storage,
        invoice=invoice,
        copies=copies,
        status=status,
        emitter=emitter,
        recipients=recipients,
        content=content,
        received_cdar=received_cdar,
        now=now,
        for_other_platform=counterpart is not None and not from_other_platform,
    )
    carrier = received_cdar or (written[0] if written else None)
    if carrier is not None and counterpart is not None and not from_other_platform:
        # One message per status to that platform, retried by the outbox (`api.routing`
        # sends it: `SEND_STATUS_KIND`).
        await outbox.enqueue(
            session,
            SEND_STATUS_KIND,
            {"status_flow_id": str(carrier.id)},
            dedupe_key=f"{SEND_STATUS_KIND}:{carrier.id}",
        )
    if carrier is not None:
        # The PPF's copy is the parties' message as the PPF receives it (api.ppf decides
        # whether it is due, and sends it through the outbox).
        await ppf_service.queue_copy(
            session,
            settings,
            status_flow_id=carrier.id,
            invoice_flow_id=invoice.id,
            status_code=status.code,
            message=content,
            invoice_facts=invoice.facts,
            issued_here=not from_other_platform,
        )
    first = reasons[0] if reasons else None
    amount = characteristics[0].amount if characteristics else None
    entry = InvoiceStatusEntry(
        id=uuid.uuid4(),
        invoice_flow_id=invoice.id,
        status=status.code,
        side=emitter.side.value,
        author_kind=emitter.author.kind,
        author_user_id=emitter.author.user_id,
        author_device_id=emitter.author.device_id,
        author_api_key_id=emitter.author.api_key_id,
        channel=(Channel.CDAR if received_cdar else emitter.channel).value,
        occurred_at=status_at,
        reason_code=first.code if first else None,
        reason_text=(first.text or first.label or REASON_LABELS.get(first.code)) if first else None,
        amount=amount,
        vat_rate=(
            str(characteristics[0].percent)
            if characteristics and characteristics[0].percent is not None
            else None
        ),
        message_id=message_id[:255],
        cdar_flow_id=carrier.id if carrier else None,
    )
    session.add(entry)
    touched = [invoice, *copies]
    if not status.info.informational:
        for flow in touched:
            flow.lifecycle_status = status.code
            flow.updated_at = now
    await session.flush()
    await announce_all(session, [*touched, *written])
    await webhooks.publish_each(
        session,
        WebhookEvent.INVOICE_STATUS_CHANGED,
        [(flow.firm_id, _event(flow, invoice, entry, status)) for flow in touched],
    )
    if message_stored is not None:
        await message_stored.wait()  # the message is on disk before the status commits
    return Recorded(entry, created=True, invoice_flow=invoice, status_flows=written)


# --- the pieces ------------------------------------------------------------------------------


def _reasons(reason: Reason | Sequence[Reason] | None) -> list[Reason]:
    if reason is None:
        return []
    if isinstance(reason, Reason):
        return [reason]
    return list(reason)


async def _invoice_of(session: AsyncSession, flow: Flow) -> tuple[Flow, list[Flow]]:
    """The invoice as deposited (where its history lives) and its delivered copies, locked."""
    await session.flush()  # the caller's changes to the flow, before it is read again
    if flow.syntax == Syntax.CDAR.value:
        raise NotAnInvoice("Un message de cycle de vie n'a pas de statut propre.")
    if flow.direction == FlowDirection.IN and flow.related_flow_id is not None:
        # A delivered copy: its history is its origin's (unless that is no invoice).
        origin, copies = await repository.lock_invoice(session, flow.related_flow_id)
        if origin is not None and origin.syntax != Syntax.CDAR.value:
            return origin, copies
    locked, copies = await repository.lock_invoice(session, flow.id)
    assert locked is not None
    return locked, copies


async def _with_owner(session: AsyncSession, invoice: Flow, facts: InvoiceFacts) -> InvoiceFacts:
    """An invoice that does not name its party by SIREN: the client it was deposited for (or
    delivered to) is that party (read only then)."""
    issued = side_of(invoice) is Side.SELLER
    if facts.seller_siren if issued else facts.buyer_siren:
        return facts
    owner = await repository.client(session, invoice.client_id)
    if owner is None:
        return facts
    if issued:
        return replace(
            facts, seller_siren=owner.siren, seller_name=facts.seller_name or owner.legal_name
        )
    return replace(facts, buyer_siren=owner.siren, buyer_name=facts.buyer_name or owner.legal_name)


def _check_reasons(status: Status, reasons: Sequence[Reason]) -> None:
    if status.info.needs_reason and not reasons:
        raise ReasonRequired(f"« {status.label} » s'accompagne d'un motif (BR-FR-CDV-15).")
    allowed = reasons_for(status)
    for reason in reasons:
        if reason.code not in allowed:
            raise ReasonRefused(
                f"Le motif {reason.code} n'est pas admis pour « {status.label} » "
                f"(admis : {', '.join(sorted(allowed))}).",
                extra={"allowed_reasons": sorted(allowed)},
            )


def _check_transition(current: Status | None, status: Status) -> None:
    if current in FINAL:
        assert current is not None
        raise InvoiceClosed(
            f"La facture est « {current.label} » : ce statut est définitif, "
            f"« {status.label} » ne peut plus être enregistré.",
            extra={"current_status": current.code, "requested_status": status.code},
        )
    if current not in ALLOWED_AFTER[status]:
        now = f"« {current.label} »" if current else "en cours de contrôle"
        raise TransitionRefused(
            f"« {status.label} » ne peut pas suivre le statut actuel de la facture ({now}).",
            extra={
                "current_status": current.code if current else None,
                "requested_status": status.code,
            },
        )


def _text(facts: dict[str, Any], name: str) -> str | None:
    value = facts.get(name)
    return str(value) if value not in (None, "") else None


def _decimal(facts: dict[str, Any], name: str) -> Decimal | None:
    value = facts.get(name)
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _facts(flow: Flow) -> InvoiceFacts:
    """The invoice as the validation read it (the flow's columns and its `facts`)."""
    stored = flow.facts or {}
    return InvoiceFacts(
        number=flow.invoice_number,
        type_code=flow.invoice_type_code,
        issue_date=flow.issue_date,
        currency=_text(stored, "currency"),
        total_without_vat=_decimal(stored, "total_without_vat"),
        total_with_vat=_decimal(stored, "total_with_vat"),
        total_vat=_decimal(stored, "total_vat"),
        seller_name=_text(stored, "seller_name"),
        seller_siren=flow.sender_siren or _text(stored, "seller_siren"),
        buyer_name=_text(stored, "buyer_name"),
        buyer_siren=flow.recipient_siren or _text(stored, "buyer_siren"),
        buyer_electronic_address=_text(stored, "buyer_electronic_address"),
        seller_electronic_address=_text(stored, "seller_electronic_address"),
    )


def _ppf_needed(status: Status, invoice: Flow) -> bool:
    """Whether the PPF receives this status (`api.ppf.rules`: 212 only under VAT on receipts,
    which the invoice says)."""
    return ppf_rules.must_receive(
        status.code,
        issued_here=True,
        vat_on_receipts=ppf_rules.vat_due_on_receipts(invoice.facts),
    )


def _characteristics(
    status: Status, payment: Payment | None, facts: InvoiceFacts
) -> list[StatusCharacteristic]:
    if status not in (Status.PAIEMENT_TRANSMIS, Status.ENCAISSEE):
        return []
    payment = payment or Payment()
    amount = payment.amount if payment.amount is not None else facts.total_with_vat
    if amount is None:
        raise PaymentIncomplete("Indiquez le montant payé : la facture n'en donne pas le total.")
    currency = facts.currency or "EUR"
    if status is Status.PAIEMENT_TRANSMIS:
        return [
            StatusCharacteristic(
                type_code="MPA", amount=amount, currency=currency, value_date=payment.paid_on
            )
        ]
    rate = payment.vat_rate
    if rate is None and facts.total_vat is not None and facts.total_without_vat:
        # The invoice's rate when it has only one (its VAT over its net total, a round rate).
        computed = (facts.total_vat * 100 / facts.total_without_vat).quantize(Decimal("0.01"))
        if computed == computed.to_integral_value() or computed in (Decimal("5.50"),):
            rate = computed
    if rate is None:
        raise PaymentIncomplete(
            "Indiquez le taux de TVA du montant encaissé (BR-FR-CDV-14).",
            extra={"field": "vat_rate"},
        )
    return [StatusCharacteristic(type_code="MEN", amount=amount, currency=currency, percent=rate)]


def _received_at(
    history: Sequence[InvoiceStatusEntry],
    invoice: Flow,
    status: Status,
    current: Status | None,
    status_at: datetime,
) -> datetime:
    """MDT-95: when the invoice reached the emitter's side — its deposit for the seller and the
    issuing platform, its reception (202) for the buyer and the receiving platform (a 213
    after the deposit is the receiving side's: reception is the rejection, UC2)."""
    buyer_side = status.info.side is Side.BUYER or status in (
        Status.RECUE,
        Status.MISE_A_DISPOSITION,
    )
    if status is Status.REJETEE and (current is not None or invoice.peer_platform_id is not None):
        buyer_side = True
    if buyer_side:
        for entry in history:
            if entry.status == Status.RECUE.code:
                return entry.occurred_at
        return status_at
    return invoice.submitted_at


def _message_id(
    history: Sequence[InvoiceStatusEntry],
    status: Status,
    facts: InvoiceFacts,
    received_at: datetime,
) -> str:
    """MDT-4 as the examples build it, « F202500003_204_20250701161000#380_20250701 »; a
    status repeated on the same invoice (a second suspension) gets « _2 », « _3 »…"""
    issue_date = facts.issue_date.strftime("%Y%m%d") if facts.issue_date else ""
    base = (
        f"{facts.number}_{status.value}_{cdar_stamp(received_at)}#{facts.type_code or '380'}"
        f"_{issue_date}"
    )[:240]
    taken = {entry.message_id for entry in history if entry.message_id.startswith(base)}
    if base not in taken:
        return base
    counter = 2
    while f"{base}_{counter}" in taken:
        counter += 1
    return f"{base}_{counter}"


@dataclass(frozen=True, slots=True)
class _Parties:
    seller: StatusParty
    buyer: StatusParty
    platform: StatusParty

    @classmethod
    def of(cls, facts: InvoiceFacts, settings: Settings) -> _Parties:
        return cls(
            seller=StatusParty(
                role=PartyRole.SELLER,
                name=facts.seller_name,
                siren=facts.seller_siren,
                # The CDAR rules want an address for every party recipient (BR-FR-CDV-08).
                electronic_address=facts.seller_electronic_address or facts.seller_siren,
            ),
            buyer=StatusParty(
                role=PartyRole.BUYER,
                name=facts.buyer_name,
                siren=facts.buyer_siren,
                electronic_address=facts.buyer_electronic_address or facts.buyer_siren,
            ),
            platform=StatusParty(
                role=PartyRole.PLATFORM,
                name=settings.platform_name,
                platform_id=settings.platform_matricule,
            ),
        )

    def recipients(
        self, status: Status, current: Status | None, *, ppf: bool, received: bool = False
    ) -> list[StatusParty]:
        """As the use-case messages address them: the platform's statuses to the seller (and the
        buyer once it was reached), the buyer's to the seller, the seller's to the buyer; the PPF
        named too on the statuses it receives."""
        side = status.info.side
        if side is Side.BUYER:
            parties = [self.seller]
        elif side is Side.SELLER:
            parties = [self.buyer]
        elif status in (Status.RECUE, Status.MISE_A_DISPOSITION) or (
            # Rejected on its way to the buyer (UC2): the buyer hears of it too. `received`:
            # the invoice came from another platform, so our 213 is the buyer's side's.
            status is Status.REJETEE and (current is not None or received)
        ):
            parties = [self.seller, self.buyer]
        else:
            parties = [self.seller]
        # The PPF is named beside parties named by their SIREN (BR-FR-CDV-02 would otherwise
        # read the message as the PPF's own copy).
        if ppf and any(party.siren for party in parties):
            return [*parties, PPF]
        return parties

    def issuer(self, status: Status) -> StatusParty | None:
        """A processing status is issued by its party; a platform's by the platform (None)."""
        side = status.info.side
        if side is Side.BUYER:
            return self.buyer
        if side is Side.SELLER:
            return self.seller
        return None


async def _one_chunk(content: bytes) -> AsyncIterator[bytes]:
    yield content


async def _read(storage: BlobStorage, key: str) -> bytes:
    return b"".join([chunk async for chunk in storage.read(key)])


async def _deliver_message(
    session: AsyncSession,
    storage: BlobStorage,
    *,
    invoice: Flow,
    copies: Sequence[Flow],
    status: Status,
    emitter: Emitter,
    recipients: Sequence[StatusParty],
    content: bytes,
    received_cdar: Flow | None,
    now: datetime,
    for_other_platform: bool = False,
) -> tuple[list[Flow], _MessageWrite | None]:
    """The message as flows of the parties on this platform: an `Out` flow of the emitting
    party when it acted in the screens or the API (as if its software had deposited it), and an
    `In` flow for each recipient party whose invoice is here. `for_other_platform`: the
    message travels to another platform, so it is kept here even when no party here receives
    it (the platform's 213 of an invoice another platform sent us: an `Out` flow of our
    party, the invoice's own client)."""
    # Each party's invoice flows here: the deposited one is its issuer's, the delivered copies
    # its recipient's (`side_of`: the seller and the buyer, or the reverse for self-billing).
    seller_flows = [flow for flow in (invoice, *copies) if side_of(flow) is Side.SELLER]
    buyer_flows = [flow for flow in (invoice, *copies) if side_of(flow) is Side.BUYER]
    roles = {recipient.role for recipient in recipients}
    targets: list[tuple[Flow, FlowDirection, bool]] = []  # (invoice flow, direction, seller's)
    if received_cdar is None and emitter.side is not Side.PLATFORM:
        sellers = emitter.side is Side.SELLER
        own = next(iter(seller_flows if sellers else buyer_flows), None)
        if own is not None:
            targets.append((own, FlowDirection.OUT, sellers))
    if PartyRole.SELLER in roles:
        targets.extend((flow, FlowDirection.IN, True) for flow in seller_flows)
    if PartyRole.BUYER in roles:
        targets.extend((flow, FlowDirection.IN, False) for flow in buyer_flows)
    if not targets and for_other_platform and received_cdar is None:
        targets.append((invoice, FlowDirection.OUT, side_of(invoice) is Side.SELLER))
    if not targets:
        return [], None
    blob = _MessageWrite(storage, content)
    written = []
    for party_flow, direction, sellers in targets:
        if received_cdar is not None and party_flow.client_id == received_cdar.client_id:
            continue  # the depositor has its own message already
        flow_type = (
            flow_schemas.FlowType.CUSTOMER_INVOICE_LC
            if sellers
            else flow_schemas.FlowType.SUPPLIER_INVOICE_LC
        )
        status_flow = Flow(
            id=uuid.uuid4(),
            firm_id=party_flow.firm_id,
            client_id=party_flow.client_id,
            direction=direction,
            flow_type=flow_type.value,
            syntax=Syntax.CDAR.value,
            profile=flow_schemas.FlowProfile.UNDEFINED.value,
            processing_rule=party_flow.processing_rule,
            processing_rule_source="Computed",
            name=f"{invoice.invoice_number}-CDV-{status.value}.xml"[:255],
            sha256=blob.sha256,
            size=blob.size,
            media_type="application/xml",
            blob_key=blob.key,
            submitted_at=now,
            updated_at=now,
            ack_status=AckStatus.OK,
            lifecycle_status=status.code,
            invoice_number=invoice.invoice_number,
            invoice_type_code=invoice.invoice_type_code,
            issue_date=invoice.issue_date,
            sender_siren=invoice.sender_siren,
            recipient_siren=invoice.recipient_siren,
            related_flow_id=party_flow.id,
            api_key_id=emitter.author.api_key_id if direction == FlowDirection.OUT else None,
            deposited_by=emitter.author.user_id if direction == FlowDirection.OUT else None,
        )
        session.add(status_flow)
        written.append(status_flow)
    await session.flush()
    return written, blob


def _retrieved(task: asyncio.Task[Any]) -> None:
    """A status that failed never waits for its message: the write's own error (if any) is
    taken here, not reported as never retrieved."""
    if not task.cancelled():
        task.exception()


class _MessageWrite:
    """The message being written to the blob store while the status's statements go on: its
    key is its digest's (content-addressed), known before the bytes are on disk, so the flows
    can name it at once. `wait()` before the commit: a committed flow never names a missing
    blob. If the status fails meanwhile, the file is an orphan the blob sweep removes."""

    def __init__(self, storage: BlobStorage, content: bytes) -> None:
        self.sha256 = hashlib.sha256(content).hexdigest()
        self.key = blob_key(self.sha256)
        self.size = len(content)
        self._task = asyncio.create_task(
            storage.put(_one_chunk(content), max_size=len(content) + 1)
        )
        self._task.add_done_callback(_retrieved)

    async def wait(self) -> None:
        stored = await self._task
        if stored.key != self.key:  # every store keys blobs by digest (blob_storage.blob_key)
            raise RuntimeError(f"blob stored as {stored.key}, expected {self.key}")


def _ascii(label: str) -> str:
    table = str.maketrans("àâçéèêëîïôùûüÉ", "aaceeeeiiouuuE")
    return label.translate(table)


def _event(flow: Flow, invoice: Flow, entry: InvoiceStatusEntry, status: Status) -> dict[str, Any]:
    return {
        "invoice_flow_id": str(flow.id),
        "client_id": str(flow.client_id),
        "direction": "issued"
        if flow.id == invoice.id and flow.direction == FlowDirection.OUT
        else "received",
        "invoice_number": invoice.invoice_number,
        "status": status.code,
        "label": status.label,
        "side": entry.side,
        "occurred_at": entry.occurred_at.isoformat(),
        "reason_code": entry.reason_code,
        "reason": entry.reason_text,
        "amount": str(entry.amount) if entry.amount is not None else None,
    }


# --- « Factures reçues » / « Factures émises » (/api/v1/invoices) -----------------------------


class InvoiceNotFound(NotFound):
    code = "invoice-not-found"
    title = "Facture introuvable"


CHECKING_LABEL = "En cours de contrôle"


_PARTY_FR = {Side.SELLER: "le vendeur", Side.BUYER: "l'acheteur", Side.PLATFORM: "la plateforme"}


def side_of(flow: Flow) -> Side:
    """The side of the client whose invoice flow this is: the invoice it issued (deposited,
    `Out`) is the seller's, the one it received the buyer's — the other way round for a
    self-billed invoice (UNTDID 1001 389, 261, 500, 501, 502, 471, 473), which the buyer issues
    in the seller's name: the buyer's software deposits it, the seller receives it."""
    issued = flow.direction == FlowDirection.OUT
    if flow.invoice_type_code in SELF_BILLED:
        issued = not issued
    return Side.SELLER if issued else Side.BUYER


def _current(flow: Flow) -> Status | None:
    return Status(str(flow.lifecycle_status)) if flow.lifecycle_status else None


def available_actions(flow: Flow, principal: Principal) -> list[schemas.InvoiceAction]:
    if not principal.has(Permission.DOCUMENTS_WRITE):
        return []
    side, current = side_of(flow), _current(flow)
    if current in FINAL or flow.ack_status != AckStatus.OK:
        return []
    return [
        action
        for action, status in schemas.ACTION_STATUS.items()
        if status.info.side is side and current in ALLOWED_AFTER[status]
    ]


def _summary(flow: Flow, client_name: str, principal: Principal) -> schemas.InvoiceSummary:
    facts = flow.facts or {}
    current = _current(flow)
    return schemas.InvoiceSummary(
        id=flow.id,
        client_id=flow.client_id,
        client_name=client_name,
        # The list it is in: issued (deposited) by the client, or received by it (a self-billed
        # invoice is issued by its buyer; `actions` follow the client's side).
        direction=(
            schemas.InvoiceDirection.ISSUED
            if flow.direction == FlowDirection.OUT
            else schemas.InvoiceDirection.RECEIVED
        ),
        invoice_number=flow.invoice_number,
        type_code=flow.invoice_type_code,
        issue_date=flow.issue_date,
        seller_name=_text(facts, "seller_name"),
        seller_siren=flow.sender_siren,
        buyer_name=_text(facts, "buyer_name"),
        buyer_siren=flow.recipient_siren,
        total_with_vat=_decimal(facts, "total_with_vat"),
        currency=_text(facts, "currency"),
        status=flow.lifecycle_status,
        status_label=current.label if current else CHECKING_LABEL,
        submitted_at=flow.submitted_at,
        updated_at=flow.updated_at,
        actions=available_actions(flow, principal),
    )


async def list_invoices(
    session: AsyncSession, principal: Principal, params: schemas.InvoiceListParams
) -> schemas.InvoicePage:
    """The invoices received or issued by the clients whose documents `principal` sees (one
    client's with `client_id`), newest first."""
    if params.client_id is not None:
        await documents_service.readable_client(session, principal, params.client_id)
    before = None
    if params.cursor:
        try:
            stamp, last_id = decode_cursor(params.cursor, 2)
            before = (datetime.fromisoformat(stamp), uuid.UUID(last_id))
        except (ValueError, TypeError):
            raise InvalidCursor("Reprenez la liste depuis la première page.") from None
    found = await repository.invoices_page(
        session,
        documents_service.readable_client_ids(principal),
        direction=params.direction.value,
        client_id=params.client_id,
        statuses=params.status,
        before=before,
        limit=params.limit + 1,
    )
    page = found[: params.limit]
    next_cursor = None
    if len(found) > params.limit:
        last = page[-1][0]
        next_cursor = encode_cursor([last.submitted_at.isoformat(), str(last.id)])
    return schemas.InvoicePage(
        items=[_summary(flow, name, principal) for flow, name in page], next_cursor=next_cursor
    )


async def _readable(
    session: AsyncSession, principal: Principal, invoice_id: uuid.UUID
) -> tuple[Flow, str]:
    found = await repository.readable_invoice(
        session, documents_service.readable_client_ids(principal), invoice_id
    )
    if found is None:
        raise InvoiceNotFound()
    return found


async def timeline(
    session: AsyncSession, principal: Principal, invoice_id: uuid.UUID, params: PageParams
) -> schemas.InvoiceTimelinePage:
    """The invoice's statuses, oldest first, as its party sees them (a few per invoice: read
    whole, served in pages)."""
    flow, _name = await _readable(session, principal, invoice_id)
    entries, next_cursor = sequence_page(
        await _timeline(session, flow),
        lambda entry: str(entry.id),
        "timeline",
        params.limit,
        params.cursor,
    )
    return schemas.InvoiceTimelinePage(items=entries, next_cursor=next_cursor)


async def _timeline(session: AsyncSession, flow: Flow) -> list[schemas.InvoiceTimelineEntry]:
    root_id = flow.id
    if flow.direction == FlowDirection.IN and flow.related_flow_id is not None:
        root_id = flow.related_flow_id
    entries = await repository.history(session, root_id)
    names = await repository.user_names(
        session, {entry.author_user_id for entry in entries if entry.author_user_id}
    )
    # The party's own copy of each message (another party's flow is not theirs to open).
    own: dict[int, list[uuid.UUID]] = {}
    for message in await repository.messages_of(session, flow.id):
        own.setdefault(message.lifecycle_status or 0, []).append(message.id)
    result = []
    for entry in entries:
        status = Status(str(entry.status))
        side = Side(entry.side)
        copies = own.get(entry.status) or []
        message_id = entry.cdar_flow_id if entry.cdar_flow_id in copies else None
        if message_id is None and copies:
            message_id = copies.pop(0)
        elif message_id is not None:
            copies.remove(message_id)
        result.append(
            schemas.InvoiceTimelineEntry(
                id=entry.id,
                status=entry.status,
                label=status.label,
                side=side,
                side_label=SIDE_LABELS_FR[side],
                author_kind=entry.author_kind,
                author_name=names.get(entry.author_user_id) if entry.author_user_id else None,
                channel=entry.channel,
                occurred_at=entry.occurred_at,
                reason_code=entry.reason_code,
                reason_label=REASON_LABELS.get(entry.reason_code) if entry.reason_code else None,
                reason_text=entry.reason_text,
                amount=entry.amount,
                message_flow_id=message_id,
            )
        )
    return result


async def invoice_detail(
    session: AsyncSession, principal: Principal, invoice_id: uuid.UUID
) -> schemas.InvoiceDetail:
    flow, name = await _readable(session, principal, invoice_id)
    return schemas.InvoiceDetail(
        **_summary(flow, name, principal).model_dump(), timeline=await _timeline(session, flow)
    )


async def act(
    session: AsyncSession,
    storage: BlobStorage,
    settings: Settings,
    actor: Actor,
    invoice_id: uuid.UUID,
    request: schemas.InvoiceActionRequest,
) -> schemas.InvoiceDetail:
    """One action of a person (or an integration) on an invoice of a client they see: the
    status it means, recorded for the client's side, and audited. The same action twice is one
    status (and one audit event)."""
    done = await _act(session, storage, settings, actor, invoice_id, request)
    if done.recorded.created:
        await audit.record(
            session,
            schemas.AUDIT_ACTION[request.action],
            actor=actor,
            workspace_id=done.flow.firm_id,
            target_type="invoice",
            target_id=done.flow.id,
            data=_audited(done),
        )
    return done.detail


@dataclass(slots=True)
class _Done:
    flow: Flow
    recorded: Recorded
    detail: schemas.InvoiceDetail


def _audited(done: _Done) -> dict[str, Any]:
    entry = done.recorded.entry
    return {
        "client_id": str(done.flow.client_id),
        "invoice_number": done.flow.invoice_number,
        "status": entry.status,
        "reason_code": entry.reason_code,
        "amount": str(entry.amount) if entry.amount is not None else None,
    }


async def _act(
    session: AsyncSession,
    storage: BlobStorage,
    settings: Settings,
    actor: Actor,
    invoice_id: uuid.UUID,
    request: schemas.InvoiceActionRequest,
) -> _Done:
    flow, name = await _readable(session, actor.principal, invoice_id)
    status = schemas.ACTION_STATUS[request.action]
    side = side_of(flow)
    if status.info.side is not side:
        raise NotEmitter(
            f"« {status.label} » revient au {SIDE_LABELS_FR[status.info.side].lower()} : "
            f"ce client est {_PARTY_FR[side]} de cette facture."
        )
    reason = None
    if request.reason_code is not None:
        reason = Reason(code=request.reason_code, text=request.reason_text)
    elif request.reason_text:
        reason = (
            Reason(code="AUTRE", text=request.reason_text) if status.info.needs_reason else None
        )
    payment = None
    if status in (Status.PAIEMENT_TRANSMIS, Status.ENCAISSEE):
        payment = Payment(
            amount=request.amount,
            vat_rate=request.vat_rate,
            paid_on=request.paid_on,
        )
    recorded = await record(
        session,
        flow,
        status,
        Emitter.of(side, actor.principal),
        reason,
        storage=storage,
        settings=settings,
        payment=payment,
    )
    await session.refresh(flow)
    detail = schemas.InvoiceDetail(
        **_summary(flow, name, actor.principal).model_dump(),
        timeline=await _timeline(session, flow),
    )
    return _Done(flow=flow, recorded=recorded, detail=detail)


async def act_in_bulk(
    session: AsyncSession,
    storage: BlobStorage,
    settings: Settings,
    actor: Actor,
    request: schemas.InvoiceBulkActionRequest,
) -> schemas.InvoiceBulkOutcome:
    """The same action on many invoices, each on its own: one refused never stops the others.
    Each status recorded is audited, the events appended together."""
    results = []
    audited: dict[uuid.UUID, list[tuple[object, dict[str, Any]]]] = {}
    for invoice_id in dict.fromkeys(request.invoice_ids):
        try:
            async with session.begin_nested():
                done = await _act(session, storage, settings, actor, invoice_id, request)
        except AppError as error:
            results.append(
                schemas.InvoiceBulkResult(
                    id=invoice_id,
                    ok=False,
                    status=None,
                    error=schemas.InvoiceBulkProblem(
                        code=error.code, title=error.title, detail=error.detail
                    ),
                )
            )
            continue
        if done.recorded.created:
            audited.setdefault(done.flow.firm_id, []).append((done.flow.id, _audited(done)))
        results.append(
            schemas.InvoiceBulkResult(id=invoice_id, ok=True, status=done.detail.status, error=None)
        )
    for firm_id, targets in audited.items():
        await audit.record_many(
            session,
            schemas.AUDIT_ACTION[request.action],
            author=Author.of(actor.principal),
            origin=actor.origin,
            workspace_id=firm_id,
            target_type="invoice",
            targets=targets,
        )
    return schemas.InvoiceBulkOutcome(results=results)


def catalogue() -> schemas.InvoiceCatalogue:
    return schemas.InvoiceCatalogue(
        statuses=[
            schemas.InvoiceStatusOut(
                code=status.code, label=status.label, side=status.info.side, final=status in FINAL
            )
            for status in Status
        ],
        actions=[
            schemas.InvoiceActionOut(
                action=action,
                status=status.code,
                label=status.label,
                side=status.info.side,
                reason_required=status.info.needs_reason,
                reasons=[
                    schemas.InvoiceReasonOut(code=code, label=REASON_LABELS[code])
                    for code in sorted(reasons_for(status))
                    if code in REASON_LABELS
                ],
            )
            for action, status in schemas.ACTION_STATUS.items()
        ],
    )
