"""UC1 through the whole platform: the seller's software deposits the invoice on the Flow
Service, the worker validates, routes and delivers it to the buyer's company (routing: 200, 202,
203), the buyer's firm approves it in « Factures reçues », the seller's firm marks it cashed in
« Factures émises »; both see the same timeline."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.flow import Flow
from tests.routing.conftest import RoutingWorld, app, client, routing_settings, world  # noqa: F401
from tests.routing.test_routing import Worker, _deposit_for_seller, work  # noqa: F401

INVOICES = "/api/v1/invoices"


async def test_uc1_through_delivery_then_the_screens(
    client: httpx.AsyncClient,  # noqa: F811
    world: RoutingWorld,  # noqa: F811
    session: AsyncSession,
    work: Worker,  # noqa: F811
) -> None:
    annex_id = await _deposit_for_seller(client, world, world.buyer_siren)
    await work()
    buyer_owner = world.software.rival_owner
    seller_owner = world.software.firm_owner
    received = await client.get(INVOICES, params={"direction": "received"}, headers=buyer_owner)
    assert received.status_code == 200, received.text
    [item] = received.json()["items"]
    assert (item["invoice_number"], item["status"]) == ("F202500003", 203)
    approved = await client.post(
        f"{INVOICES}/{item['id']}/actions", json={"action": "approve"}, headers=buyer_owner
    )
    assert approved.status_code == 200, approved.text
    # The flow's readable view names the status the screens show (any status of the catalogue).
    readable = await client.get(f"/api/v1/flows/{item['id']}/readable", headers=buyer_owner)
    assert readable.status_code == 200, readable.text
    assert "statut : Approuvée (205)" in readable.text

    seller_flow = await session.scalar(select(Flow).where(Flow.id == uuid.UUID(annex_id)))
    assert seller_flow is not None
    cashed = await client.post(
        f"{INVOICES}/{seller_flow.id}/actions", json={"action": "cashed"}, headers=seller_owner
    )
    assert cashed.status_code == 200, cashed.text
    assert cashed.json()["status"] == 212
    seller_view = [entry["status"] for entry in cashed.json()["timeline"]]
    buyer_view = await client.get(f"{INVOICES}/{item['id']}/timeline", headers=buyer_owner)
    assert seller_view == [200, 202, 203, 205, 212]
    readable = await client.get(f"/api/v1/flows/{seller_flow.id}/readable", headers=seller_owner)
    assert "statut : Encaissée (212)" in readable.text
    assert [entry["status"] for entry in buyer_view.json()["items"]] == seller_view
    # The seller received the buyer's 205 as a message of its own, the buyer the seller's 212.
    seller_messages = (
        await session.scalars(
            select(Flow.lifecycle_status).where(
                Flow.related_flow_id == seller_flow.id, Flow.syntax == "CDAR"
            )
        )
    ).all()
    assert 205 in seller_messages
    buyer_messages = (
        await session.scalars(
            select(Flow.lifecycle_status).where(
                Flow.related_flow_id == uuid.UUID(item["id"]), Flow.syntax == "CDAR"
            )
        )
    ).all()
    assert 212 in buyer_messages
