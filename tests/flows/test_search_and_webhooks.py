"""POST /afnor-flow/v1/flows/search (every criterion, cursor pagination) and the webhooks
(list, create, delete; delivered to a real local receiver, signed as the annex says)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.settings import Settings
from api.core.state import state_of
from tests.flows.conftest import (
    EXAMPLES,
    FLOWS,
    UC1_CII,
    UC1_PDF,
    Worker,
    deposit_file,
)
from tests.peers.webhook_receiver import Receiver, webhook_receiver
from tests.software import EXAMPLES_SELLER_SIREN, SoftwareWorld, company_space, token_for


async def _search(client: httpx.AsyncClient, headers: dict[str, str], **body: object) -> dict:  # type: ignore[type-arg]
    response = await client.post(f"{FLOWS}/flows/search", headers=headers, json=body)
    assert response.status_code == 200, response.text
    result: dict = response.json()  # type: ignore[type-arg]
    return result


async def test_search_by_every_criterion_and_page_by_cursor(
    client: httpx.AsyncClient, firm_token: dict[str, str], run_flows_worker: Worker
) -> None:
    ids = {}
    # Three invoices (the same invoice in two files would be a duplicate, rejected).
    uc2_cii = EXAMPLES / "UC2" / "UC2_F202500004_00-INV_20250701_CII.xml"
    uc5_ubl = EXAMPLES / "UC5" / "UC5_F202500007_00-INV_20250702_UBL.xml"
    for path, tracking in [(UC1_PDF, "t-pdf"), (uc2_cii, "t-cii"), (uc5_ubl, "t-ubl")]:
        response = await deposit_file(client, firm_token, path, trackingId=tracking)
        ids[tracking] = response.json()["flowId"]
    bad = await deposit_file(
        client, firm_token, EXAMPLES.parent.parent / "einvoices" / "cii" / "CII_example1.xml"
    )
    await run_flows_worker()

    everything = await _search(client, firm_token, where={"updatedAfter": "2000-01-01T00:00:00Z"})
    # 4 deposits + a 200 for each valid one + a 213 for the rejected one.
    assert len(everything["results"]) == 8
    assert everything["limit"] == 25
    assert "nextCursor" not in everything

    by_tracking = await _search(client, firm_token, where={"trackingId": "t-cii"})
    assert [flow["flowId"] for flow in by_tracking["results"]] == [ids["t-cii"]]
    errors = await _search(client, firm_token, where={"ackStatus": "Error"})
    assert [flow["flowId"] for flow in errors["results"]] == [bad.json()["flowId"]]
    details = errors["results"][0]["acknowledgement"]["details"]
    assert any(detail["reasonCode"].startswith("BR-FR") for detail in details)
    incoming = await _search(client, firm_token, where={"flowDirection": ["In"]})
    assert {flow["flowType"] for flow in incoming["results"]} == {"CustomerInvoiceLC"}
    assert len(incoming["results"]) == 4
    invoices = await _search(
        client, firm_token, where={"flowType": ["CustomerInvoice"], "processingRule": ["B2B"]}
    )
    assert {flow["flowId"] for flow in invoices["results"]} == set(ids.values())
    none = await _search(client, firm_token, where={"updatedBefore": "2000-01-01T00:00:00Z"})
    assert none["results"] == []

    seen: list[str] = []
    cursor = None
    while True:
        body: dict[str, object] = {"limit": 3, "where": {"flowDirection": ["In", "Out"]}}
        if cursor:
            body["cursor"] = cursor
        page = await _search(client, firm_token, **body)
        seen += [flow["flowId"] for flow in page["results"]]
        cursor = page.get("nextCursor")
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 8


async def test_a_search_without_criterion_is_a_400(
    client: httpx.AsyncClient, firm_token: dict[str, str]
) -> None:
    response = await client.post(f"{FLOWS}/flows/search", headers=firm_token, json={"where": {}})
    assert response.status_code == 400
    assert response.json()["errorCode"] == "INVALID_REQUEST"


async def test_another_organization_sees_none_of_the_flows(
    client: httpx.AsyncClient,
    firm_token: dict[str, str],
    world: SoftwareWorld,
    session: AsyncSession,
) -> None:
    flow_id = (await deposit_file(client, firm_token, UC1_CII)).json()["flowId"]
    rival = await token_for(client, world.rival_key) | {"Organization-Id": "414617811"}
    assert (await client.get(f"{FLOWS}/flows/{flow_id}", headers=rival)).status_code == 404
    found = await _search(client, rival, where={"updatedAfter": "2000-01-01T00:00:00Z"})
    assert found["results"] == []
    # The client's own company key sees it: it is the same organisation.
    seller_key = await company_space(session, world.seller_client_id, EXAMPLES_SELLER_SIREN)
    company = await token_for(client, seller_key)
    assert (await client.get(f"{FLOWS}/flows/{flow_id}", headers=company)).status_code == 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


async def test_webhooks_are_listed_delivered_signed_and_deleted(
    client: httpx.AsyncClient,
    app: FastAPI,
    settings: Settings,
    firm_token: dict[str, str],
    receiver: Receiver,
    run_flows_worker: Worker,
) -> None:
    state_of(app).settings = settings.model_copy(update={"webhook_allow_private_targets": True})
    created = await client.post(
        f"{FLOWS}/webhooks",
        headers=firm_token,
        json={"callbackUrl": receiver.url, "ackStatus": "Ok", "flowDirection": "Out"},
    )
    assert created.status_code == 201, created.text
    hook = created.json()
    listed = (await client.get(f"{FLOWS}/webhooks", headers=firm_token)).json()
    assert listed["count"] == 1
    assert listed["webhooks"][0]["callbackUrl"] == receiver.url
    assert listed["webhookIds"] == [hook["webhookId"]]

    flow_id = (await deposit_file(client, firm_token, UC1_CII)).json()["flowId"]
    await run_flows_worker(passes=2, webhooks=True)

    assert len(receiver.received) == 1  # the Ok of the invoice only: the filters apply
    call = receiver.received[0]
    body = json.loads(call.body)
    assert body["flowId"] == flow_id
    assert body["acknowledgement"]["status"] == "Ok"
    stamp = call.headers["afnor-signature-timestamp"]
    fingerprint = hashlib.sha256(call.body + b"@" + stamp.encode()).hexdigest()
    expected = hmac.new(
        base64.b64decode(hook["signingKey"]), fingerprint.encode(), hashlib.sha256
    ).digest()
    assert call.headers["afnor-signature"] == base64.b64encode(expected).decode()
    assert call.headers["webhook-signature"].startswith("v1,")

    deleted = await client.delete(f"{FLOWS}/webhooks/{hook['webhookId']}", headers=firm_token)
    assert deleted.status_code == 204
    again = await client.delete(f"{FLOWS}/webhooks/{hook['webhookId']}", headers=firm_token)
    assert again.status_code == 404
    assert again.json()["errorCode"] == "MISSING_RESOURCE"
