"""Who reaches the Flow Service: the `Organization-Id` table over HTTP (firm key for its
certified client / uncertified client / another firm's client; company key for itself / another
company), scopes, and missing or bad tokens — each with the annex's error body."""

from __future__ import annotations

import httpx
import pytest

from tests.flows.conftest import FLOWS
from tests.software import (
    CERTIFIED_SIREN,
    RIVAL_CLIENT_SIREN,
    UNCERTIFIED_SIREN,
    SoftwareWorld,
    token_for,
)

SEARCH = {"where": {"updatedAfter": "2000-01-01T00:00:00Z"}}

TABLE = [
    ("firm_key", CERTIFIED_SIREN, 200),
    ("firm_key", UNCERTIFIED_SIREN, 403),
    ("firm_key", RIVAL_CLIENT_SIREN, 403),
    ("firm_key", None, 403),  # the firm is not its own client here
    ("company_key", None, 200),
    ("company_key", CERTIFIED_SIREN, 200),
    ("company_key", RIVAL_CLIENT_SIREN, 403),
    ("rival_company_key", CERTIFIED_SIREN, 403),
]


@pytest.mark.parametrize(("key_name", "organization_id", "expected"), TABLE)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/flows/search", SEARCH),
        ("GET", "/webhooks", None),
        ("GET", "/flows/00000000-0000-0000-0000-000000000000", None),
    ],
)
async def test_organization_id_table(
    client: httpx.AsyncClient,
    world: SoftwareWorld,
    key_name: str,
    organization_id: str | None,
    expected: int,
    method: str,
    path: str,
    body: dict[str, object] | None,
) -> None:
    headers = await token_for(client, getattr(world, key_name))
    if organization_id is not None:
        headers["Organization-Id"] = organization_id
    response = await client.request(method, FLOWS + path, headers=headers, json=body)
    if expected == 200 and path.startswith("/flows/0000"):
        expected = 404  # allowed in, but no such flow
    assert response.status_code == expected, response.text
    if expected != 200:
        assert response.json()["errorCode"] in {"FORBIDDEN_ACCESS", "MISSING_RESOURCE"}


async def test_tokens_and_scopes(client: httpx.AsyncClient, world: SoftwareWorld) -> None:
    missing = await client.post(f"{FLOWS}/flows/search", json=SEARCH)
    assert missing.status_code == 401
    assert missing.json()["errorCode"] == "MISSING_TOKEN"
    bad = await client.post(
        f"{FLOWS}/flows/search", json=SEARCH, headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401
    assert bad.json()["errorCode"] == "INVALID_TOKEN"
    directory_only = await token_for(client, world.company_key, scope="directory:read")
    refused = await client.post(f"{FLOWS}/flows/search", json=SEARCH, headers=directory_only)
    assert refused.status_code == 403
    assert refused.json()["errorCode"] == "FORBIDDEN_ACCESS"
    reader = await token_for(client, world.company_key, scope="flows:read")
    deposit = await client.post(
        f"{FLOWS}/flows",
        headers=reader,
        files={"file": ("f.xml", b"<a/>"), "flowInfo": (None, '{"name":"f","flowSyntax":"CII"}')},
    )
    assert deposit.status_code == 403


async def test_the_healthcheck_answers_without_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"{FLOWS}/healthcheck")).status_code == 200
