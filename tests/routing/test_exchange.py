"""Statuses between this platform and another one (PA-PAIR, the test speaking for it on our Flow
Service with the credentials we issued it), on one platform, no subprocess:

- every status of an invoice exchanged with the other platform, but those it sent, is queued
  once as a `routing.send_status` message to it: our 202/203/213 of an invoice it delivered
  (with DOUBLON for a second copy), the buyer's later answers, the seller's statuses of an
  invoice we sent it; the messages leave in order (a status waits for the invoice to be
  delivered and for the statuses before it);
- a CDAR it deposits is applied with the reasons, expected actions and amounts it carries,
  once per message, and refused (Error acknowledgement, logged) when it names an invoice
  unknown here or one exchanged with another platform.

The real delivery between two `comptoir run` processes is tests/routing/test_two_platforms.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import create_blob_storage
from api.core.models import utcnow
from api.core.settings import Settings
from api.lifecycle.catalogue import Status
from api.models.flow import AckStatus, Flow
from api.models.invoice_route import SEND_STATUS_KIND, InvoiceRoute, RouteKind
from api.models.lifecycle import InvoiceStatusEntry
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.validation import (
    InvoiceFacts,
    PartyRole,
    StatusCharacteristic,
    StatusParty,
    StatusReason,
    build_status_message,
)
from tests.flows.conftest import deposit
from tests.lifecycle.conftest import validate_cdar
from tests.routing.conftest import PEER_ID, RoutingWorld, invoice_between, peer_token
from tests.routing.test_routing import (
    GENERIC_CII,
    Worker,
    _add_line,
    _deposit_for_seller,
    _flow_by_annex_id,
    work,  # noqa: F401 -- the worker's handlers
)

INVOICES = "/api/v1/invoices"
OTHER_SELLER = "552081317"  # a seller whose platform is PA-PAIR
OTHER_BUYER = "732829320"  # a buyer whose platform is PA-PAIR
CDAR_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


async def _peer_deposit(
    client: httpx.AsyncClient, organization: str, content: bytes, name: str, syntax: str
) -> str:
    issued = await peer_token(client)
    assert issued.status_code == 200, issued.text
    headers = {
        "Authorization": f"Bearer {issued.json()['access_token']}",
        "Organization-Id": organization,
    }
    response = await deposit(client, headers, content, {"name": name, "flowSyntax": syntax})
    assert response.status_code == 202, response.text
    flow_id: str = response.json()["flowId"]
    return flow_id


async def _history(session: AsyncSession, flow_id: uuid.UUID) -> list[tuple[int, str | None]]:
    session.expire_all()
    rows = await session.execute(
        select(InvoiceStatusEntry.status, InvoiceStatusEntry.reason_code)
        .where(InvoiceStatusEntry.invoice_flow_id == flow_id)
        .order_by(InvoiceStatusEntry.occurred_at, InvoiceStatusEntry.id)
    )
    return [(row[0], row[1]) for row in rows]


async def _queued(session: AsyncSession) -> list[tuple[int | None, OutboxMessage, Flow]]:
    """The status messages queued for the other platform: (status, outbox row, message)."""
    session.expire_all()
    rows = (
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == SEND_STATUS_KIND)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    ).all()
    result = []
    for row in rows:
        message = await session.get(Flow, uuid.UUID(row.payload["status_flow_id"]))
        assert message is not None
        assert row.dedupe_key == f"{SEND_STATUS_KIND}:{message.id}"
        result.append((message.lifecycle_status, row, message))
    return result


async def _content(settings: Settings, flow: Flow) -> bytes:
    return b"".join([chunk async for chunk in create_blob_storage(settings).read(flow.blob_key)])


def _recipient_roles(content: bytes) -> list[str]:
    root = etree.fromstring(content)
    return [
        node.text or ""
        for node in root.findall(
            "rsm:ExchangedDocument/ram:RecipientTradeParty/ram:RoleCode", CDAR_NS
        )
    ]


async def _act(
    client: httpx.AsyncClient, headers: dict[str, str], invoice_id: str, **body: str
) -> httpx.Response:
    return await client.post(f"{INVOICES}/{invoice_id}/actions", json=body, headers=headers)


async def test_every_status_of_an_invoice_the_other_platform_sent_goes_back_once_in_order(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,  # noqa: F811
    routing_settings: Settings,
) -> None:
    invoice_id = await _peer_deposit(
        client,
        world.buyer_siren,
        invoice_between(OTHER_SELLER, world.buyer_siren, number="F2025-P-001"),
        "F2025-P-001.xml",
        "CII",
    )
    await work(passes=2)
    buyer = world.software.rival_owner
    assert (await _act(client, buyer, invoice_id, action="take_charge")).status_code == 200
    disputed = await _act(
        client, buyer, invoice_id, action="dispute", reason_code="TX_TVA_ERR", reason_text="20 %"
    )
    assert disputed.status_code == 200, disputed.text
    # The same answer twice is one status, one message.
    again = await _act(
        client, buyer, invoice_id, action="dispute", reason_code="TX_TVA_ERR", reason_text="20 %"
    )
    assert again.status_code == 200, again.text

    queued = await _queued(session)
    assert [status for status, _, _ in queued] == [202, 203, 204, 207]
    assert {message.related_flow_id for _, _, message in queued} == {uuid.UUID(invoice_id)}
    dispute = await _content(routing_settings, queued[-1][2])
    assert b"TX_TVA_ERR" in dispute
    assert _recipient_roles(dispute) == ["SE"]

    # The other platform does not answer (its port is closed): the first message keeps
    # failing, the others wait behind it, none is lost.
    await work(passes=2)
    queued = await _queued(session)
    assert all(row.status == OutboxStatus.PENDING for _, row, _ in queued)
    assert "injoignable" in (queued[0][1].last_error or "")
    for _, row, _ in queued[1:]:
        assert "précédent(s) de la facture pas encore transmis" in (row.last_error or "")


async def test_our_213_of_an_invoice_the_other_platform_sent_goes_back(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,  # noqa: F811
    routing_settings: Settings,
) -> None:
    # One failing our rules, one accepted, then a second copy of the accepted one (other
    # bytes, same seller, number and year): DOUBLON (use case UC2).
    failing = await _peer_deposit(
        client, world.buyer_siren, GENERIC_CII.read_bytes(), GENERIC_CII.name, "CII"
    )
    first = invoice_between(OTHER_SELLER, world.buyer_siren, number="F2025-P-002")
    await _peer_deposit(client, world.buyer_siren, first, "F2025-P-002.xml", "CII")
    await work(passes=2)
    copy = await _peer_deposit(
        client,
        world.buyer_siren,
        first + b"<!-- seconde transmission -->",
        "F2025-P-002-bis.xml",
        "CII",
    )
    await work(passes=2)

    assert {status for status, _ in await _history(session, uuid.UUID(failing))} == {213}
    assert await _history(session, uuid.UUID(copy)) == [(213, "DOUBLON")]
    rejected = {
        message.related_flow_id: message
        for status, _, message in await _queued(session)
        if status == 213
    }
    assert set(rejected) == {uuid.UUID(failing), uuid.UUID(copy)}
    duplicate = await _content(routing_settings, rejected[uuid.UUID(copy)])
    assert b"DOUBLON" in duplicate
    # Rejected on reception (UC2): the seller and the buyer hear of it.
    assert _recipient_roles(duplicate)[:2] == ["SE", "BY"]
    # The other platform's CDAR rules accept it. (The 213 of the invoice failing our rules
    # cannot pass them: that invoice names no SIREN nor address of its seller, BR-FR-CDV-08.)
    report = await validate_cdar(duplicate)
    assert report.fatal_findings == ()


async def _sent_to_peer(
    client: httpx.AsyncClient, world: RoutingWorld, session: AsyncSession, run: Worker, number: str
) -> uuid.UUID:
    """An invoice of our seller routed to PA-PAIR (whose port is closed): its flow id."""
    annex_id = await _deposit_for_seller(client, world, OTHER_BUYER, number=number)
    await run(passes=2)
    invoice = await _flow_by_annex_id(session, annex_id)
    route = await session.scalar(select(InvoiceRoute).where(InvoiceRoute.flow_id == invoice.id))
    assert route is not None
    assert (route.kind, route.platform_id, route.delivered_at) == (RouteKind.PEER, PEER_ID, None)
    return invoice.id


async def _delivered(session: AsyncSession, invoice_id: uuid.UUID) -> None:
    """What the other platform's acknowledgement of the invoice writes."""
    await session.execute(
        update(InvoiceRoute)
        .where(InvoiceRoute.flow_id == invoice_id)
        .values(delivered_at=utcnow(), remote_flow_id="chez-le-pair")
    )
    await session.commit()


