"""A status in a CDAR message deposited on the Flow Service by a party's own software: the
buyer company's ERP approves an invoice it received. Applied once validated by the CDAR rules;
refused (acknowledgement Error, with the reason) when it names an invoice the depositor does not
have, or comes from someone who is not the party that emits that status."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.invoice_statuses import Status
from api.lifecycle import repository
from api.models.client import Client
from api.models.flow import Flow, FlowDirection
from api.validation import (
    InvoiceFacts,
    PartyRole,
    StatusCharacteristic,
    StatusParty,
    StatusReason,
    build_status_message,
)
from tests.flows.conftest import FLOWS, Worker, deposit
from tests.lifecycle.conftest import SELLER_SIREN, invoice_flow, uc1_facts
from tests.software import CERTIFIED_SIREN, SoftwareWorld, token_for

NUMBER = "F202500003"


@pytest.fixture
async def buyer_token(client: httpx.AsyncClient, world: SoftwareWorld) -> dict[str, str]:
    """The certified client's own ERP (its company key): the buyer of the invoice below."""
    return await token_for(client, world.company_key)


@pytest.fixture
async def received(session: AsyncSession, world: SoftwareWorld) -> Flow:
    """An invoice of the seller 100000009 made available to the certified client (203)."""
    buyer = await session.get(Client, uuid.UUID(world.certified_client_id))
    assert buyer is not None
    facts = uc1_facts() | {
        "buyer_siren": CERTIFIED_SIREN,
        "buyer_electronic_address": CERTIFIED_SIREN,
    }
    flow = invoice_flow(buyer, FlowDirection.IN, facts=facts, lifecycle_status=203)
    session.add(flow)
    await session.commit()
    return flow


def message(
    status: Status,
    *,
    number: str = NUMBER,
    issuer_siren: str = CERTIFIED_SIREN,
    role: PartyRole | None = PartyRole.BUYER,
    reasons: tuple[StatusReason, ...] = (),
    characteristics: tuple[StatusCharacteristic, ...] = (),
    issued_at: datetime | None = None,
) -> bytes:
    """What a buyer's software writes (the message this platform writes, same shape)."""
    return build_status_message(
        status=status,
        invoice=InvoiceFacts(
            number=number,
            type_code="380",
            issue_date=datetime(2025, 7, 1, tzinfo=UTC).date(),
            seller_siren=SELLER_SIREN,
        ),
        platform=StatusParty(role=PartyRole.PLATFORM, name="Comptoir", platform_id="0000"),
        recipients=[
            StatusParty(
                role=PartyRole.SELLER,
                name="VENDEUR",
                siren=SELLER_SIREN,
                electronic_address="100000009_STATUTS",
            )
        ],
        issuer=StatusParty(role=role, name="ACHETEUR", siren=issuer_siren) if role else None,
        status_at=datetime(2025, 7, 2, 8, 0, tzinfo=UTC),
        received_at=datetime(2025, 7, 1, 14, 10, tzinfo=UTC),
        reasons=reasons,
        characteristics=characteristics,
        issued_at=issued_at or datetime(2025, 7, 2, 8, 5, tzinfo=UTC),
    )


async def _deposit(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes, name: str
) -> str:
    response = await deposit(client, headers, content, {"name": name, "flowSyntax": "CDAR"})
    assert response.status_code == 202, response.text
    flow_id: str = response.json()["flowId"]
    return flow_id


async def _acknowledgement(
    client: httpx.AsyncClient, headers: dict[str, str], flow_id: str
) -> dict[str, Any]:
    flow = await client.get(f"{FLOWS}/flows/{flow_id}", headers=headers)
    assert flow.status_code == 200, flow.text
    acknowledgement: dict[str, Any] = flow.json()["acknowledgement"]
    return acknowledgement


