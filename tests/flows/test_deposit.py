"""The Flow Service deposit (POST /afnor-flow/v1/flows) and what the worker makes of it."""

from __future__ import annotations

import hashlib

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.state import state_of
from api.models.document import Document
from api.models.flow import Flow, PpfStatusCopy
from tests.flows.conftest import FLOWS, UC1_CII, UC1_PDF, Worker, deposit, deposit_file


async def test_a_factur_x_is_acknowledged_pending_then_ok_with_its_200_message(
    client: httpx.AsyncClient,
    firm_token: dict[str, str],
    session: AsyncSession,
    run_flows_worker: Worker,
) -> None:
    content = UC1_PDF.read_bytes()
    response = await deposit_file(
        client,
        firm_token,
        UC1_PDF,
        trackingId="suivi-42",
        sha256=hashlib.sha256(content).hexdigest(),
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["flowSyntax"] == "Factur-X"
    assert body["trackingId"] == "suivi-42"
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    flow_id = body["flowId"]
    pending = await client.get(f"{FLOWS}/flows/{flow_id}", headers=firm_token)
    assert pending.json()["acknowledgement"] == {"status": "Pending"}

    await run_flows_worker()

    metadata = await client.get(f"{FLOWS}/flows/{flow_id}", headers=firm_token)
    assert metadata.status_code == 200, metadata.text
    flow = metadata.json()
    assert flow["acknowledgement"]["status"] == "Ok", flow
    assert flow["flowType"] == "CustomerInvoice"
    assert flow["flowDirection"] == "Out"
    stored = await session.get(Flow, __import__("uuid").UUID(flow_id))
    assert stored is not None
    await session.refresh(stored)
    assert stored.lifecycle_status == 200
    assert stored.rules_release
    assert stored.invoice_number == "F202500003"
    assert stored.document_id is not None
    document = await session.get(Document, stored.document_id)
    assert document is not None
    assert document.invoice_number == "F202500003"
    status_flow = await session.scalar(select(Flow).where(Flow.related_flow_id == stored.id))
    assert status_flow is not None
    assert status_flow.syntax == "CDAR"
    assert status_flow.direction == "In"
    assert status_flow.lifecycle_status == 200
    copy = await session.scalar(
        select(PpfStatusCopy).where(PpfStatusCopy.status_flow_id == status_flow.id)
    )
    assert copy is not None
    assert "einvoicingF2" in copy.message
    assert copy.sent_at is None

    original = await client.get(
        f"{FLOWS}/flows/{flow_id}", params={"docType": "Original"}, headers=firm_token
    )
    assert original.content == content
    assert original.headers["content-disposition"].startswith("attachment;filename=")
    converted = await client.get(
        f"{FLOWS}/flows/{flow_id}", params={"docType": "Converted"}, headers=firm_token
    )
    assert b"CrossIndustryInvoice" in converted.content
    message = await client.get(
        f"{FLOWS}/flows/{status_flow.id}", params={"docType": "Original"}, headers=firm_token
    )
    assert b"CrossDomainAcknowledgementAndResponse" in message.content


async def test_the_same_file_twice_is_one_flow(
    client: httpx.AsyncClient, firm_token: dict[str, str], session: AsyncSession
) -> None:
    first = await deposit_file(client, firm_token, UC1_CII)
    second = await deposit_file(client, firm_token, UC1_CII)
    assert first.status_code == second.status_code == 202
    assert first.json()["flowId"] == second.json()["flowId"]
    assert await session.scalar(select(func.count()).select_from(Flow)) == 1


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryInvoice
 xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">&xxe;
</rsm:CrossIndustryInvoice>"""


async def test_refused_files_get_the_annex_error_and_nothing_is_stored(
    client: httpx.AsyncClient, firm_token: dict[str, str], session: AsyncSession
) -> None:
    cases = [
        (XXE, {"flowSyntax": "CII"}, 422, "INVALID_SCHEMA"),
        (b"<a><b></a>", {"flowSyntax": "CII"}, 422, "INVALID_SCHEMA"),
        (b"", {"flowSyntax": "CII"}, 422, "EMPTY_FLOW"),
        (UC1_CII.read_bytes(), {"flowSyntax": "UBL"}, 422, "FLOW_TYPE_ERROR"),
        (UC1_CII.read_bytes(), {"flowSyntax": "CII", "sha256": "0" * 64}, 422, "CHECKSUM_MISMATCH"),
        (UC1_CII.read_bytes(), {"flowSyntax": "Nope"}, 400, "INVALID_REQUEST"),
    ]
    for content, info, status, code in cases:
        response = await deposit(client, firm_token, content, {"name": "f.xml"} | info)
        assert response.status_code == status, (info, response.text)
        assert response.json()["errorCode"] == code, response.text
        assert response.json()["errorMessage"]
    assert await session.scalar(select(func.count()).select_from(Flow)) == 0


async def test_an_oversize_file_is_413(
    client: httpx.AsyncClient, firm_token: dict[str, str], app: FastAPI
) -> None:
    settings = state_of(app).settings
    state_of(app).settings = settings.model_copy(update={"flow_max_bytes": 1000})
    response = await deposit_file(client, firm_token, UC1_CII)
    assert response.status_code == 413
    assert response.json()["errorCode"] == "FILE_SIZE_EXCEEDED"
