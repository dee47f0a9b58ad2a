"""UC2 and UC5 through delivery on one platform: the seller's software deposits the example
invoice on the Flow Service, the worker validates and routes it to the buyer's company here;
the buyer and the seller answer as they do in the product (the buyer's software by a CDAR on
the Flow Service, the firms in « Factures reçues / émises »). The history is the example's
sequence and every message Comptoir produced is compared with the example message field by
field (tests/routing/examples.py) and passes the CDAR schema and rules.

UC2: the buyer had received the same invoice (as UBL) from another platform before; the seller's
copy reaches it here: 213 Rejetée « DOUBLON » instead of a second delivery."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import create_blob_storage
from api.core.settings import Settings
from api.lifecycle.catalogue import Status
from api.models.flow import AckStatus, Flow, FlowDirection
from api.validation import (
    InvoiceFacts,
    PartyRole,
    StatusParty,
    StatusReason,
    build_status_message,
)
from tests.flows.conftest import deposit
from tests.lifecycle.conftest import EXAMPLES, validate_cdar
from tests.lifecycle.test_use_cases import fields
from tests.routing.conftest import RoutingWorld, peer_token
from tests.routing.examples import Said, compare, example_invoice, history
from tests.routing.test_routing import Worker, work  # noqa: F401 -- the worker's handlers
from tests.shared_data import needs_shared
from tests.software import token_for

pytestmark = needs_shared(EXAMPLES)
INVOICES = "/api/v1/invoices"


async def _seller_deposits(
    client: httpx.AsyncClient, world: RoutingWorld, content: bytes, name: str
) -> str:
    headers = await token_for(client, world.software.firm_key) | {
        "Organization-Id": world.seller_siren
    }
    response = await deposit(client, headers, content, {"name": name, "flowSyntax": "CII"})
    assert response.status_code == 202, response.text
    flow_id: str = response.json()["flowId"]
    return flow_id


async def _said(session: AsyncSession, settings: Settings, flow_id: str) -> list[Said]:
    session.expire_all()
    return await history(session, create_blob_storage(settings), flow_id)


async def _check(
    said: Said, path: str, world: RoutingWorld, *, deposited: datetime, received: datetime | None
) -> None:
    compare(
        said,
        path,
        seller=world.seller_siren,
        buyer=world.buyer_siren,
        deposited=deposited,
        received=received,
    )
    report = await validate_cdar(said.message)
    assert report.fatal_findings == (), (path, report.fatal_findings)


async def test_uc2_a_copy_the_buyer_received_before_is_rejected_as_a_duplicate(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,  # noqa: F811
    routing_settings: Settings,
) -> None:
    case = "UC2/UC2_F202500004_"
    seller, buyer = world.seller_siren, world.buyer_siren
    # First, from another platform, as UBL (another address of the buyer).
    issued = await peer_token(client)
    response = await deposit(
        client,
        {
            "Authorization": f"Bearer {issued.json()['access_token']}",
            "Organization-Id": buyer,
        },
        example_invoice(f"{case}00-INV_20250701_UBL.xml", seller, buyer),
        {"name": "F202500004.xml", "flowSyntax": "UBL"},
    )
    assert response.status_code == 202, response.text
    await work(passes=2)
    flow_id = await _seller_deposits(
        client,
        world,
        example_invoice(f"{case}00-INV_20250701_CII.xml", seller, buyer),
        "F202500004.xml",
    )
    await work(passes=2)

    said = await _said(session, routing_settings, flow_id)
    assert [(entry.status, entry.reason_code) for entry in said] == [(200, None), (213, "DOUBLON")]
    # Not delivered a second time: the buyer holds the first copy only.
    copies = (
        await session.scalars(
            select(Flow).where(
                Flow.invoice_number == "F202500004",
                Flow.direction == FlowDirection.IN,
                Flow.syntax != "CDAR",
            )
        )
    ).all()
    assert [(copy.syntax, copy.peer_platform_id is not None) for copy in copies] == [("UBL", True)]
    seller_flow = await session.get(Flow, uuid.UUID(flow_id))
    assert seller_flow is not None
    deposited = seller_flow.submitted_at
    await _check(
        said[0], f"{case}01-CDV-200_Deposee.xml", world, deposited=deposited, received=None
    )
    await _check(
        said[1],
        f"{case}02-CDV-213_Rejetee.xml",
        world,
        deposited=deposited,
        received=said[1].occurred_at,
    )


def _buyers_dispute(seller: str, buyer: str) -> bytes:
    """UC5's 207 as the buyer's software writes it: the VAT rate is wrong, a credit note is
    expected (CNF)."""
    at = datetime.now(UTC)
    return build_status_message(
        status=Status("207"),
        invoice=InvoiceFacts(
            number="F202500007",
            type_code="380",
            issue_date=date(2025, 7, 2),
            seller_siren=seller,
            seller_name="LE VENDEUR",
            buyer_siren=buyer,
            buyer_name="LE CLIENT",
        ),
        platform=StatusParty(role=PartyRole.PLATFORM, name="Comptoir"),
        recipients=[
            StatusParty(
                role=PartyRole.SELLER,
                name="LE VENDEUR",
                siren=seller,
                electronic_address=f"{seller}_STATUTS",
            )
        ],
        issuer=StatusParty(role=PartyRole.BUYER, name="LE CLIENT", siren=buyer),
        status_at=at,
        received_at=at,
        reasons=(
            StatusReason(
                code="TX_TVA_ERR",
                reason="Taux de TVA erroné",
                action_code="CNF",
                action="Créer un Avoir total",
            ),
        ),
    )


async def test_uc5_dispute_then_approved_and_cashed_through_delivery(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    session: AsyncSession,
    work: Worker,  # noqa: F811
    routing_settings: Settings,
) -> None:
    case = "UC5/UC5_F202500007_"
    seller, buyer = world.seller_siren, world.buyer_siren
    flow_id = await _seller_deposits(
        client,
        world,
        example_invoice(f"{case}00-INV_20250702_CII.xml", seller, buyer),
        "F202500007.xml",
    )
    await work(passes=2)
    # The buyer's software disputes it on the Flow Service.
    headers = await token_for(client, world.software.rival_company_key)
    response = await deposit(
        client,
        headers,
        _buyers_dispute(seller, buyer),
        {"name": "litige.xml", "flowSyntax": "CDAR"},
    )
    assert response.status_code == 202, response.text
    await work(passes=2)
    dispute = await session.get(Flow, uuid.UUID(response.json()["flowId"]))
    assert dispute is not None
    assert dispute.ack_status == AckStatus.OK, dispute.ack_details
    received = await client.get(
        INVOICES, params={"direction": "received"}, headers=world.software.rival_owner
    )
    [item] = received.json()["items"]
    approved = await client.post(
        f"{INVOICES}/{item['id']}/actions",
        json={"action": "approve"},
        headers=world.software.rival_owner,
    )
    assert approved.status_code == 200, approved.text
    cashed = await client.post(
        f"{INVOICES}/{flow_id}/actions",
        json={"action": "cashed", "amount": "11000.00", "vat_rate": "10"},
        headers=world.software.firm_owner,
    )
    assert cashed.status_code == 200, cashed.text

    said = await _said(session, routing_settings, flow_id)
    assert [(entry.status, entry.reason_code) for entry in said] == [
        (200, None),
        (202, None),
        (203, None),
        (207, "TX_TVA_ERR"),
        (205, None),
        (212, None),
    ]
    # The seller received the buyer's software's message, its reason and expected action.
    assert fields(said[3].message)["reasons"] == [("TX_TVA_ERR", "CNF")]
    seller_flow = await session.get(Flow, uuid.UUID(flow_id))
    assert seller_flow is not None
    deposited, reception = seller_flow.submitted_at, said[1].occurred_at
    for entry, path in (
        (said[0], f"{case}01-CDV-200_Deposee.xml"),
        (said[1], f"{case}02-CDV-202_Recue.xml"),
        (said[2], f"{case}03-CDV-203_Mise_a_disposition.xml"),
        (said[4], "UC5/UC5b_F202500007_05-CDV-205_Approuvee.xml"),
        (said[5], "UC5/UC5b_F202500007_07-CDV-212_Encaissee.xml"),
    ):
        await _check(entry, path, world, deposited=deposited, received=reception)