async def test_the_buyer_software_approves_an_invoice_once(
    client: httpx.AsyncClient,
    session: AsyncSession,
    buyer_token: dict[str, str],
    received: Flow,
    run_flows_worker: Worker,
) -> None:
    first = await _deposit(client, buyer_token, message(Status.APPROUVEE), "205.xml")
    # The same message (same MDT-4) written again a minute later: other bytes, one status.
    again = await _deposit(
        client,
        buyer_token,
        message(Status.APPROUVEE, issued_at=datetime(2025, 7, 2, 8, 6, tzinfo=UTC)),
        "205-bis.xml",
    )
    await run_flows_worker()
    for flow_id in (first, again):
        assert (await _acknowledgement(client, buyer_token, flow_id))["status"] == "Ok"
    await session.refresh(received)
    assert received.lifecycle_status == 205
    history = await repository.history(session, received.id)
    assert [(entry.status, entry.side, entry.channel) for entry in history] == [
        (205, "buyer", "cdar")
    ]
    assert history[0].cdar_flow_id == uuid.UUID(first)
    assert history[0].author_kind == "api_key"


async def test_a_dispute_carries_its_reason_and_a_late_refusal_is_refused(
    client: httpx.AsyncClient,
    session: AsyncSession,
    buyer_token: dict[str, str],
    received: Flow,
    run_flows_worker: Worker,
) -> None:
    dispute = message(
        Status.EN_LITIGE,
        reasons=(
            StatusReason(
                code="TX_TVA_ERR",
                reason="Taux de TVA erroné",
                action_code="CNF",
                action="Créer un Avoir total",
            ),
        ),
    )
    await _deposit(client, buyer_token, dispute, "207.xml")
    await run_flows_worker()
    [entry] = await repository.history(session, received.id)
    assert (entry.status, entry.reason_code) == (207, "TX_TVA_ERR")
    # 204 Prise en charge cannot follow a dispute.
    late = await _deposit(client, buyer_token, message(Status.PRISE_EN_CHARGE), "204.xml")
    await run_flows_worker()
    acknowledgement = await _acknowledgement(client, buyer_token, late)
    assert acknowledgement["status"] == "Error"
    assert acknowledgement["details"][-1]["reasonCode"] == "TransitionRefused"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (lambda: message(Status.APPROUVEE, number="F-INCONNUE"), "UnknownInvoice"),
        # Issued in the name of another company than the depositor.
        (lambda: message(Status.APPROUVEE, issuer_siren="200000008"), "NotAParty"),
        # A seller's status from the buyer's software.
        (
            lambda: message(
                Status.ENCAISSEE,
                role=PartyRole.SELLER,
                characteristics=(
                    StatusCharacteristic(
                        type_code="MEN", amount=Decimal("12000"), percent=Decimal("20")
                    ),
                ),
            ),
            "NotAParty",
        ),
        # A platform's status from a party's software.
        (lambda: message(Status.RECUE, role=None), "NotAParty"),
    ],
    ids=["unknown-invoice", "another-company", "seller-status", "platform-status"],
)
async def test_a_message_from_the_wrong_party_or_about_an_unknown_invoice_is_refused(
    client: httpx.AsyncClient,
    session: AsyncSession,
    buyer_token: dict[str, str],
    received: Flow,
    run_flows_worker: Worker,
    content: Any,
    reason: str,
) -> None:
    flow_id = await _deposit(client, buyer_token, content(), "statut.xml")
    await run_flows_worker()
    acknowledgement = await _acknowledgement(client, buyer_token, flow_id)
    assert acknowledgement["status"] == "Error", acknowledgement
    assert acknowledgement["details"][-1]["reasonCode"] == reason
    await session.refresh(received)
    assert received.lifecycle_status == 203
    assert await repository.history(session, received.id) == []
    stored = await session.get(Flow, uuid.UUID(flow_id))
    assert stored is not None
    assert stored.related_flow_id is None
    assert (
        await session.scalars(select(Flow).where(Flow.related_flow_id == received.id))
    ).all() == []
