"""« Factures reçues » / « Factures émises » over HTTP: the buyer company's user answers the
invoice, the seller's firm marks it cashed, each side only its own statuses, the timeline,
the bulk action, the filters and pages; a Comptable sees only the clients assigned to them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import create_blob_storage
from api.audit import service as audit_service
from api.core.authz import Role
from api.core.invoice_statuses import Status
from api.core.settings import Settings
from api.lifecycle import service as lifecycle
from api.models.audit_event import AuditEvent
from api.models.client import Client, ClientAssignment, ClientStatus
from api.models.flow import Flow, FlowDirection
from api.models.workspace import Workspace, WorkspaceKind
from tests.helpers import create_firm, every_page, logged_in_member, logged_in_owner
from tests.lifecycle.conftest import BUYER_SIREN, SELLER_SIREN, client_row, invoice_flow, uc1_facts

INVOICES = "/api/v1/invoices"


@dataclass
class Parties:
    seller_owner: dict[str, str]  # the owner of the seller's firm
    buyer_user: dict[str, str]  # a user of the buyer company's own space
    assigned: dict[str, str]  # a Comptable of the seller's firm, assigned to the seller
    unassigned: dict[str, str]  # a Comptable of the seller's firm, not assigned
    seller: Client
    buyer: Client
    issued: Flow
    received: Flow


async def _delivered(
    session: AsyncSession, settings: Settings, seller: Client, buyer: Client, number: str
) -> tuple[Flow, Flow]:
    """An invoice deposited by the seller and delivered to the buyer (200, 202, 203)."""
    facts = uc1_facts() | {"number": number}
    issued = invoice_flow(seller, FlowDirection.OUT, facts=facts)
    session.add(issued)
    await session.flush()
    received = invoice_flow(buyer, FlowDirection.IN, related=issued, facts=facts)
    session.add(received)
    await session.flush()
    storage = create_blob_storage(settings)
    for status in (Status.DEPOSEE, Status.RECUE, Status.MISE_A_DISPOSITION):
        await lifecycle.record(
            session, issued, status, lifecycle.PLATFORM, storage=storage, settings=settings
        )
    await session.commit()
    return issued, received


@pytest.fixture
async def parties(client: httpx.AsyncClient, session: AsyncSession, settings: Settings) -> Parties:
    seller_firm = await create_firm(session, settings, name="Cabinet du vendeur")
    buyer_firm = await create_firm(session, settings, name="Cabinet de l'acheteur")
    seller = client_row(seller_firm.firm.id, SELLER_SIREN, "Vendeur SA")
    buyer = client_row(buyer_firm.firm.id, BUYER_SIREN, "Acheteur SARL")
    company = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.COMPANY, name="Acheteur SARL")
    session.add_all([seller, buyer, company])
    await session.flush()
    await session.execute(
        update(Client)
        .where(Client.id == buyer.id)
        .values(company_workspace_id=company.id, status=ClientStatus.ACTIVE)
    )
    await session.commit()
    _, buyer_user = await logged_in_member(
        client, session, settings, company, frozenset({Role.COMPANY_USER}), first_name="Léa"
    )
    assigned_user, assigned = await logged_in_member(
        client, session, settings, seller_firm.firm, frozenset({Role.ACCOUNTANT})
    )
    _, unassigned = await logged_in_member(
        client, session, settings, seller_firm.firm, frozenset({Role.ACCOUNTANT})
    )
    session.add(
        ClientAssignment(firm_id=seller_firm.firm.id, client_id=seller.id, user_id=assigned_user.id)
    )
    await session.commit()
    issued, received = await _delivered(session, settings, seller, buyer, "F202500003")
    return Parties(
        seller_owner=await logged_in_owner(client, seller_firm),
        buyer_user=buyer_user,
        assigned=assigned,
        unassigned=unassigned,
        seller=seller,
        buyer=buyer,
        issued=issued,
        received=received,
    )


async def test_the_buyer_approves_and_the_seller_marks_it_cashed(
    client: httpx.AsyncClient, parties: Parties
) -> None:
    received = await client.get(
        INVOICES, params={"direction": "received"}, headers=parties.buyer_user
    )
    assert received.status_code == 200, received.text
    [item] = received.json()["items"]
    assert item["id"] == str(parties.received.id)
    assert item["status"] == 203
    assert item["status_label"] == "Mise à disposition"
    assert item["seller_name"] == "VENDEUR"
    assert set(item["actions"]) == {
        "take_charge",
        "approve",
        "approve_partially",
        "dispute",
        "suspend",
        "refuse",
        "payment_sent",
    }

    approved = await client.post(
        f"{INVOICES}/{parties.received.id}/actions",
        json={"action": "approve"},
        headers=parties.buyer_user,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == 205
    timeline = approved.json()["timeline"]
    assert [entry["status"] for entry in timeline] == [200, 202, 203, 205]
    assert timeline[-1]["side"] == "buyer"
    assert timeline[-1]["author_name"] == "Léa Durand"
    assert timeline[-1]["message_flow_id"] is not None  # the buyer's own copy of the 205

    issued = await client.get(f"{INVOICES}/{parties.issued.id}", headers=parties.seller_owner)
    assert issued.json()["status"] == 205
    assert "cashed" in issued.json()["actions"]
    cashed = await client.post(
        f"{INVOICES}/{parties.issued.id}/actions",
        json={"action": "cashed", "amount": "12000.00", "vat_rate": "20.00"},
        headers=parties.seller_owner,
    )
    assert cashed.status_code == 200, cashed.text
    assert cashed.json()["timeline"][-1]["amount"] == "12000.00"
    assert cashed.json()["actions"] == []

    late = await client.post(
        f"{INVOICES}/{parties.received.id}/actions",
        json={"action": "dispute", "reason_code": "TX_TVA_ERR"},
        headers=parties.buyer_user,
    )
    assert late.status_code == 409
    assert late.json()["code"] == "lifecycle-invoice-closed"
    assert late.json()["current_status"] == 212


async def test_each_side_only_its_own_statuses_and_reasons_checked(
    client: httpx.AsyncClient, parties: Parties
) -> None:
    wrong_side = await client.post(
        f"{INVOICES}/{parties.issued.id}/actions",
        json={"action": "approve"},
        headers=parties.seller_owner,
    )
    assert wrong_side.status_code == 422
    assert wrong_side.json()["code"] == "lifecycle-not-emitter"
    no_reason = await client.post(
        f"{INVOICES}/{parties.received.id}/actions",
        json={"action": "refuse"},
        headers=parties.buyer_user,
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "lifecycle-reason-required"
    bad_reason = await client.post(
        f"{INVOICES}/{parties.received.id}/actions",
        json={"action": "refuse", "reason_code": "REJ_SEMAN"},
        headers=parties.buyer_user,
    )
    assert bad_reason.status_code == 422
    assert bad_reason.json()["code"] == "lifecycle-reason-refused"
    refused = await client.post(
        f"{INVOICES}/{parties.received.id}/actions",
        json={"action": "refuse", "reason_code": "CMD_ERR", "reason_text": "Commande inconnue"},
        headers=parties.buyer_user,
    )
    assert refused.status_code == 200, refused.text
    entry = refused.json()["timeline"][-1]
    assert (entry["status"], entry["reason_code"], entry["reason_text"]) == (
        210,
        "CMD_ERR",
        "Commande inconnue",
    )
    twice = await client.post(
        f"{INVOICES}/{parties.received.id}/actions",
        json={"action": "refuse", "reason_code": "CMD_ERR"},
        headers=parties.buyer_user,
    )
    assert twice.status_code == 200
    assert [e["status"] for e in twice.json()["timeline"]] == [200, 202, 203, 210]


async def test_a_comptable_sees_only_the_invoices_of_assigned_clients(
    client: httpx.AsyncClient, parties: Parties
) -> None:
    seen = await client.get(f"{INVOICES}/{parties.issued.id}", headers=parties.assigned)
    assert seen.status_code == 200
    hidden = await client.get(f"{INVOICES}/{parties.issued.id}", headers=parties.unassigned)
    assert hidden.status_code == 404
    listed = await client.get(INVOICES, params={"direction": "issued"}, headers=parties.unassigned)
    assert listed.json()["items"] == []
    acting = await client.post(
        f"{INVOICES}/{parties.issued.id}/actions",
        json={"action": "cancel"},
        headers=parties.unassigned,
    )
    assert acting.status_code == 404
    # The seller's firm does not see the buyer's copy, nor the buyer the seller's.
    foreign = await client.get(f"{INVOICES}/{parties.received.id}", headers=parties.seller_owner)
    assert foreign.status_code == 404


async def test_bulk_action_answers_one_result_per_invoice(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, parties: Parties
) -> None:
    _, second = await _delivered(session, settings, parties.seller, parties.buyer, "F202500099")
    unknown = uuid.uuid4()
    outcome = await client.post(
        f"{INVOICES}/actions",
        json={
            "action": "take_charge",
            "invoice_ids": [str(parties.received.id), str(unknown), str(second.id)],
        },
        headers=parties.buyer_user,
    )
    assert outcome.status_code == 200, outcome.text
    results = {result["id"]: result for result in outcome.json()["results"]}
    assert results[str(parties.received.id)]["ok"] is True
    assert results[str(parties.received.id)]["status"] == 204
    assert results[str(second.id)]["status"] == 204
    assert results[str(unknown)]["ok"] is False
    assert results[str(unknown)]["error"]["code"] == "invoice-not-found"

    again = await client.post(
        f"{INVOICES}/actions",
        json={"action": "refuse", "invoice_ids": [str(second.id)]},
        headers=parties.buyer_user,
    )
    assert again.json()["results"][0]["error"]["code"] == "lifecycle-reason-required"


async def test_status_filter_and_pages(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, parties: Parties
) -> None:
    for number in ("F1", "F2", "F3"):
        await _delivered(session, settings, parties.seller, parties.buyer, number)
    await client.post(
        f"{INVOICES}/{parties.received.id}/actions",
        json={"action": "approve"},
        headers=parties.buyer_user,
    )
    every = await every_page(
        client, INVOICES, parties.buyer_user, {"direction": "received"}, field="invoice_number"
    )
    assert sorted(every) == ["F1", "F2", "F202500003", "F3"]
    approved = await client.get(
        INVOICES, params={"direction": "received", "status": "205"}, headers=parties.buyer_user
    )
    assert [item["invoice_number"] for item in approved.json()["items"]] == ["F202500003"]
    waiting = await client.get(
        INVOICES,
        params={
            "direction": "received",
            "status": ["203", "204"],
            "client_id": str(parties.buyer.id),
        },
        headers=parties.buyer_user,
    )
    assert sorted(item["invoice_number"] for item in waiting.json()["items"]) == ["F1", "F2", "F3"]
    bad = await client.get(
        INVOICES, params={"direction": "received", "cursor": "xx"}, headers=parties.buyer_user
    )
    assert bad.status_code == 422


async def test_the_catalogue_lists_every_status_and_action(
    client: httpx.AsyncClient, parties: Parties
) -> None:
    catalogue = await client.get(f"{INVOICES}/catalogue", headers=parties.buyer_user)
    assert catalogue.status_code == 200
    codes = [status["code"] for status in catalogue.json()["statuses"]]
    assert 214 in codes
    assert 228 in codes
    refuse = next(a for a in catalogue.json()["actions"] if a["action"] == "refuse")
    assert refuse["reason_required"] is True
    assert {"code": "CMD_ERR", "label": "Numéro de commande erroné ou manquant"} in refuse[
        "reasons"
    ]


async def _invoice_events(session: AsyncSession, firm_id: uuid.UUID) -> list[AuditEvent]:
    return list(
        (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.workspace_id == firm_id, AuditEvent.target_type == "invoice")
                .order_by(AuditEvent.sequence)
            )
        ).all()
    )


async def test_every_action_of_a_person_is_audited_once_in_its_firms_chain(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, parties: Parties
) -> None:
    second_issued, second = await _delivered(
        session, settings, parties.seller, parties.buyer, "F202500098"
    )
    refused = await client.post(
        f"{INVOICES}/{parties.received.id}/actions",
        json={"action": "refuse", "reason_code": "CMD_ERR"},
        headers=parties.buyer_user,
    )
    assert refused.status_code == 200, refused.text
    # The same action again is one status, and one event; a refused action writes none.
    for body in ({"action": "refuse", "reason_code": "CMD_ERR"}, {"action": "approve"}):
        await client.post(
            f"{INVOICES}/{parties.received.id}/actions", json=body, headers=parties.buyer_user
        )
    bulk = await client.post(
        f"{INVOICES}/actions",
        json={"action": "take_charge", "invoice_ids": [str(second.id), str(parties.received.id)]},
        headers=parties.buyer_user,
    )
    assert [result["ok"] for result in bulk.json()["results"]] == [True, False]
    cancelled = await client.post(
        f"{INVOICES}/{parties.issued.id}/actions",
        json={"action": "cancel"},
        headers=parties.seller_owner,
    )
    assert cancelled.status_code == 409  # refused by the buyer: final

    # An integration of the seller's firm, through its API key.
    minted = await client.post(
        "/api/v1/api-keys",
        headers=parties.seller_owner,
        json={"name": "comptabilité", "scopes": ["documents:read", "documents:write"]},
    )
    assert minted.status_code == 201, minted.text
    key = {"Authorization": f"Bearer {minted.json()['secret']}"}
    by_key = await client.post(
        f"{INVOICES}/{second_issued.id}/actions", json={"action": "cashed"}, headers=key
    )
    assert by_key.status_code == 200, by_key.text

    buyer_events = await _invoice_events(session, parties.buyer.firm_id)
    assert [(event.action, event.target_id) for event in buyer_events] == [
        ("invoice.refused", str(parties.received.id)),
        ("invoice.taken_charge", str(second.id)),
    ]
    assert {event.actor_kind for event in buyer_events} == {"user"}
    assert buyer_events[0].data["status"] == 210
    assert buyer_events[0].data["reason_code"] == "CMD_ERR"
    assert buyer_events[0].data["client_id"] == str(parties.buyer.id)
    [seller_event] = await _invoice_events(session, parties.seller.firm_id)
    assert (seller_event.action, seller_event.target_id) == (
        "invoice.cashed",
        str(second_issued.id),
    )
    assert seller_event.actor_kind == "api_key"
    assert str(seller_event.actor_api_key_id) == minted.json()["id"]
    assert seller_event.data["amount"] == "12000.00"
    report = await audit_service.verify(session)
    assert report.first_broken is None, report.reason


async def test_a_self_billed_invoice_offers_each_party_its_own_actions(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, parties: Parties
) -> None:
    """Self-billing (BT-3 389): the buyer's software deposits the invoice in the seller's name
    and the seller receives it. The buyer is offered the buyer's actions on the invoice it
    issued, never « Encaissée » or « Annulée »; the seller, who received it, the seller's."""
    facts = uc1_facts() | {"number": "AF2026001", "type_code": "389"}
    deposited = invoice_flow(parties.buyer, FlowDirection.OUT, facts=facts)
    session.add(deposited)
    await session.flush()
    delivered = invoice_flow(parties.seller, FlowDirection.IN, related=deposited, facts=facts)
    session.add(delivered)
    await session.flush()
    storage = create_blob_storage(settings)
    for status in (Status.DEPOSEE, Status.RECUE, Status.MISE_A_DISPOSITION):
        await lifecycle.record(
            session, deposited, status, lifecycle.PLATFORM, storage=storage, settings=settings
        )
    await session.commit()

    issued = await client.get(INVOICES, params={"direction": "issued"}, headers=parties.buyer_user)
    [buyers] = [item for item in issued.json()["items"] if item["type_code"] == "389"]
    assert buyers["direction"] == "issued"
    assert "payment_sent" in buyers["actions"]
    assert not {"cashed", "cancel", "complete"} & set(buyers["actions"])
    received = await client.get(
        INVOICES, params={"direction": "received"}, headers=parties.seller_owner
    )
    [sellers] = [item for item in received.json()["items"] if item["type_code"] == "389"]
    assert sellers["id"] == str(delivered.id)
    assert set(sellers["actions"]) == {"cashed", "cancel"}

    wrong = await client.post(
        f"{INVOICES}/{deposited.id}/actions", json={"action": "cashed"}, headers=parties.buyer_user
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "lifecycle-not-emitter"
    assert "ce client est l'acheteur de cette facture" in wrong.json()["detail"]
    paid = await client.post(
        f"{INVOICES}/{deposited.id}/actions",
        json={"action": "payment_sent"},
        headers=parties.buyer_user,
    )
    assert paid.status_code == 200, paid.text
    cashed = await client.post(
        f"{INVOICES}/{delivered.id}/actions",
        json={"action": "cashed", "vat_rate": "20.00"},
        headers=parties.seller_owner,
    )
    assert cashed.status_code == 200, cashed.text
    timeline = [(entry["status"], entry["side"]) for entry in cashed.json()["timeline"]]
    assert timeline[-2:] == [(211, "buyer"), (212, "seller")]
    # Each party holds the other's message about its own invoice flow.
    assert cashed.json()["timeline"][-2]["message_flow_id"] is not None
    buyer_view = await client.get(f"{INVOICES}/{deposited.id}", headers=parties.buyer_user)
    assert buyer_view.json()["timeline"][-1]["message_flow_id"] is not None
