"""A search answers the annex's Flow as plain data serialised by orjson
(`api.flows.service.annex_view`), not as models: it must read exactly as the model
`api.flows.service.as_annex` dumps it (the download's metadata and the webhooks' body), for
every kind of flow: with and without a tracking id, pending, accepted, rejected with
acknowledgement details, an incoming status message, a Factur-X."""

from __future__ import annotations

import uuid

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.flows import service
from api.flows.repository import ANNEX_COLUMNS
from api.models.flow import Flow
from tests.flows.conftest import EXAMPLES, FLOWS, UC1_PDF, Worker, deposit_file


async def test_a_search_reads_each_flow_as_the_annex_model_dumps_it(
    client: httpx.AsyncClient,
    session: AsyncSession,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
) -> None:
    uc2_cii = EXAMPLES / "UC2" / "UC2_F202500004_00-INV_20250701_CII.xml"
    await deposit_file(client, firm_token, UC1_PDF, trackingId="t-pdf")
    await deposit_file(client, firm_token, uc2_cii, processingRule="B2B")
    await deposit_file(
        client, firm_token, EXAMPLES.parent.parent / "einvoices" / "cii" / "CII_example1.xml"
    )
    await run_flows_worker()
    # One still pending (deposited after the worker's pass).
    pending = EXAMPLES / "UC5" / "UC5_F202500007_00-INV_20250702_UBL.xml"
    await deposit_file(client, firm_token, pending, trackingId="t-pending")

    response = await client.post(
        f"{FLOWS}/flows/search",
        headers=firm_token,
        json={"where": {"updatedAfter": "2000-01-01T00:00:00+02:00"}, "limit": 100},
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["filters"] == {"updatedAfter": "2000-01-01T00:00:00+02:00"}
    results = {item["flowId"]: item for item in found["results"]}
    flows = (
        await session.scalars(select(Flow).where(Flow.id.in_([uuid.UUID(i) for i in results])))
    ).all()
    # The deposits, a 200 for each accepted one, a 213 for the rejected one.
    assert len(flows) == len(results) == 7
    assert {flow.ack_status.value for flow in flows} == {"Pending", "Ok", "Error"}
    assert any(flow.ack_details for flow in flows)
    assert any(flow.tracking_id is None for flow in flows)
    for flow in flows:
        expected = service.as_annex(flow).model_dump_json(exclude_none=True)
        # Compared as text: the dates' spelling (`Z`, microseconds) is part of the answer.
        assert orjson.dumps(results[str(flow.id)], option=orjson.OPT_UTC_Z).decode() == expected
        row = {column.key: getattr(flow, column.key) for column in ANNEX_COLUMNS}
        assert orjson.dumps(service.annex_view(row), option=orjson.OPT_UTC_Z).decode() == (expected)
