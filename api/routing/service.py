"""Routing: a valid invoice reaches its buyer (docs/flows.md « Routage »).

    queue_routing            pipeline step: a valid invoice, or a flow another platform
                             deposited, gets one routing job in the validation's transaction
    InvoiceRouting.handle    the job (outbox kind `routing.route`):
      an invoice deposited here   the buyer's directory line in effect on the invoice date
                                  (`finder`) says where it goes:
          this platform           delivered to the buyer's client: an `In` flow of its own,
                                  filed as its document; 202 Reçue then 203 Mise à disposition
          another platform        handed to the transport towards that platform (a configured
                                  peer: its Flow Service over HTTP; any other: Peppol AS4, when
                                  this platform is an access point); its CDAR messages come
                                  back the same way
          no line (or no way)     221 Erreur de routage to the issuer
      an invoice another platform delivered   received: 202 then 203, sent back to it
      a CDAR another platform delivered       the status of the invoice we sent it, if that
                                              platform is the invoice's counterpart (else
                                              refused and logged)
    status_sender            the job (outbox kind `routing.send_status`): a status message
                             about an invoice exchanged with another platform goes to it

Delivered once: the invoice's route row is written in the transaction that delivers it (a local
delivery) or before the transport is called (a peer delivery, whose retries deposit the same
file, which the other platform recognises), and a redelivered job that finds the route stops.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import BlobStorage
from api.adapters.directory import Directory, DirectoryLine
from api.adapters.transport import (
    NetworkTransport,
    Parcel,
    PeerRefused,
    PeerUnavailable,
    Transport,
)
from api.audit.service import SYSTEM
from api.core.errors import AppError
from api.core.models import utcnow
from api.core.settings import Settings
from api.documents.service import DeclaredDocument, DocumentService
from api.flows import schemas as flow_schemas
from api.flows import service as flows_service
from api.flows.pipeline import (
    DUPLICATE,
    DUPLICATE_LABEL,
    PLATFORM_USER,
    RECEIVED_ELSEWHERE,
    FlowContext,
)
from api.flows.service import announce
from api.lifecycle.catalogue import Side, Status
from api.lifecycle.service import (
    PLATFORM,
    Channel,
    Emitter,
    InvoiceClosed,
    Payment,
    Reason,
    Recorded,
    TransitionRefused,
    record,
)
from api.models.client import Client
from api.models.document import DocumentSource, DocumentType
from api.models.flow import AckStatus, Flow, FlowDirection
from api.models.invoice_route import SEND_STATUS_KIND, InvoiceRoute, RouteKind
from api.oauth2 import service as oauth2_service
from api.outbox import service as outbox
from api.outbox.service import DeliveryAttempt, OutboxHandler, Payload, RetryLater
from api.routing import repository
from api.routing.finder import Buyer, DirectoryUnavailable, find_line
from api.validation import ReceivedStatus, read_status_message, rejection_reasons

logger = logging.getLogger("comptoir.routing")

ROUTE_KIND = "routing.route"
CDAR = "CDAR"
# The buyer's copy of an invoice delivered on this platform has an id derived from the
# seller's flow: a second delivery attempt would name the same flow and the same document.
_BUYER_COPY = uuid.UUID("6f1b7f0e-3c1a-4f55-9a43-5d7b8f1f2a10")


async def queue_routing(context: FlowContext) -> None:
    """Pipeline step, after validation: one routing job per flow to route. An invoice another
    platform delivered that fails our rules is 213 Rejetée, sent back to that platform."""
    flow = context.flow
    if flow.ack_status != AckStatus.OK:
        if flow.peer_platform_id is not None and flow.syntax != CDAR:
            await _reject_received(context)
        return
    if flow.syntax == CDAR and flow.peer_platform_id is None:
        return  # a status message of our own client's software: the lifecycle's
    await outbox.enqueue(
        context.session, ROUTE_KIND, {"flow_id": str(flow.id)}, dedupe_key=f"{ROUTE_KIND}:{flow.id}"
    )


async def _reject_received(context: FlowContext) -> None:
    report = context.report
    if report is None or report.facts is None or not report.facts.number:
        return  # nothing a status message could name: its acknowledgement says why
    # Refused by the rules, or by the platform although the rules accept it (a duplicate,
    # « DOUBLON »: use case UC2).
    details = rejection_reasons(report) if not report.valid else context.rejections
    reasons = [
        Reason(code=detail.code, label=detail.reason, text=detail.note) for detail in details
    ]
    recorded = await record(
        context.session,
        context.flow,
        Status.REJETEE,
        PLATFORM,
        reasons,
        storage=context.storage,
        settings=context.settings,
    )
    # `record` queues its message for the platform that sent the invoice.
    context.touched.extend(recorded.status_flows)


def buyer_copy_id(flow_id: uuid.UUID) -> uuid.UUID:
    """The id of the buyer's copy of an invoice delivered here (and of its document's key)."""
    return uuid.uuid5(_BUYER_COPY, str(flow_id))


def is_self_billed(invoice: Flow) -> bool:
    """A self-billed invoice (UNTDID 1001 389, 261, 500…) is issued by its buyer in its
    seller's name: it travels from the buyer to the seller."""
    return invoice.invoice_type_code in flows_service.SELF_BILLED


