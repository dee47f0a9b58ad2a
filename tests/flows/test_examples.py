"""Every invoice of the standard's use cases, deposited through the Flow Service, ends as the
rules say (Ok, 200 Déposée); the generic EN 16931 samples fail the French rules (Error, 213
Rejetée) with the rule ids the French law requires."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.flow import Flow
from api.validation import Syntax, shared_engine
from tests.flows.conftest import EXAMPLES, FLOWS, Worker, deposit_file
from tests.shared_data import SHARED_DATA, skip_module_without

skip_module_without(EXAMPLES)
EXAMPLE_INVOICES = sorted(
    path
    for path in EXAMPLES.rglob("*")
    if path.suffix in {".pdf", ".xml"} and ("-INV_" in path.name or "-CN_" in path.name)
)
GENERIC_SAMPLES = sorted((SHARED_DATA / "einvoices").rglob("*.*"))


def test_the_corpus_is_there() -> None:
    assert len(EXAMPLE_INVOICES) == 15
    assert len(GENERIC_SAMPLES) >= 10


async def _deposit_all(
    client: httpx.AsyncClient, headers: dict[str, str], paths: list[Path]
) -> dict[str, str]:
    ids = {}
    for path in paths:
        response = await deposit_file(client, headers, path)
        assert response.status_code == 202, (path.name, response.text)
        ids[path.name] = response.json()["flowId"]
    return ids


async def test_every_example_invoice_passes_the_rules_and_each_invoice_is_accepted_once(
    client: httpx.AsyncClient,
    firm_token: dict[str, str],
    session: AsyncSession,
    run_flows_worker: Worker,
) -> None:
    """Each invoice of the examples comes as a Factur-X, a CII and a UBL: every file passes
    the rules, the first one processed is Ok with its 200, the two others are the same
    invoice again (213 « DOUBLON », use case UC2)."""
    ids = await _deposit_all(client, firm_token, EXAMPLE_INVOICES)
    await run_flows_worker()
    outcomes: dict[str, list[tuple[str, int | None, list[str]]]] = {}
    for name, flow_id in ids.items():
        flow = (await client.get(f"{FLOWS}/flows/{flow_id}", headers=firm_token)).json()
        stored = await session.get(Flow, uuid.UUID(flow_id))
        assert stored is not None
        await session.refresh(stored)
        assert not any(finding["fatal"] for finding in stored.findings or []), name
        assert stored.invoice_number is not None
        codes = [detail["reasonCode"] for detail in flow["acknowledgement"].get("details", [])]
        outcomes.setdefault(stored.invoice_number, []).append(
            (flow["acknowledgement"]["status"], stored.lifecycle_status, codes)
        )
    assert len(outcomes) == 5
    for number, files in outcomes.items():
        accepted = [file for file in files if file[0] == "Ok"]
        assert [lifecycle for _, lifecycle, _ in accepted] == [200], (number, files)
        duplicates = [file for file in files if file[0] == "Error"]
        assert len(duplicates) == 2, (number, files)
        assert all(lifecycle == 213 and codes[0] == "DOUBLON" for _, lifecycle, codes in duplicates)


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("cii/CII_example1.xml", {"BR-FR-05_BT-22_PMT", "BR-FR-08_BT-23"}),
        ("ubl/ubl-tc434-example1.xml", {"BR-FR-08_BT-23"}),
        ("facturx/CII_example1_facturx.pdf", {"BR-FR-05_BT-22_PMT"}),
    ],
)
async def test_generic_samples_are_rejected_by_the_french_rules(
    client: httpx.AsyncClient,
    firm_token: dict[str, str],
    session: AsyncSession,
    run_flows_worker: Worker,
    sample: str,
    expected: set[str],
) -> None:
    path = SHARED_DATA / "einvoices" / sample
    flow_id = (await deposit_file(client, firm_token, path)).json()["flowId"]
    await run_flows_worker()
    flow = (await client.get(f"{FLOWS}/flows/{flow_id}", headers=firm_token)).json()
    assert flow["acknowledgement"]["status"] == "Error"
    reason_codes = {detail["reasonCode"] for detail in flow["acknowledgement"]["details"]}
    assert expected <= reason_codes
    stored = await session.get(Flow, uuid.UUID(flow_id))
    assert stored is not None
    await session.refresh(stored)
    assert stored.lifecycle_status == 213
    rejection = await session.scalar(select(Flow).where(Flow.related_flow_id == stored.id))
    assert rejection is not None
    assert rejection.lifecycle_status == 213
    message = await client.get(
        f"{FLOWS}/flows/{rejection.id}", params={"docType": "Original"}, headers=firm_token
    )
    assert b"<ram:ProcessConditionCode>213</ram:ProcessConditionCode>" in message.content
    assert next(iter(expected)).encode() in message.content


@pytest.mark.parametrize(
    "path",
    [EXAMPLE_INVOICES[0], SHARED_DATA / "einvoices" / "cii" / "CII_example1.xml"],
    ids=["200", "213"],
)
async def test_the_status_messages_comptoir_issues_pass_the_cdar_rules(
    client: httpx.AsyncClient,
    firm_token: dict[str, str],
    session: AsyncSession,
    run_flows_worker: Worker,
    path: Path,
) -> None:
    """A 200 or 213 Comptoir issued, downloaded through the Flow Service, passes the CDAR schema
    and rules. (Deposited back by the seller's software it would be refused: a platform's
    status is no party's to send, tests/lifecycle/test_cdar_deposit.py.)"""
    await deposit_file(client, firm_token, path)
    await run_flows_worker()
    status_flow = await session.scalar(select(Flow).where(Flow.syntax == "CDAR"))
    assert status_flow is not None
    message = await client.get(
        f"{FLOWS}/flows/{status_flow.id}", params={"docType": "Original"}, headers=firm_token
    )
    assert message.status_code == 200
    report = await asyncio.to_thread(
        shared_engine().validate, message.content, declared_syntax=Syntax.CDAR
    )
    assert report.syntax == Syntax.CDAR
    assert report.fatal_findings == (), report.fatal_findings
