"""The Directory Service 1.3.0 (read-only) at /afnor-directory/v1, answered from the SIRENE
sample (company registry) and the directory lines Comptoir holds; annex error bodies."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import httpx
import jsonschema
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.settings import Settings
from api.models.directory_line import DirectoryLineRecord
from tests.shared_data import SHARED_DATA, skip_module_without
from tests.software import SoftwareWorld, software_world, token_for

DIRECTORY = "/afnor-directory/v1"
skip_module_without(SHARED_DATA / "afnor")
ANNEX = json.loads(
    (SHARED_DATA / "afnor" / "directory-service-1.3.0.json").read_text(encoding="utf-8")
)


def conforms(body: object, schema_name: str) -> None:
    """The answer is valid against the annex's schema (its `$ref`s resolved in the annex)."""
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": ANNEX["components"]}
    )
    errors = [
        f"{list(error.path)}: {error.message}"
        for error in validator.iter_errors(body)
        # The annex's `directoryLineStatus` enums have "Upcoming" and "Disabled" (8 letters)
        # under a maxLength of 7: the enum wins.
        if error.message not in {"'Upcoming' is too long", "'Disabled' is too long"}
    ]
    assert errors == [], errors


SIREN = "610869075"
HEAD_OFFICE = "61086907583095"
SECONDARY = "61086907584689"


