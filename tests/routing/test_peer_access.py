"""Another platform on our Flow Service: it gets a token with the credentials we issued it, and
deposits only for companies registered in the directory through this platform; what it deposits
comes *in* to that company, marked with the platform it came from."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.core.settings import Settings
from api.core.state import Database, state_of
from api.models.flow import Flow, FlowDirection
from tests.flows.conftest import deposit
from tests.routing.conftest import INBOUND, PEER_ID, RoutingWorld, invoice_between, peer_token


async def _peer_headers(client: httpx.AsyncClient, organization: str) -> dict[str, str]:
    issued = await peer_token(client)
    assert issued.status_code == 200, issued.text
    return {
        "Authorization": f"Bearer {issued.json()['access_token']}",
        "Organization-Id": organization,
    }


@pytest.mark.parametrize(
    ("client_id", "secret", "expected"),
    [
        (INBOUND[0], INBOUND[1], 200),
        (INBOUND[0], "pas-le-bon-secret", 401),
        (INBOUND[0], "", 401),
        ("plateforme-inconnue", INBOUND[1], 401),
    ],
)
async def test_the_peer_gets_a_token_only_with_the_credentials_we_issued_it(
    client: httpx.AsyncClient, client_id: str, secret: str, expected: int
) -> None:
    response = await client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
    assert response.status_code == expected, response.text
    if expected == 200:
        assert response.json()["scope"] == "flows:write"
        assert response.json()["access_token"].startswith("cpt_pt_")
    else:
        assert response.json()["error"] == "invalid_client"
        assert INBOUND[1] not in response.text


async def test_an_invoice_deposited_by_the_peer_comes_in_to_our_buyer(
    client: httpx.AsyncClient, world: RoutingWorld, session: AsyncSession
) -> None:
    headers = await _peer_headers(client, world.buyer_siren)
    content = invoice_between("552081317", world.buyer_siren)
    response = await deposit(client, headers, content, {"name": "facture.xml", "flowSyntax": "CII"})
    assert response.status_code == 202, response.text
    again = await deposit(client, headers, content, {"name": "facture.xml", "flowSyntax": "CII"})
    assert again.json()["flowId"] == response.json()["flowId"]
    rows = (await session.scalars(select(Flow).where(Flow.peer_platform_id == PEER_ID))).all()
    assert [(row.direction, row.client_id is not None) for row in rows] == [
        (FlowDirection.IN, True)
    ]


@pytest.mark.parametrize("organization", ["unregistered", "unknown", "none"])
async def test_the_peer_cannot_deposit_for_a_company_not_registered_here(
    client: httpx.AsyncClient, world: RoutingWorld, session: AsyncSession, organization: str
) -> None:
    siren = {"unregistered": world.unregistered_siren, "unknown": "732829320", "none": ""}[
        organization
    ]
    headers = await _peer_headers(client, siren)
    if not siren:
        headers.pop("Organization-Id")
    response = await deposit(
        client,
        headers,
        invoice_between("552081317", siren or world.buyer_siren),
        {"name": "facture.xml", "flowSyntax": "CII"},
    )
    assert response.status_code == 403, response.text
    assert response.json()["errorCode"] == "FORBIDDEN_ACCESS"
    assert (await session.scalars(select(Flow).where(Flow.peer_platform_id == PEER_ID))).all() == []


@pytest.mark.parametrize(
    ("route", "method"),
    [("/afnor-flow/v1/flows/search", "POST"), ("/afnor-flow/v1/webhooks", "GET")],
)
async def test_the_peer_token_only_deposits(
    client: httpx.AsyncClient, world: RoutingWorld, route: str, method: str
) -> None:
    headers = await _peer_headers(client, world.buyer_siren)
    response = await client.request(method, route, headers=headers, json={"where": {}})
    assert response.status_code == 403, response.text


async def test_a_forged_or_orphaned_peer_token_is_refused(
    client: httpx.AsyncClient,
    world: RoutingWorld,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    headers = await _peer_headers(client, world.buyer_siren)
    token = headers["Authorization"].removeprefix("Bearer ")
    claims, _, mac = token.rpartition(".")
    forged = claims.replace(claims.split(".")[-1], "9999999999") + "." + mac
    body = {"name": "facture.xml", "flowSyntax": "CII"}
    content = invoice_between("552081317", world.buyer_siren)
    refused = await deposit(client, headers | {"Authorization": f"Bearer {forged}"}, content, body)
    assert refused.status_code == 401, refused.text
    # The same token, once the peer is removed from the settings, opens nothing.
    without_peer: FastAPI = create_app(settings)
    state_of(without_peer).database = Database.bound_to(sessionmaker)
    transport = httpx.ASGITransport(app=without_peer, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as other:
        orphaned = await deposit(other, headers, content, body)
    assert orphaned.status_code == 401, orphaned.text


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("GET", "/api/v1/flows"),
        ("GET", "/api/v1/documents"),
        ("GET", "/api/v1/clients"),
        ("GET", "/afnor-directory/v1/siren/code-insee:610869075"),
    ],
)
async def test_the_peer_token_opens_nothing_but_the_flow_deposit(
    client: httpx.AsyncClient, world: RoutingWorld, method: str, route: str
) -> None:
    headers = await _peer_headers(client, world.buyer_siren)
    response = await client.request(method, route, headers=headers)
    assert response.status_code in (401, 403), response.text
    assert world.buyer_siren not in response.text
