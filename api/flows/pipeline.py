"""What the worker does with a deposited flow, off the request path: validate it, then run the
steps in order inside one transaction. The worker composes the steps (`api.worker.flow_steps`):
the lifecycle's and routing's (`api.routing.service.queue_routing`, which queues the routing
job) go between the flows domain's own.

    validate            the engine (XSD, EN 16931, BR-FR or CDAR rules) in a thread
    record_validation   acknowledgement Ok | Error with details, lifecycle 200 | 213, metadata
    (lifecycle)         200 Déposée / 213 Rejetée through `api.lifecycle.record`
    link_document       the invoice is a document of the client (« Documents clients »)
    announce            the Flow Service webhooks of every flow the steps touched

Idempotent: a flow is processed once (its acknowledgement leaves `Pending` in the same
transaction as every step), the document is filed under an idempotency key derived from the
flow, and a redelivered outbox message finds the flow already acknowledged and stops.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import BlobStorage
from api.core.models import utcnow
from api.core.settings import Settings
from api.documents.service import DeclaredDocument, DocumentService
from api.flows import repository, schemas
from api.flows.service import SELF_BILLED, announce
from api.models.client import Client
from api.models.document import DocumentSource, DocumentType
from api.models.flow import AckStatus, Flow, FlowDirection
from api.outbox.service import DeliveryAttempt, OutboxHandler, Payload
from api.validation import Engine, Refused, Report, StatusReason, Syntax

logger = logging.getLogger("comptoir.flows")

# A document needs a person as uploader; flows the platform files on its own have none.
PLATFORM_USER = uuid.UUID(int=0)
MAX_DETAILS = 200


@dataclass
class FlowContext:
    """One flow through the steps: its row (locked), what the engine said, and what the steps
    produced for the next ones."""

    session: AsyncSession
    settings: Settings
    storage: BlobStorage
    flow: Flow
    content: bytes
    report: Report | None
    refused: Refused | None
    document_id: uuid.UUID | None = None
    touched: list[Flow] = field(default_factory=list)
    # Why the platform rejects an invoice the rules accept (a duplicate): the 213's reasons.
    rejections: tuple[StatusReason, ...] = ()


Step = Callable[[FlowContext], Awaitable[None]]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _profile(guideline: str | None, declared: str) -> str:
    """The annex's FlowProfile from the invoice's guideline (BT-24)."""
    if not guideline:
        return declared
    lowered = guideline.lower()
    if "extended-ctc-fr" in lowered:
        return schemas.FlowProfile.EXTENDED_CTC_FR.value
    if "basic" in lowered:
        return schemas.FlowProfile.BASIC.value
    if "en16931" in lowered:
        return schemas.FlowProfile.CIUS.value
    return declared


def _flow_type(flow: Flow, report: Report, organization_siren: str | None) -> str:
    facts = report.facts
    if report.syntax == Syntax.CDAR:
        issued_by_us = facts is not None and facts.seller_siren == organization_siren
        return (
            schemas.FlowType.CUSTOMER_INVOICE_LC
            if issued_by_us
            else schemas.FlowType.SUPPLIER_INVOICE_LC
        ).value
    self_billed = facts is not None and facts.type_code in SELF_BILLED
    if flow.direction == FlowDirection.OUT:
        kind = (
            schemas.FlowType.SUPPLIER_INVOICE if self_billed else schemas.FlowType.CUSTOMER_INVOICE
        )
    else:
        kind = (
            schemas.FlowType.CUSTOMER_INVOICE if self_billed else schemas.FlowType.SUPPLIER_INVOICE
        )
    return kind.value


async def record_validation(context: FlowContext) -> None:
    flow, report, refused = context.flow, context.report, context.refused
    flow.updated_at = utcnow()
    if report is None:
        assert refused is not None
        flow.ack_status = AckStatus.ERROR
        flow.ack_details = [
            {
                "level": "Error",
                "item": flow.name,
                "reasonCode": refused.reason_code,
                "reasonMessage": refused.message,
            }
        ]
        return
    facts = report.facts
    flow.rules_release = report.rules_release
    flow.findings = [
        {
            "rule_id": finding.rule_id,
            "fatal": finding.fatal,
            "location": finding.location,
            "message": finding.message,
            "stage": finding.stage.value,
            "rule_set": finding.rule_set,
        }
        for finding in report.findings
    ]
    if report.syntax is not None:
        flow.syntax = report.syntax.value
    flow.profile = _profile(report.profile, flow.profile)
    if facts is not None:
        flow.facts = {name: _plain(getattr(facts, name)) for name in facts.__dataclass_fields__}
        flow.invoice_number = (facts.number or "")[:200] or None
        flow.invoice_type_code = facts.type_code
        flow.issue_date = facts.issue_date
        flow.sender_siren = facts.seller_siren
        flow.sender_siret = facts.seller_siret
        flow.recipient_siren = facts.buyer_siren
        flow.recipient_siret = facts.buyer_siret
        flow.recipient_routing_code = facts.buyer_routing_code
    client = await context.session.get(Client, flow.client_id)
    flow.flow_type = _flow_type(flow, report, client.siren if client is not None else None)
    if report.valid and report.syntax != Syntax.CDAR:
        context.rejections = await _duplicate(context.session, flow)
    if report.valid and not context.rejections:
        flow.ack_status = AckStatus.OK
        # Seller and buyer both identified by a SIREN: a French B2B invoice.
        if (
            flow.processing_rule == schemas.ProcessingRule.UNDEFINED
            and report.syntax != Syntax.CDAR
            and facts is not None
            and facts.seller_siren
            and facts.buyer_siren
        ):
            flow.processing_rule = schemas.ProcessingRule.B2B.value
    else:
        flow.ack_status = AckStatus.ERROR
    details = [
        {
            "level": "Error" if finding.fatal else "Warning",
            "item": finding.location or flow.name,
            "reasonCode": "InvalidSchema" if finding.rule_id == "XSD" else finding.rule_id,
            "reasonMessage": finding.message,
        }
        for finding in sorted(report.findings, key=lambda finding: not finding.fatal)
    ]
    rejected = [
        {"level": "Error", "item": flow.name, "reasonCode": reason.code, "reasonMessage": note}
        for reason in context.rejections
        for note in [f"{reason.reason} : {reason.note}" if reason.note else reason.reason]
    ]
    flow.ack_details = [*rejected, *details][:MAX_DETAILS] or None
    # An invoice's status (200 / 213) is the lifecycle's step (`api.lifecycle.steps`); a CDAR
    # flow shows the status it carries.
    if report.syntax == Syntax.CDAR and facts is not None and (facts.status_code or "").isdigit():
        flow.lifecycle_status = int(facts.status_code or "")
    if report.syntax == Syntax.FACTURX and report.xml:
        blob = await context.storage.put(_chunks(report.xml), max_size=len(report.xml) + 1)
        flow.converted_blob_key = blob.key


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    yield content


# MDT-113 / 114 of a duplicate (use case UC2), and the notes telling where the first one came.
DUPLICATE = "DOUBLON"
DUPLICATE_LABEL = "Facture en doublon (déjà émise / reçue)"
RECEIVED_ELSEWHERE = "Facture identique reçue sur une autre adresse"
RECEIVED_BEFORE = "Facture identique déjà reçue"


async def _duplicate(session: AsyncSession, flow: Flow) -> tuple[StatusReason, ...]:
    """An invoice whose seller already issued one with the same number in the same year
    through this platform (accepted, whatever its file or the address it came to) is a
    duplicate: rejected with the reason « DOUBLON » (use case UC2), not run twice through
    the chain."""
    if not (flow.sender_siren and flow.invoice_number and flow.issue_date):
        return ()
    await repository.lock_invoice(session, flow)
    first = await repository.same_invoice(session, flow)
    if first is None:
        return ()
    elsewhere = first.client_id != flow.client_id
    note = RECEIVED_ELSEWHERE if elsewhere else RECEIVED_BEFORE
    return (StatusReason(code=DUPLICATE, reason=DUPLICATE_LABEL, note=note),)


async def link_document(context: FlowContext) -> None:
    if context.document_id is not None:
        context.flow.document_id = context.document_id


async def announce_changes(context: FlowContext) -> None:
    for flow in [context.flow, *context.touched]:
        await announce(context.session, flow)


# The steps of the flows domain alone. The worker composes the full list (`api.worker`
# `flow_steps`): the lifecycle's status step (200 / 213) and routing go between these.
DEFAULT_STEPS: tuple[Step, ...] = (record_validation, link_document, announce_changes)


class FlowPipeline:
    """Processes one deposited flow (module docstring). Built once per worker."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        storage: BlobStorage,
        settings: Settings,
        engine: Engine,
        steps: Sequence[Step] = DEFAULT_STEPS,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.storage = storage
        self.settings = settings
        self.engine = engine
        self.steps = tuple(steps)
        self.documents = DocumentService(storage, settings)

    async def _content(self, blob_key: str) -> bytes:
        return b"".join([chunk async for chunk in self.storage.read(blob_key)])

    async def process(self, flow_id: uuid.UUID) -> Flow | None:
        async with self.sessionmaker() as session:
            flow = await repository.get(session, flow_id)
            if flow is None or flow.ack_status != AckStatus.PENDING:
                return flow
            blob_key, syntax, name = flow.blob_key, flow.syntax, flow.name
        content = await self._content(blob_key)
        report: Report | None = None
        refused: Refused | None = None
        try:
            report = await asyncio.to_thread(
                self.engine.validate, content, declared_syntax=Syntax(syntax), filename=name
            )
        except Refused as error:
            refused = error
        document_id = None
        if report is not None and report.syntax not in (None, Syntax.CDAR):
            document_id = await self._file_document(flow, content, report)
        async with self.sessionmaker() as session, session.begin():
            locked = await repository.get_for_update(session, flow_id)
            if locked is None or locked.ack_status != AckStatus.PENDING:
                return locked
            context = FlowContext(
                session=session,
                settings=self.settings,
                storage=self.storage,
                flow=locked,
                content=content,
                report=report,
                refused=refused,
                document_id=document_id,
            )
            for step in self.steps:
                await step(context)
            return locked

    async def _file_document(self, flow: Flow, content: bytes, report: Report) -> uuid.UUID:
        """The invoice as a document of its client, in its own transaction, once: a retry
        finds the document by its idempotency key."""
        facts = report.facts
        title = f"Facture {facts.number}" if facts is not None and facts.number else flow.name
        async with self.sessionmaker() as session:
            stored = await self.documents.store(
                session,
                _chunks(content),
                DeclaredDocument(
                    workspace_id=flow.firm_id,
                    client_id=flow.client_id,
                    uploaded_by=flow.deposited_by or PLATFORM_USER,
                    source=DocumentSource.INTEGRATION,
                    type=DocumentType.INVOICE,
                    original_filename=flow.name,
                    title=title[:255],
                    idempotency_key=f"flow:{flow.id}",
                ),
            )
            await session.commit()
            return stored.document.id


def validation_handler(pipeline: FlowPipeline) -> OutboxHandler:
    async def deliver(payload: Payload, _attempt: DeliveryAttempt) -> None:
        await pipeline.process(uuid.UUID(payload["flow_id"]))

    return OutboxHandler(deliver=deliver)