@pytest.fixture
async def world(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> SoftwareWorld:
    world = await software_world(client, session, settings)
    today = date.today()
    session.add_all(
        [
            DirectoryLineRecord(
                id=uuid.uuid4(),
                addressing_identifier=SIREN,
                siren=SIREN,
                platform_id="0042",
                date_from=today - timedelta(days=30),
            ),
            DirectoryLineRecord(
                id=uuid.uuid4(),
                addressing_identifier=f"{SIREN}_{SECONDARY}_COMPTA",
                siren=SIREN,
                siret=SECONDARY,
                routing_identifier="COMPTA",
                platform_id="0042",
                date_from=today + timedelta(days=10),
            ),
        ]
    )
    await session.commit()
    return world


@pytest.fixture
async def reader(client: httpx.AsyncClient, world: SoftwareWorld) -> dict[str, str]:
    return await token_for(client, world.company_key, scope="directory:read")


async def test_siren_search_and_get(client: httpx.AsyncClient, reader: dict[str, str]) -> None:
    found = await client.post(
        f"{DIRECTORY}/siren/search",
        headers=reader,
        json={"filters": {"siren": {"op": "strict", "value": SIREN}}},
    )
    assert found.status_code == 200, found.text
    body = found.json()
    conforms(body, "sirenSearchPost200Response")
    assert body["totalNumberOfResults"] == 1
    unit = body["results"][0]
    assert unit["siren"] == SIREN
    assert unit["administrativeStatus"] == "A"
    assert unit["entityType"] in {"Public", "PrivateVatRegistered"}
    got = await client.get(
        f"{DIRECTORY}/siren/code-insee:{SIREN}",
        headers=reader,
        params={"fields": "siren,businessName"},
    )
    assert got.status_code == 200
    conforms(got.json(), "legalUnitPayloadHistory")
    assert set(got.json()) == {"siren", "businessName"}
    assert got.json()["businessName"] == unit["businessName"]
    by_name = await client.post(
        f"{DIRECTORY}/siren/search",
        headers=reader,
        json={
            "filters": {"businessName": {"op": "strict", "value": unit["businessName"]}},
            "limit": 5,
        },
    )
    assert SIREN in {result["siren"] for result in by_name.json()["results"]}


async def test_siret_search_and_get(client: httpx.AsyncClient, reader: dict[str, str]) -> None:
    found = await client.post(
        f"{DIRECTORY}/siret/search",
        headers=reader,
        json={"filters": {"siret": {"op": "strict", "value": SECONDARY}}, "include": ["siren"]},
    )
    assert found.status_code == 200, found.text
    conforms(found.json(), "siretSearchPost200Response")
    facility = found.json()["results"][0]
    assert facility["siret"] == SECONDARY
    assert facility["facilityType"] == "S"
    assert facility["address"]["locality"] == "BORDEAUX"
    assert facility["legalUnit"]["siren"] == SIREN
    head = await client.get(f"{DIRECTORY}/siret/code-insee:{HEAD_OFFICE}", headers=reader)
    conforms(head.json(), "facilityPayloadHistory")
    assert head.json()["facilityType"] == "P"


async def test_directory_lines_and_routing_codes(
    client: httpx.AsyncClient, reader: dict[str, str]
) -> None:
    lines = await client.post(
        f"{DIRECTORY}/directory-line/search",
        headers=reader,
        json={
            "filters": {"siren": {"op": "strict", "value": SIREN}},
            "sorting": [{"field": "addressingIdentifier", "order": "ascending"}],
            "include": ["siren"],
        },
    )
    assert lines.status_code == 200, lines.text
    conforms(lines.json(), "directoryLineSearchPost200Response")
    results = lines.json()["results"]
    assert [line["directoryLineStatus"] for line in results] == ["Enabled", "Upcoming"]
    assert results[0]["legalUnit"]["siren"] == SIREN
    assert results[0]["platformType"] == "WK"
    one = await client.get(
        f"{DIRECTORY}/directory-line/code:{SIREN}_{SECONDARY}_COMPTA",
        headers=reader,
        params={"include": "routingCode"},
    )
    assert one.status_code == 200, one.text
    conforms(one.json(), "directoryLinePayloadLegalUnitFacilityRoutingCode")
    assert one.json()["routingCode"]["routingIdentifier"] == "COMPTA"
    assert one.json()["directoryLineStatus"] in {"Enabled", "Disabled"}

    codes = await client.post(
        f"{DIRECTORY}/routing-code/search",
        headers=reader,
        json={"filters": {"routingIdentifier": {"op": "contains", "value": "COMP"}}},
    )
    conforms(codes.json(), "routingCodeSearchPost200Response")
    assert [code["routingIdentifier"] for code in codes.json()["results"]] == ["COMPTA"]
    code = await client.get(
        f"{DIRECTORY}/routing-code/siret:{SECONDARY}/code:COMPTA",
        headers=reader,
        params={"include": "siret"},
    )
    assert code.status_code == 200, code.text
    conforms(code.json(), "routingCodePayloadHistoryLegalUnitFacility")
    assert code.json()["facility"]["siret"] == SECONDARY


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error_code"),
    [
        ("GET", f"/siren/code-insee:{'1' * 9}", None, 404, "MISSING_RESOURCE"),
        ("GET", "/directory-line/code:999999999", None, 404, "MISSING_RESOURCE"),
        ("POST", "/siren/search", {"filters": {}}, 400, "INVALID_REQUEST"),
        (
            "POST",
            "/siren/search",
            {"filters": {"siren": {"op": "contains", "value": "6"}}},
            400,
            "INVALID_REQUEST",
        ),
        ("GET", f"/siren/code-insee:{SIREN}?fields=nope", None, 400, "INVALID_REQUEST"),
    ],
)
async def test_errors_use_the_annex_body(
    client: httpx.AsyncClient,
    reader: dict[str, str],
    method: str,
    path: str,
    body: dict[str, object] | None,
    status: int,
    error_code: str,
) -> None:
    response = await client.request(method, DIRECTORY + path, headers=reader, json=body)
    assert response.status_code == status, response.text
    conforms(response.json(), "Error")
    assert response.json()["errorCode"] == error_code


async def test_tokens_without_directory_scope_are_refused(
    client: httpx.AsyncClient, world: SoftwareWorld
) -> None:
    no_token = await client.get(f"{DIRECTORY}/siren/code-insee:{SIREN}")
    assert no_token.status_code == 401
    flows_only = await token_for(client, world.company_key, scope="flows:read")
    refused = await client.get(f"{DIRECTORY}/siren/code-insee:{SIREN}", headers=flows_only)
    assert refused.status_code == 403
    assert refused.json()["errorCode"] == "FORBIDDEN_ACCESS"