async def test_the_sellers_status_waits_for_the_invoice_to_reach_the_other_platform(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,  # noqa: F811
) -> None:
    await _add_line(session, OTHER_BUYER, PEER_ID)
    invoice_id = await _sent_to_peer(client, world, session, work, "F2025-S-001")
    cancelled = await _act(client, world.software.firm_owner, str(invoice_id), action="cancel")
    assert cancelled.status_code == 200, cancelled.text
    await work(passes=1)
    [(status, row, message)] = await _queued(session)
    assert (status, message.related_flow_id) == (220, invoice_id)
    assert row.status == OutboxStatus.PENDING
    assert "pas encore remise" in (row.last_error or "")
    await _delivered(session, invoice_id)
    await work(passes=1)
    [(_, row, _)] = await _queued(session)
    assert "injoignable" in (row.last_error or "")  # now it is tried on the other platform


def _peer_message(
    status: str,
    number: str,
    seller: str,
    buyer: str,
    *,
    reasons: tuple[StatusReason, ...] = (),
    characteristics: tuple[StatusCharacteristic, ...] = (),
    message_id: str | None = None,
    seller_side: bool = False,
) -> bytes:
    """A CDAR as PA-PAIR writes it (the buyer's platform, or the seller's with `seller_side`)."""
    at = datetime(2025, 7, 2, 9, 0, tzinfo=UTC)
    seller_party = StatusParty(
        role=PartyRole.SELLER, name="VENDEUR", siren=seller, electronic_address=seller
    )
    buyer_party = StatusParty(
        role=PartyRole.BUYER, name="ACHETEUR", siren=buyer, electronic_address=buyer
    )
    issuer = None
    if status not in ("202", "203", "213"):
        issuer = seller_party if seller_side else buyer_party
    return build_status_message(
        status=Status(status),
        invoice=InvoiceFacts(
            number=number,
            type_code="380",
            issue_date=date(2025, 7, 1),
            seller_siren=seller,
            seller_name="VENDEUR",
            buyer_siren=buyer,
            buyer_name="ACHETEUR",
        ),
        platform=StatusParty(role=PartyRole.PLATFORM, name="Plateforme paire", platform_id="9999"),
        recipients=[buyer_party if seller_side else seller_party],
        issuer=issuer,
        status_at=at,
        received_at=at,
        reasons=reasons,
        characteristics=characteristics,
        message_id=message_id,
    )


