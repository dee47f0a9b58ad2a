"""Routing on one platform (no subprocess): an invoice deposited by one client company for
another one registered here is delivered to the buyer's space once, with 202 then 203; no line
is 221; a line of an unconfigured platform is 221; a platform that does not answer keeps the
invoice queued; a status message from a platform that is not the counterpart is refused."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import create_blob_storage
from api.adapters.directory import build_directory
from api.adapters.transport import HttpTransport
from api.core.models import utcnow
from api.core.settings import Settings
from api.documents.service import DeclaredDocument, DocumentService
from api.flows import service as flows_service
from api.models.client import Client
from api.models.directory_line import DirectoryLineRecord
from api.models.document import Document, DocumentSource, DocumentType
from api.models.flow import AckStatus, Flow, FlowDirection
from api.models.invoice_route import SEND_STATUS_KIND, InvoiceRoute, RouteKind
from api.models.lifecycle import InvoiceStatusEntry
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.outbox import service as outbox
from api.outbox.service import PassReport
from api.routing import service as routing
from api.worker import outbox_handlers
from tests.flows.conftest import deposit
from tests.routing.conftest import PEER_ID, RoutingWorld, invoice_between, peer_token
from tests.shared_data import SHARED_DATA
from tests.software import token_for

GENERIC_CII = SHARED_DATA / "einvoices" / "cii" / "CII_example1.xml"
KINDS = frozenset({flows_service.VALIDATE_KIND, routing.ROUTE_KIND, SEND_STATUS_KIND})
Worker = Callable[..., Awaitable[list[PassReport]]]


@pytest.fixture
def work(sessionmaker: async_sessionmaker[AsyncSession], routing_settings: Settings) -> Worker:
    """`await work(passes)`: the worker's real handlers (api.worker) for validation, routing
    and status sending (those of `kinds`), each pass a few hours after the previous one."""
    moment = [utcnow()]
    every = outbox_handlers(routing_settings, sessionmaker)
    chosen = routing_settings.model_copy(update={"outbox_batch_size": 500})

    async def run(passes: int = 3, kinds: frozenset[str] = KINDS) -> list[PassReport]:
        handlers = {kind: handler for kind, handler in every.items() if kind in kinds}
        reports = []
        for _ in range(passes):
            moment[0] += timedelta(hours=3)
            reports.append(await outbox.deliver_due(sessionmaker, handlers, chosen, now=moment[0]))
        return reports

    return run


async def _deposit_for_seller(
    client: httpx.AsyncClient, world: RoutingWorld, buyer: str, number: str = "F202500003"
) -> str:
    headers = await token_for(client, world.software.firm_key) | {
        "Organization-Id": world.seller_siren
    }
    response = await deposit(
        client,
        headers,
        invoice_between(world.seller_siren, buyer, number=number),
        {"name": f"{number}.xml", "flowSyntax": "CII"},
    )
    assert response.status_code == 202, response.text
    flow_id: str = response.json()["flowId"]
    return flow_id


async def _history(session: AsyncSession, flow_id: uuid.UUID) -> list[tuple[int, str | None]]:
    rows = await session.execute(
        select(InvoiceStatusEntry.status, InvoiceStatusEntry.reason_code)
        .where(InvoiceStatusEntry.invoice_flow_id == flow_id)
        .order_by(InvoiceStatusEntry.occurred_at, InvoiceStatusEntry.id)
    )
    return [(row[0], row[1]) for row in rows]


async def _flow_by_annex_id(session: AsyncSession, annex_id: str) -> Flow:
    session.expire_all()
    flow = await session.get(Flow, uuid.UUID(annex_id))
    assert flow is not None
    return flow


async def test_an_invoice_for_a_buyer_here_is_delivered_to_its_space_once(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,
    sessionmaker: async_sessionmaker[AsyncSession],
    routing_settings: Settings,
) -> None:
    annex_id = await _deposit_for_seller(client, world, world.buyer_siren)
    await work()
    seller_flow = await _flow_by_annex_id(session, annex_id)
    seller_id = seller_flow.id
    assert seller_flow.ack_status == AckStatus.OK, seller_flow.ack_details
    assert await _history(session, seller_id) == [(200, None), (202, None), (203, None)]
    assert seller_flow.lifecycle_status == 203

    route = await session.scalar(select(InvoiceRoute).where(InvoiceRoute.flow_id == seller_flow.id))
    assert route is not None
    assert (route.kind, route.platform_id) == (
        RouteKind.LOCAL,
        routing_settings.directory_platform_id,
    )
    buyer = await session.scalar(select(Client).where(Client.siren == world.buyer_siren))
    assert buyer is not None
    copy = await session.get(Flow, route.delivered_flow_id)
    assert copy is not None
    assert (copy.client_id, copy.direction, copy.flow_type, copy.related_flow_id) == (
        buyer.id,
        FlowDirection.IN,
        "SupplierInvoice",
        seller_flow.id,
    )
    assert copy.lifecycle_status == 203
    document = await session.get(Document, copy.document_id)
    assert document is not None
    assert document.client_id == buyer.id

    # The job delivered again (a worker killed before it settled the message): nothing more.
    await _routing(routing_settings, sessionmaker).handle(seller_flow.id)
    await work()
    copies = await session.scalar(
        select(func.count())
        .select_from(Flow)
        .where(Flow.related_flow_id == seller_flow.id, Flow.syntax == "CII")
    )
    assert copies == 1
    assert await _history(session, seller_id) == [(200, None), (202, None), (203, None)]


async def test_a_self_billed_invoice_goes_from_its_buyer_to_its_seller(
    client: httpx.AsyncClient, world: RoutingWorld, session: AsyncSession, work: Worker
) -> None:
    """Self-billing (BT-3 389): the buyer issues the invoice in its seller's name, so the
    buyer's software deposits it and the seller's space receives it (not the depositor's)."""
    headers = await token_for(client, world.software.rival_key) | {
        "Organization-Id": world.buyer_siren
    }
    content = invoice_between(world.seller_siren, world.buyer_siren, number="AF2026001")
    assert content.count(b"<ram:TypeCode>380</ram:TypeCode>") == 1
    content = content.replace(
        b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:TypeCode>389</ram:TypeCode>"
    )
    response = await deposit(
        client, headers, content, {"name": "AF2026001.xml", "flowSyntax": "CII"}
    )
    assert response.status_code == 202, response.text
    await work()

    issued = await _flow_by_annex_id(session, response.json()["flowId"])
    assert issued.ack_status == AckStatus.OK, issued.ack_details
    assert await _history(session, issued.id) == [(200, None), (202, None), (203, None)]
    route = await session.scalar(select(InvoiceRoute).where(InvoiceRoute.flow_id == issued.id))
    assert route is not None
    assert route.kind == RouteKind.LOCAL
    seller = await session.scalar(select(Client).where(Client.siren == world.seller_siren))
    depositor = await session.scalar(select(Client).where(Client.siren == world.buyer_siren))
    assert seller is not None
    assert depositor is not None
    assert issued.client_id == depositor.id
    copy = await session.get(Flow, route.delivered_flow_id)
    assert copy is not None
    assert (copy.client_id, copy.direction, copy.flow_type) == (
        seller.id,
        FlowDirection.IN,
        "CustomerInvoice",
    )
    document = await session.get(Document, copy.document_id)
    assert document is not None
    assert document.client_id == seller.id


def _routing(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> routing.InvoiceRouting:
    return routing.InvoiceRouting(
        sessionmaker,
        create_blob_storage(settings),
        settings,
        build_directory(settings, sessionmaker),
        HttpTransport(settings),
    )


async def _add_line(session: AsyncSession, siren: str, platform_id: str) -> None:
    session.add(
        DirectoryLineRecord(
            addressing_identifier=siren,
            siren=siren,
            platform_id=platform_id,
            date_from=date(2020, 1, 1),
        )
    )
    await session.commit()


@pytest.mark.parametrize(
    ("case", "line_platform", "reason"),
    [
        ("no line", None, "ROUTAGE_ERR"),
        ("a platform we exchange nothing with", "PA-INCONNUE", "ROUTAGE_ERR"),
    ],
)
async def test_an_invoice_that_cannot_be_routed_is_221_for_its_issuer(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,
    case: str,
    line_platform: str | None,
    reason: str,
) -> None:
    buyer = "732829320"
    if line_platform is not None:
        await _add_line(session, buyer, line_platform)
    annex_id = await _deposit_for_seller(client, world, buyer)
    await work()
    seller_flow = await _flow_by_annex_id(session, annex_id)
    assert await _history(session, seller_flow.id) == [(200, None), (221, reason)], case
    route = await session.scalar(select(InvoiceRoute).where(InvoiceRoute.flow_id == seller_flow.id))
    assert route is not None
    assert route.kind == RouteKind.UNROUTABLE
    assert route.detail


async def test_a_platform_that_does_not_answer_keeps_the_invoice_queued(
    client: httpx.AsyncClient, world: RoutingWorld, session: AsyncSession, work: Worker
) -> None:
    buyer = "732829320"
    await _add_line(session, buyer, PEER_ID)  # configured at a port where nothing listens
    annex_id = await _deposit_for_seller(client, world, buyer)
    await work(passes=2)
    seller_flow = await _flow_by_annex_id(session, annex_id)
    route = await session.scalar(select(InvoiceRoute).where(InvoiceRoute.flow_id == seller_flow.id))
    assert route is not None
    assert (route.kind, route.platform_id, route.delivered_at) == (RouteKind.PEER, PEER_ID, None)
    queued = await session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.dedupe_key == f"{routing.ROUTE_KIND}:{seller_flow.id}"
        )
    )
    assert queued is not None
    assert queued.status == OutboxStatus.PENDING
    assert "injoignable" in (queued.last_error or "")
    assert await _history(session, seller_flow.id) == [(200, None)]


