"""Use case UC2: an invoice the rules accept is still rejected (213) when its seller already
issued one with the same number in the same year through the platform — reason « DOUBLON »,
as the use case's example message says — whatever the file or the address it comes to."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.flow import Flow
from api.models.workspace import Workspace
from tests.flows.conftest import EXAMPLES, FLOWS, Worker, deposit, deposit_file
from tests.shared_data import skip_module_without
from tests.software import (
    EXAMPLES_SELLER_SIREN,
    SoftwareWorld,
    certified_client,
    token_for,
)

skip_module_without(EXAMPLES)
UC2 = EXAMPLES / "UC2"
UC2_CII = UC2 / "UC2_F202500004_00-INV_20250701_CII.xml"
UC2_UBL = UC2 / "UC2_F202500004_00-INV_20250701_UBL.xml"
UC2_PDF = UC2 / "UC2_F202500004_00-INV_20250701.pdf"
UC2_REJECTED = UC2 / "UC2_F202500004_02-CDV-213_Rejetee.xml"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
STATUS_PATH = "//ram:ReferenceReferencedDocument"


def _status(message: bytes) -> dict[str, str | None]:
    """What the use case's 213 says about the invoice: its id, status, reason and note."""
    root = etree.fromstring(message, etree.XMLParser(resolve_entities=False, no_network=True))
    document = root.xpath(STATUS_PATH, namespaces={"ram": RAM})[0]

    def text(path: str) -> str | None:
        found = document.xpath(path, namespaces={"ram": RAM})
        return found[0].text if found else None

    return {
        "invoice": text("ram:IssuerAssignedID"),
        "status": text("ram:ProcessConditionCode"),
        "reason_code": text("ram:SpecifiedDocumentStatus/ram:ReasonCode"),
        "note": text("ram:SpecifiedDocumentStatus/ram:IncludedNote/ram:Content"),
    }


async def _outcome(
    client: httpx.AsyncClient, session: AsyncSession, headers: dict[str, str], flow_id: str
) -> tuple[dict[str, object], bytes | None]:
    """The flow's annex view, and the status message Comptoir issued about it."""
    flow = (await client.get(f"{FLOWS}/flows/{flow_id}", headers=headers)).json()
    message = await session.scalar(
        select(Flow).where(Flow.related_flow_id == uuid.UUID(flow_id), Flow.syntax == "CDAR")
    )
    if message is None:
        return flow, None
    original = await client.get(
        f"{FLOWS}/flows/{message.id}", params={"docType": "Original"}, headers=headers
    )
    return flow, original.content


@pytest.mark.parametrize("again", [UC2_UBL, UC2_PDF, UC2_CII], ids=["ubl", "pdf", "same-file"])
async def test_the_same_invoice_again_is_rejected_as_a_duplicate(
    client: httpx.AsyncClient,
    firm_token: dict[str, str],
    session: AsyncSession,
    run_flows_worker: Worker,
    again: Path,
) -> None:
    first = (await deposit_file(client, firm_token, UC2_CII)).json()["flowId"]
    await run_flows_worker()
    content = await asyncio.to_thread(again.read_bytes)
    if again == UC2_CII:  # another file with the same invoice (not the same bytes)
        content += b"\n<!-- renvoyee -->\n"
    second = await deposit(
        client,
        firm_token,
        content,
        {
            "name": again.name,
            "flowSyntax": "Factur-X" if again.suffix == ".pdf" else again.stem[-3:],
        },
    )
    assert second.status_code == 202, second.text
    await run_flows_worker()

    accepted, _ = await _outcome(client, session, firm_token, first)
    assert accepted["acknowledgement"]["status"] == "Ok"  # type: ignore[index]
    flow, message = await _outcome(client, session, firm_token, second.json()["flowId"])
    assert flow["acknowledgement"]["status"] == "Error"  # type: ignore[index]
    first_detail = flow["acknowledgement"]["details"][0]  # type: ignore[index]
    assert first_detail["reasonCode"] == "DOUBLON"
    assert message is not None
    expected = _status(await asyncio.to_thread(UC2_REJECTED.read_bytes))
    assert _status(message) == expected | {"note": "Facture identique déjà reçue"}


async def test_the_same_invoice_on_another_address_matches_the_use_case_message(
    client: httpx.AsyncClient,
    world: SoftwareWorld,
    firm_token: dict[str, str],
    session: AsyncSession,
    run_flows_worker: Worker,
) -> None:
    """The seller's invoice deposited by its firm, then by another firm it also works with:
    the use case's very message (213, DOUBLON, « Facture identique reçue sur une autre
    adresse »)."""
    rival_siren = await session.scalar(
        select(Workspace.siren).where(Workspace.name == "Cabinet Rival")
    )
    assert rival_siren is not None
    await certified_client(session, rival_siren, EXAMPLES_SELLER_SIREN, "VENDEUR")
    rival = await token_for(client, world.rival_key) | {"Organization-Id": EXAMPLES_SELLER_SIREN}
    await deposit_file(client, firm_token, UC2_CII)
    await run_flows_worker()

    second = (await deposit_file(client, rival, UC2_UBL)).json()["flowId"]
    await run_flows_worker()

    flow, message = await _outcome(client, session, rival, second)
    assert flow["acknowledgement"]["status"] == "Error"  # type: ignore[index]
    assert message is not None
    expected = _status(await asyncio.to_thread(UC2_REJECTED.read_bytes))
    assert expected["note"] == "Facture identique reçue sur une autre adresse"
    assert _status(message) == expected


async def test_another_year_or_another_number_is_no_duplicate(
    client: httpx.AsyncClient,
    firm_token: dict[str, str],
    session: AsyncSession,
    run_flows_worker: Worker,
) -> None:
    original = await asyncio.to_thread(UC2_CII.read_bytes)
    assert b"F202500004" in original
    assert b">20250701<" in original
    await deposit_file(client, firm_token, UC2_CII)
    renumbered = original.replace(b"F202500004", b"F202500099")
    other_year = original.replace(b">20250701<", b">20240701<")
    ids = []
    for content in (renumbered, other_year):
        response = await deposit(
            client, firm_token, content, {"name": "f.xml", "flowSyntax": "CII"}
        )
        assert response.status_code == 202, response.text
        ids.append(response.json()["flowId"])
    await run_flows_worker()

    for flow_id in ids:
        flow, message = await _outcome(client, session, firm_token, flow_id)
        assert flow["acknowledgement"]["status"] == "Ok", flow["acknowledgement"]  # type: ignore[index]
        assert message is not None
        assert _status(message)["status"] == "200"