async def _peer_status(
    client: httpx.AsyncClient,
    run: Worker,
    session: AsyncSession,
    organization: str,
    content: bytes,
) -> Flow:
    flow_id = await _peer_deposit(client, organization, content, f"{uuid.uuid4().hex}.xml", "CDAR")
    await run(passes=2)
    return await _flow_by_annex_id(session, flow_id)


async def test_the_other_platforms_statuses_are_applied_with_their_reasons_once(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,  # noqa: F811
) -> None:
    await _add_line(session, OTHER_BUYER, PEER_ID)
    invoice_id = await _sent_to_peer(client, world, session, work, "F2025-S-002")
    await _delivered(session, invoice_id)
    seller = world.seller_siren

    def said(status: str, **options: object) -> bytes:
        return _peer_message(status, "F2025-S-002", seller, OTHER_BUYER, **options)  # type: ignore[arg-type]

    dispute = StatusReason(
        code="TX_TVA_ERR", reason="Taux de TVA erroné", action_code="CNF", action="Créer un avoir"
    )
    steps: list[tuple[str, bytes, AckStatus]] = [
        ("202", said("202"), AckStatus.OK),
        ("203", said("203"), AckStatus.OK),
        ("207 with its reason", said("207", reasons=(dispute,)), AckStatus.OK),
        # The same message again (same MDT-4, other bytes): one status.
        ("207 again", said("207", reasons=(dispute,)) + b"<!-- bis -->", AckStatus.OK),
        (
            "206 with its reason",
            said("206", reasons=(StatusReason(code="QTE_ERR", reason="Quantité erronée"),)),
            AckStatus.OK,
        ),
        (
            "211 with its amount",
            said(
                "211",
                characteristics=(
                    StatusCharacteristic(
                        type_code="MPA",
                        amount=Decimal("6000.00"),
                        currency="EUR",
                        value_date=date(2025, 7, 3),
                    ),
                ),
            ),
            AckStatus.OK,
        ),
    ]
    for case, content, ack in steps:
        received = await _peer_status(client, work, session, seller, content)
        assert received.ack_status == ack, (case, received.ack_details)
    history = await _history(session, invoice_id)
    assert history == [
        (200, None),
        (202, None),
        (203, None),
        (207, "TX_TVA_ERR"),
        (206, "QTE_ERR"),
        (211, None),
    ]
    entries = (
        await session.scalars(
            select(InvoiceStatusEntry)
            .where(InvoiceStatusEntry.invoice_flow_id == invoice_id)
            .order_by(InvoiceStatusEntry.occurred_at)
        )
    ).all()
    assert [entry.channel for entry in entries[1:]] == ["cdar"] * 5
    assert entries[-1].amount == Decimal("6000.00")
    received_messages = {str(entry.cdar_flow_id) for entry in entries[1:]}
    # Statuses it sent are not sent back to it.
    assert [status for status, _, _ in await _queued(session)] == []
    # The seller's timeline shows each, with the reason and the message as it came.
    timeline = await client.get(
        f"{INVOICES}/{invoice_id}/timeline", headers=world.software.firm_owner
    )
    assert timeline.status_code == 200, timeline.text
    items = timeline.json()["items"]
    assert [(item["status"], item["reason_code"]) for item in items] == history
    assert {item["message_flow_id"] for item in items[1:]} == received_messages