async def test_a_status_from_a_platform_that_is_not_the_counterpart_is_refused(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,
    routing_settings: Settings,
) -> None:
    # An invoice delivered here (its counterpart is this platform), then the peer sends a
    # status message about it.
    annex_id = await _deposit_for_seller(client, world, world.buyer_siren)
    await work()
    seller_flow = await _flow_by_annex_id(session, annex_id)
    seller_id = seller_flow.id
    issued = await peer_token(client)
    headers = {
        "Authorization": f"Bearer {issued.json()['access_token']}",
        "Organization-Id": world.seller_siren,
    }
    status_message = (
        await session.scalars(
            select(Flow).where(Flow.related_flow_id == seller_flow.id, Flow.syntax == "CDAR")
        )
    ).first()
    assert status_message is not None
    content = b"".join(
        [
            chunk
            async for chunk in create_blob_storage(routing_settings).read(status_message.blob_key)
        ]
    )
    # The peer's own message: the same status, another file.
    content += b"<!-- emis par la plateforme PA-PAIR -->"
    response = await deposit(client, headers, content, {"name": "statut.xml", "flowSyntax": "CDAR"})
    assert response.status_code == 202, response.text
    await work()
    received = await _flow_by_annex_id(session, response.json()["flowId"])
    assert received.ack_status == AckStatus.ERROR
    assert received.ack_details is not None
    assert received.ack_details[0]["reasonCode"] == "NotCounterpart"
    assert await _history(session, seller_id) == [(200, None), (202, None), (203, None)]