def issuer_siren(invoice: Flow) -> str | None:
    """The party that deposits the invoice: its seller, or its buyer when self-billed."""
    return invoice.recipient_siren if is_self_billed(invoice) else invoice.sender_siren


def addressee_siren(invoice: Flow) -> str | None:
    """The party the invoice goes to: its buyer, or its seller when self-billed."""
    return invoice.sender_siren if is_self_billed(invoice) else invoice.recipient_siren


def addressee_of(invoice: Flow) -> Buyer:
    """Where the invoice is to be delivered, as the directory is searched for it."""
    facts = invoice.facts or {}
    if is_self_billed(invoice):
        address = facts.get("seller_electronic_address")
        return Buyer(
            siren=invoice.sender_siren,
            siret=invoice.sender_siret,
            electronic_address=address if isinstance(address, str) else None,
        )
    address = facts.get("buyer_electronic_address")
    return Buyer(
        siren=invoice.recipient_siren,
        siret=invoice.recipient_siret,
        routing_code=invoice.recipient_routing_code,
        electronic_address=address if isinstance(address, str) else None,
    )


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    yield content


@dataclass(frozen=True, slots=True)
class RouteDecision:
    kind: RouteKind
    line: DirectoryLine | None
    detail: str | None = None


class InvoiceRouting:
    """The routing job (module docstring). Built once per worker."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        storage: BlobStorage,
        settings: Settings,
        directory: Directory,
        transport: Transport,
        network: NetworkTransport | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.storage = storage
        self.settings = settings
        self.directory = directory
        self.transport = transport
        # Peppol: to platforms that are not configured peers (None: no access point here).
        self.network = network
        self.documents = DocumentService(storage, settings)

    async def _content(self, blob_key: str) -> bytes:
        return b"".join([chunk async for chunk in self.storage.read(blob_key)])

    async def handle(self, flow_id: uuid.UUID) -> None:
        async with self.sessionmaker() as session:
            flow = await repository.flow(session, flow_id)
            route = await repository.route_of(session, flow_id)
        if flow is None:
            return
        if flow.peer_platform_id is not None:
            if flow.syntax == CDAR:
                await self._status_from_peer(flow)
            else:
                await self._received_from_peer(flow)
            return
        if flow.direction != FlowDirection.OUT or flow.syntax == CDAR:
            return
        if route is not None and (route.kind != RouteKind.PEER or route.delivered_at is not None):
            return  # routed already: a redelivered job
        if route is None:
            decision = await self._decide(flow)
            if decision.kind == RouteKind.UNROUTABLE:
                await self._unroutable(flow, decision)
                return
            if decision.kind == RouteKind.LOCAL:
                await self._deliver_here(flow, decision)
                return
            route = await self._start_peer_route(flow, decision)
            if route.delivered_at is not None or route.kind != RouteKind.PEER:
                return
        await self._send_to_peer(flow, route)

    # --- where to -----------------------------------------------------------------------

    async def _decide(self, flow: Flow) -> RouteDecision:
        day = flow.issue_date or utcnow().date()
        try:
            line = await find_line(self.directory, addressee_of(flow), day)
        except DirectoryUnavailable as error:
            raise RetryLater(f"annuaire indisponible : {error}") from None
        if line is None:
            return RouteDecision(
                RouteKind.UNROUTABLE,
                None,
                f"Aucune ligne d'annuaire en vigueur le {day.isoformat()} pour le "
                f"destinataire de la facture (SIREN {addressee_siren(flow) or 'absent'}).",
            )
        if line.platform_id == self.settings.directory_platform_id:
            return RouteDecision(RouteKind.LOCAL, line)
        if self.settings.peer_platform(line.platform_id) is None and self.network is None:
            return RouteDecision(
                RouteKind.UNROUTABLE,
                line,
                f"L'acheteur reçoit ses factures par la plateforme {line.platform_id}, "
                "avec laquelle aucun échange n'est configuré.",
            )
        return RouteDecision(RouteKind.PEER, line)

    def _route_row(self, flow: Flow, decision: RouteDecision) -> InvoiceRoute:
        line = decision.line
        return InvoiceRoute(
            id=uuid.uuid4(),
            flow_id=flow.id,
            kind=decision.kind,
            platform_id=line.platform_id if line is not None else None,
            addressing_identifier=line.address.addressing_identifier if line else None,
            directory_line_id=line.line_id if line is not None else None,
            detail=decision.detail,
            created_at=utcnow(),
        )

    # --- no route: 221 ----------------------------------------------------------------------

    async def _unroutable(self, flow: Flow, decision: RouteDecision) -> None:
        async with self.sessionmaker() as session, session.begin():
            locked = await repository.flow_for_update(session, flow.id)
            if locked is None or await repository.route_of(session, flow.id) is not None:
                return
            route = await repository.add_route(session, self._route_row(flow, decision))
            if route.kind != RouteKind.UNROUTABLE:
                return
            logger.info("invoice flow %s not routed: %s", flow.id, decision.detail)
            await self._record_unroutable(session, locked, decision.detail or "")

    # --- this platform ------------------------------------------------------------------

    async def _deliver_here(self, flow: Flow, decision: RouteDecision) -> None:
        assert decision.line is not None
        copy_id = buyer_copy_id(flow.id)
        async with self.sessionmaker() as session:
            buyer = await oauth2_service.served_client(session, decision.line.address.siren)
            duplicate = buyer is not None and await flows_service.already_received(
                session, flow, buyer.id, copy_id
            )
        if buyer is None:
            await self._unroutable(
                flow,
                RouteDecision(
                    RouteKind.UNROUTABLE,
                    decision.line,
                    "La ligne d'annuaire du destinataire désigne cette plateforme, mais "
                    "l'entreprise n'y est plus inscrite.",
                ),
            )
            return
        if duplicate:
            await self._reject_duplicate(flow, decision, buyer)
            return
        content = await self._content(flow.blob_key)
        document_id = await self._file_for(buyer, copy_id, flow, content)
        async with self.sessionmaker() as session, session.begin():
            locked = await repository.flow_for_update(session, flow.id)
            if locked is None or await repository.route_of(session, flow.id) is not None:
                return
            blob = await self.storage.put(_chunks(content), max_size=len(content) + 1)
            copy = _buyer_copy(locked, copy_id, buyer, blob.key, blob.size, document_id)
            session.add(copy)
            await session.flush()
            route = self._route_row(locked, decision)
            route.buyer_client_id = buyer.id
            route.delivered_flow_id = copy.id
            route.delivered_at = utcnow()
            await repository.add_route(session, route)
            await self._record_delivered_here(session, locked, copy)
            await announce(session, copy)

    async def _reject_duplicate(self, flow: Flow, decision: RouteDecision, buyer: Client) -> None:
        """The buyer already received this invoice (the same seller, number and year, from
        another platform): not delivered twice, 213 Rejetée « DOUBLON » (use case UC2), which
        the seller and the buyer hear of."""
        async with self.sessionmaker() as session, session.begin():
            locked = await repository.flow_for_update(session, flow.id)
            if locked is None or await repository.route_of(session, flow.id) is not None:
                return
            route = self._route_row(locked, decision)
            route.buyer_client_id = buyer.id
            route.detail = f"{DUPLICATE_LABEL} : {RECEIVED_ELSEWHERE}."
            await repository.add_route(session, route)
            logger.info("invoice flow %s not delivered: the buyer received it before", flow.id)
            await self._record(
                session,
                locked,
                Status.REJETEE,
                reason=Reason(code=DUPLICATE, label=DUPLICATE_LABEL, text=RECEIVED_ELSEWHERE),
            )

    async def _file_for(
        self, buyer: Client, copy_id: uuid.UUID, flow: Flow, content: bytes
    ) -> uuid.UUID:
        """The invoice as a document of the buyer, in its own transaction, once."""
        title = f"Facture {flow.invoice_number}" if flow.invoice_number else flow.name
        async with self.sessionmaker() as session:
            stored = await self.documents.store(
                session,
                _chunks(content),
                DeclaredDocument(
                    workspace_id=buyer.firm_id,
                    client_id=buyer.id,
                    uploaded_by=PLATFORM_USER,
                    source=DocumentSource.INTEGRATION,
                    type=DocumentType.INVOICE,
                    original_filename=flow.name,
                    title=title[:255],
                    idempotency_key=f"flow:{copy_id}",
                ),
            )
            await session.commit()
            return stored.document.id

    # --- another platform ---------------------------------------------------------------

    async def _start_peer_route(self, flow: Flow, decision: RouteDecision) -> InvoiceRoute:
        """The route is written before the transport is called: the other platform's status
        messages may come back before its acknowledgement reaches us."""
        async with self.sessionmaker() as session, session.begin():
            return await repository.add_route(session, self._route_row(flow, decision))

    async def _send_to_peer(self, flow: Flow, route: InvoiceRoute) -> None:
        peer = self.settings.peer_platform(route.platform_id or "")
        if peer is None and self.network is None:
            raise RetryLater(f"la plateforme {route.platform_id} n'est plus configurée")
        content = await self._content(flow.blob_key)
        parcel = Parcel(
            content=content,
            name=flow.name,
            syntax=flow.syntax,
            organization=addressee_siren(flow) or "",
            tracking_id=str(flow.id),
            sha256=flow.sha256,
            sender=issuer_siren(flow) or "",
            recipient=route.addressing_identifier or addressee_siren(flow) or "",
        )
        try:
            if peer is not None:
                sent = await self.transport.send(peer, parcel)
            else:
                assert self.network is not None
                sent = await self.network.send(parcel)
        except PeerUnavailable as error:
            raise _retry(error) from None
        except PeerRefused as error:
            await self._peer_refused(flow, route, str(error))
            return
        async with self.sessionmaker() as session, session.begin():
            kept = await repository.route_of(session, flow.id)
            if kept is not None and kept.delivered_at is None:
                kept.delivered_at = utcnow()
                kept.remote_flow_id = sent.remote_flow_id[:100]
        logger.info(
            "invoice flow %s delivered to platform %s%s as %s",
            flow.id,
            route.platform_id,
            "" if peer is not None else " over Peppol",
            sent.remote_flow_id,
        )

    async def _peer_refused(self, flow: Flow, route: InvoiceRoute, detail: str) -> None:
        logger.warning(
            "invoice flow %s refused by platform %s: %s", flow.id, peer_id(route), detail
        )
        async with self.sessionmaker() as session, session.begin():
            locked = await repository.flow_for_update(session, flow.id)
            kept = await repository.route_of(session, flow.id)
            if locked is None or kept is None or kept.kind != RouteKind.PEER:
                return
            kept.kind = RouteKind.UNROUTABLE
            kept.detail = detail[:1000]
            await self._record_unroutable(session, locked, detail)

    # --- from another platform ----------------------------------------------------------

    async def _received_from_peer(self, flow: Flow) -> None:
        """An invoice another platform delivered to our buyer (the flow is the buyer's own):
        it is available in the buyer's space, 202 then 203 go back to that platform."""
        async with self.sessionmaker() as session, session.begin():
            locked = await repository.flow_for_update(session, flow.id)
            if locked is None or await repository.route_of(session, flow.id) is not None:
                return
            await repository.add_route(
                session,
                InvoiceRoute(
                    id=uuid.uuid4(),
                    flow_id=flow.id,
                    kind=RouteKind.RECEIVED,
                    platform_id=flow.peer_platform_id,
                    buyer_client_id=flow.client_id,
                    delivered_flow_id=flow.id,
                    delivered_at=utcnow(),
                    created_at=utcnow(),
                ),
            )
            await self._record_received(session, locked)

    async def _status_from_peer(self, message: Flow) -> None:
        """A CDAR another platform deposited: the status of an invoice exchanged with it, read
        with the validation's CDAR reader (`read_status_message`: its reasons, expected
        actions, amounts, MDT-4) and recorded as the message says, accepted only from the
        platform that invoice was exchanged with. A refused message gets an Error
        acknowledgement with the reason, and a warning in the log; the same message twice is
        one status (its MDT-4)."""
        try:
            received: ReceivedStatus | None = read_status_message(
                await self._content(message.blob_key)
            )
        except ValueError:
            received = None
        async with self.sessionmaker() as session, session.begin():
            locked = await repository.flow_for_update(session, message.id)
            if locked is None or locked.ack_status != AckStatus.OK:
                return
            refusal = await self._apply_from_peer(session, locked, received)
            if refusal is not None:
                code, text = refusal
                logger.warning(
                    "status message %s from platform %s refused (%s): %s",
                    message.id,
                    message.peer_platform_id,
                    code,
                    text,
                )
                locked.ack_status = AckStatus.ERROR
                locked.ack_details = [
                    {
                        "level": "Error",
                        "item": locked.name,
                        "reasonCode": code,
                        "reasonMessage": text,
                    }
                ]
                locked.updated_at = utcnow()
                await announce(session, locked)

    async def _apply_from_peer(
        self, session: AsyncSession, message: Flow, received: ReceivedStatus | None
    ) -> tuple[str, str] | None:
        """The status a peer's message carries, on the invoice it names; or why not."""
        if received is None:
            return "InvalidSchema", "Message de cycle de vie illisible."
        try:
            status = Status(received.status_code or "")
        except ValueError:
            return "UnknownStatus", f"Statut {received.status_code!r} inconnu."
        number = received.invoice_number or message.invoice_number
        # A seller's status names an invoice our client received; the buyer's and the
        # receiving platform's, one it issued.
        issued = status.info.side is not Side.SELLER
        invoice = (
            await repository.exchanged_invoice(
                session,
                message.client_id,
                number,
                issued=issued,
                seller_siren=None if issued else received.seller_siren,
            )
            if number
            else None
        )
        route = await repository.route_of(session, invoice.id) if invoice else None
        if invoice is None or route is None:
            return "UnknownInvoice", f"Facture {number} inconnue de cette plateforme."
        if route.platform_id != message.peer_platform_id:
            return "NotCounterpart", (
                f"La facture {number} n'a pas été échangée avec la plateforme "
                f"{message.peer_platform_id}."
            )
        emitter = Emitter(side=status.info.side, author=SYSTEM, channel=Channel.CDAR)
        payment = None
        if status in (Status.PAIEMENT_TRANSMIS, Status.ENCAISSEE):
            payment = Payment(
                amount=received.amount, vat_rate=received.vat_rate, paid_on=received.paid_on
            )
        reasons = [
            Reason(
                code=reason.code,
                label=reason.reason,
                text=reason.note,
                action_code=reason.action_code,
                action=reason.action,
            )
            for reason in received.reasons
        ]
        try:
            async with session.begin_nested():
                await self._record(
                    session,
                    invoice,
                    status,
                    emitter,
                    reasons,
                    received_cdar=message,
                    message_id=received.message_id,
                    payment=payment,
                    from_other_platform=True,
                )
        except InvoiceClosed as error:
            return error.code, error.detail or error.title
        except TransitionRefused as error:
            # The other platform sends an invoice's statuses in order (`StatusSender`); one
            # that still cannot follow (sent by a platform that does not wait) is tried again
            # once the one before it arrived (the outbox gives up after its attempts).
            raise RetryLater(f"statut {status.code} en attente du précédent : {error}") from None
        except AppError as error:
            return error.code, error.detail or error.title
        # The message belongs to our party's invoice (its status messages, its timeline).
        message.related_flow_id = invoice.id
        return None

    # --- statuses (api.lifecycle) --------------------------------------------------------

    async def _record(
        self,
        session: AsyncSession,
        flow: Flow,
        status: Status,
        emitter: Emitter = PLATFORM,
        reason: Reason | Sequence[Reason] | None = None,
        **options: Any,
    ) -> Recorded:
        return await record(
            session,
            flow,
            status,
            emitter,
            reason,
            storage=self.storage,
            settings=self.settings,
            **options,
        )

    async def _record_unroutable(self, session: AsyncSession, flow: Flow, detail: str) -> None:
        # The CDAR rules admit one reason for 221 (BR-FR-CDV-CL-09_MDT-113_221): the text says
        # which case it is (no line, a platform we exchange nothing with, a refusal).
        await self._record(
            session,
            flow,
            Status.ERREUR_ROUTAGE,
            reason=Reason(code="ROUTAGE_ERR", text=detail[:500]),
        )

    async def _record_delivered_here(self, session: AsyncSession, flow: Flow, copy: Flow) -> None:
        for status in (Status.RECUE, Status.MISE_A_DISPOSITION):
            await self._record(session, copy, status)

    async def _record_received(self, session: AsyncSession, flow: Flow) -> None:
        """202 then 203 on an invoice another platform delivered; `record` queues each
        message for that platform."""
        for status in (Status.RECUE, Status.MISE_A_DISPOSITION):
            await self._record(session, flow, status)


def peer_id(route: InvoiceRoute) -> str:
    return route.platform_id or "?"


def _retry(error: PeerUnavailable) -> RetryLater:
    after = (
        timedelta(seconds=error.retry_after_seconds)
        if error.retry_after_seconds is not None
        else None
    )
    return RetryLater(str(error), after=after)


def _buyer_copy(
    flow: Flow,
    copy_id: uuid.UUID,
    buyer: Client,
    blob_key: str,
    size: int,
    document_id: uuid.UUID,
) -> Flow:
    """The buyer's incoming flow of an invoice delivered on this platform."""
    now = utcnow()
    self_billed = flow.flow_type == flow_schemas.FlowType.SUPPLIER_INVOICE
    return Flow(
        id=copy_id,
        firm_id=buyer.firm_id,
        client_id=buyer.id,
        direction=FlowDirection.IN,
        flow_type=(
            flow_schemas.FlowType.CUSTOMER_INVOICE
            if self_billed
            else flow_schemas.FlowType.SUPPLIER_INVOICE
        ).value,
        syntax=flow.syntax,
        profile=flow.profile,
        processing_rule=flow.processing_rule,
        processing_rule_source=flow.processing_rule_source,
        name=flow.name,
        sha256=flow.sha256,
        size=size,
        media_type=flow.media_type,
        blob_key=blob_key,
        submitted_at=now,
        updated_at=now,
        ack_status=AckStatus.OK,
        lifecycle_status=flow.lifecycle_status,
        rules_release=flow.rules_release,
        findings=flow.findings,
        invoice_number=flow.invoice_number,
        invoice_type_code=flow.invoice_type_code,
        issue_date=flow.issue_date,
        sender_siren=flow.sender_siren,
        sender_siret=flow.sender_siret,
        recipient_siren=flow.recipient_siren,
        recipient_siret=flow.recipient_siret,
        recipient_routing_code=flow.recipient_routing_code,
        facts=flow.facts,
        document_id=document_id,
        related_flow_id=flow.id,
        converted_blob_key=flow.converted_blob_key,
    )


class StatusSender:
    """The `routing.send_status` job (`record` queues one per status of an invoice exchanged
    with another platform, but those that platform sent): the status message is deposited on
    that platform's Flow Service, for the party it addresses there (the seller of an invoice
    it sent us, the buyer of an invoice we sent it).

    In order: a status leaves once the invoice reached that platform and once every status
    recorded before it on the invoice left (else the job is retried later), so an outage
    delays an invoice's statuses without reordering them."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        storage: BlobStorage,
        settings: Settings,
        transport: Transport,
        network: NetworkTransport | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.storage = storage
        self.settings = settings
        self.transport = transport
        self.network = network

    async def send(self, status_flow_id: uuid.UUID) -> None:
        async with self.sessionmaker() as session:
            message = await repository.flow(session, status_flow_id)
            if message is None or message.peer_platform_id is not None:
                return  # gone, or it came from that platform
            invoice = await repository.invoice_root(session, message.related_flow_id)
            route = await repository.route_of(session, invoice.id) if invoice else None
            waiting = await repository.earlier_statuses_waiting(
                session, message.id, SEND_STATUS_KIND
            )
        if invoice is None:
            return
        if route is not None and route.kind == RouteKind.PEER and route.delivered_at is None:
            raise RetryLater("la facture n'est pas encore remise à l'autre plateforme")
        if waiting:
            raise RetryLater(f"{waiting} statut(s) précédent(s) de la facture pas encore transmis")
        platform: str | None
        if invoice.peer_platform_id is not None:  # received from that platform
            platform, organization = invoice.peer_platform_id, issuer_siren(invoice)
            ours = addressee_siren(invoice)
        elif route is not None and route.kind == RouteKind.PEER:
            platform, organization = route.platform_id, addressee_siren(invoice)
            ours = issuer_siren(invoice)
        else:
            return  # delivered here, or never routed: nobody elsewhere to tell
        peer = self.settings.peer_platform(platform or "")
        if (peer is None and self.network is None) or not organization:
            logger.warning(
                "status message %s not sent: platform %s is not configured", message.id, platform
            )
            return
        content = b"".join([chunk async for chunk in self.storage.read(message.blob_key)])
        parcel = Parcel(
            content=content,
            name=message.name,
            syntax=CDAR,
            organization=organization,
            tracking_id=str(message.id),
            sha256=message.sha256,
            sender=ours or "",
        )
        try:
            if peer is not None:
                await self.transport.send(peer, parcel)
            else:
                assert self.network is not None
                await self.network.send(parcel)
        except PeerUnavailable as error:
            raise _retry(error) from None
        except PeerRefused as error:
            logger.error(
                "status message %s refused by platform %s: %s", message.id, platform, error
            )


def status_handler(sender: StatusSender) -> OutboxHandler:
    async def deliver(payload: Payload, _attempt: DeliveryAttempt) -> None:
        await sender.send(uuid.UUID(payload["status_flow_id"]))

    return OutboxHandler(deliver=deliver)


def route_handler(routing: InvoiceRouting) -> OutboxHandler:
    async def deliver(payload: Payload, _attempt: DeliveryAttempt) -> None:
        await routing.handle(uuid.UUID(payload["flow_id"]))

    return OutboxHandler(deliver=deliver)