@pytest.mark.parametrize(
    ("case", "reason_code"),
    [
        ("an invoice number unknown here", "UnknownInvoice"),
        ("an invoice delivered on this platform, not exchanged with PA-PAIR", "NotCounterpart"),
        ("a seller's status about an invoice our client issued", "UnknownInvoice"),
        ("a status that cannot follow the invoice's last one", "lifecycle-invoice-closed"),
    ],
)
async def test_a_status_the_other_platform_may_not_give_is_refused_and_logged(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    case: str,
    reason_code: str,
) -> None:
    seller = world.seller_siren
    await _add_line(session, OTHER_BUYER, PEER_ID)
    invoice_id = await _sent_to_peer(client, world, session, work, "F2025-S-003")
    await _delivered(session, invoice_id)
    if case.startswith("an invoice number unknown"):
        content = _peer_message("202", "F2025-INCONNUE", seller, OTHER_BUYER)
    elif case.startswith("an invoice delivered on this platform"):
        annex_id = await _deposit_for_seller(client, world, world.buyer_siren, number="F2025-L-1")
        await work(passes=2)
        local = await _flow_by_annex_id(session, annex_id)
        assert local.lifecycle_status == 203
        content = _peer_message("204", "F2025-L-1", seller, world.buyer_siren)
    elif case.startswith("a seller's status"):
        content = _peer_message(
            "212",
            "F2025-S-003",
            seller,
            OTHER_BUYER,
            seller_side=True,
            characteristics=(
                StatusCharacteristic(
                    type_code="MEN",
                    amount=Decimal("12000.00"),
                    currency="EUR",
                    percent=Decimal("20"),
                ),
            ),
        )
    else:  # the invoice is refused (210, final): a 205 after it
        for status, extra in (
            ("202", {}),
            ("203", {}),
            ("210", {"reasons": (StatusReason(code="DEST_ERR", reason="Erreur de destinataire"),)}),
        ):
            applied = await _peer_status(
                client,
                work,
                session,
                seller,
                _peer_message(status, "F2025-S-003", seller, OTHER_BUYER, **extra),  # type: ignore[arg-type]
            )
            assert applied.ack_status == AckStatus.OK, applied.ack_details
        content = _peer_message("205", "F2025-S-003", seller, OTHER_BUYER)
    before = await _history(session, invoice_id)
    with caplog.at_level("WARNING", logger="comptoir.routing"):
        received = await _peer_status(client, work, session, seller, content)
    assert received.ack_status == AckStatus.ERROR, case
    assert received.ack_details is not None
    assert received.ack_details[0]["reasonCode"] == reason_code, received.ack_details
    assert await _history(session, invoice_id) == before
    assert any(
        "refused" in record.getMessage() and reason_code in record.getMessage()
        for record in caplog.records
    ), case