async def test_an_invoice_from_the_peer_that_fails_our_rules_is_213(
    client: httpx.AsyncClient, world: RoutingWorld, session: AsyncSession, work: Worker
) -> None:
    issued = await peer_token(client)
    headers = {
        "Authorization": f"Bearer {issued.json()['access_token']}",
        "Organization-Id": world.buyer_siren,
    }
    response = await deposit(
        client,
        headers,
        GENERIC_CII.read_bytes(),  # no French mentions: BR-FR rules fail
        {"name": GENERIC_CII.name, "flowSyntax": "CII"},
    )
    assert response.status_code == 202, response.text
    await work(passes=2)
    received = await _flow_by_annex_id(session, response.json()["flowId"])
    assert received.ack_status == AckStatus.ERROR
    history = await _history(session, received.id)
    assert history
    assert {status for status, _ in history} == {213}
    assert history[0][1] == "REJ_SEMAN"


async def test_a_worker_killed_after_filing_the_buyers_document_delivers_once_on_redelivery(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,
    routing_settings: Settings,
) -> None:
    annex_id = await _deposit_for_seller(client, world, world.buyer_siren)
    await work(passes=1, kinds=frozenset({flows_service.VALIDATE_KIND}))
    seller_flow = await _flow_by_annex_id(session, annex_id)
    seller_id = seller_flow.id
    buyer = await session.scalar(select(Client).where(Client.siren == world.buyer_siren))
    assert buyer is not None
    # What the killed attempt had committed: the buyer's document, filed under its key.
    key = f"flow:{routing.buyer_copy_id(seller_id)}"
    content = b"".join(
        [chunk async for chunk in create_blob_storage(routing_settings).read(seller_flow.blob_key)]
    )
    await DocumentService(create_blob_storage(routing_settings), routing_settings).store(
        session,
        _one(content),
        DeclaredDocument(
            workspace_id=buyer.firm_id,
            client_id=buyer.id,
            uploaded_by=uuid.UUID(int=0),
            source=DocumentSource.INTEGRATION,
            type=DocumentType.INVOICE,
            idempotency_key=key,
        ),
    )
    await session.commit()
    # The job comes back (its claim expired): the invoice is delivered, once.
    await work()
    documents = (
        await session.scalars(select(Document).where(Document.client_id == buyer.id))
    ).all()
    copies = (
        await session.scalars(
            select(Flow).where(Flow.related_flow_id == seller_id, Flow.syntax == "CII")
        )
    ).all()
    assert len(documents) == 1
    assert [copy.document_id for copy in copies] == [documents[0].id]
    assert await _history(session, seller_id) == [(200, None), (202, None), (203, None)]


async def _one(content: bytes) -> AsyncIterator[bytes]:
    yield content
