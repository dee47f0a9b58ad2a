"""/api/v1/flows: the flows in the firm's « Documents clients » and client file, and in the
company space — with the validation report, the original and a readable view; another firm
sees none of them (404)."""

from __future__ import annotations

import httpx

from tests.flows.conftest import UC1_CII, UC1_PDF, Worker, deposit_file
from tests.shared_data import SHARED_DATA
from tests.software import SoftwareWorld


async def test_the_firm_sees_its_clients_flows_with_their_report(
    client: httpx.AsyncClient,
    world: SoftwareWorld,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
) -> None:
    ok = (await deposit_file(client, firm_token, UC1_PDF)).json()["flowId"]
    rejected = (
        await deposit_file(
            client, firm_token, SHARED_DATA / "einvoices" / "cii" / "CII_example1.xml"
        )
    ).json()["flowId"]
    await run_flows_worker()
    owner = world.firm_owner

    listed = await client.get(
        "/api/v1/flows", params={"client_id": world.seller_client_id}, headers=owner
    )
    assert listed.status_code == 200, listed.text
    by_id = {flow["id"]: flow for flow in listed.json()["items"]}
    assert by_id[ok]["lifecycle_status"] == 200
    assert by_id[ok]["direction"] == "Out"
    assert by_id[ok]["document_id"] is not None
    assert by_id[rejected]["lifecycle_status"] == 213
    assert len(by_id) == 4  # the two deposits and their two status messages

    detail = await client.get(f"/api/v1/flows/{rejected}", headers=owner)
    assert detail.status_code == 200
    body = detail.json()
    assert body["rules_release"]
    assert any(f["rule_id"] == "BR-FR-08_BT-23" and f["fatal"] for f in body["findings"])
    assert [message["lifecycle_status"] for message in body["status_messages"]] == [213]

    original = await client.get(f"/api/v1/flows/{ok}/original", headers=owner)
    assert original.content == UC1_PDF.read_bytes()
    pdf_view = await client.get(f"/api/v1/flows/{ok}/readable", headers=owner)
    assert pdf_view.headers["content-type"] == "application/pdf"
    html_view = await client.get(f"/api/v1/flows/{rejected}/readable", headers=owner)
    assert html_view.headers["content-type"].startswith("text/html")
    assert "BR-FR-08_BT-23" in html_view.text
    assert "default-src 'none'" in html_view.headers["content-security-policy"]

    every_client = await client.get("/api/v1/flows", headers=owner)
    assert {flow["id"] for flow in every_client.json()["items"]} == set(by_id)


async def test_another_firm_sees_none_of_them(
    client: httpx.AsyncClient,
    world: SoftwareWorld,
    firm_token: dict[str, str],
) -> None:
    flow_id = (await deposit_file(client, firm_token, UC1_CII)).json()["flowId"]
    rival = world.rival_owner
    assert (await client.get(f"/api/v1/flows/{flow_id}", headers=rival)).status_code == 404
    assert (await client.get(f"/api/v1/flows/{flow_id}/original", headers=rival)).status_code == 404
    foreign = await client.get(
        "/api/v1/flows", params={"client_id": world.seller_client_id}, headers=rival
    )
    assert foreign.status_code == 404
    assert (await client.get("/api/v1/flows", headers=rival)).json()["items"] == []
