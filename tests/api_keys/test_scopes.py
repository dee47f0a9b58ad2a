"""API-key principals in the access table: each scope opens exactly its routes, a key of
another workspace sees 404, revoked or expired keys get 401 (tests/api_keys/test_router.py),
and a key never reaches its creator's sessions, devices or activity."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.settings import Settings
from tests.companies.conftest import load_sirene_sample
from tests.helpers import bearer, bearer_login, create_firm, enrolled_phone

SCOPES = ["clients:read", "clients:write", "einvoicing:write", "members:read"]

# (method, path, body) → the scopes that open it; any other scope gets 404.
ROUTES: list[tuple[str, str, dict[str, object] | None, set[str]]] = [
    ("GET", "/api/v1/clients", None, {"clients:read", "clients:write", "einvoicing:write"}),
    (
        "GET",
        "/api/v1/clients/{client}",
        None,
        {"clients:read", "clients:write", "einvoicing:write"},
    ),
    ("PATCH", "/api/v1/clients/{client}", {"contact_first_name": "Zoé"}, {"clients:write"}),
    ("GET", "/api/v1/companies/search?q=poste", None, {"clients:write"}),
    ("GET", "/api/v1/einvoicing/certification", None, {"einvoicing:write"}),
    ("GET", "/api/v1/clients/{client}/einvoicing", None, {"einvoicing:write"}),
    ("GET", "/api/v1/members", None, {"members:read"}),
    ("GET", "/api/v1/audit-events", None, set()),
    ("GET", "/api/v1/api-keys", None, set()),
    ("GET", "/api/v1/webhooks", None, set()),
    # A person's own account: never an API key's.
    ("GET", "/api/v1/me/sessions", None, set()),
    ("GET", "/api/v1/me/devices", None, set()),
    ("GET", "/api/v1/me/activity", None, set()),
    ("POST", "/api/v1/auth/logout", None, set()),
]


@pytest.fixture
async def keys(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> dict[str, object]:
    await load_sirene_sample(session)
    await session.commit()
    firm = await create_firm(session, settings)
    owner = bearer(await bearer_login(client, await enrolled_phone(client, firm.enrollment.url)))
    added = await client.post("/api/v1/clients", headers=owner, json={"identifier": "610869075"})
    assert added.status_code == 201, added.text
    minted = {}
    for scope in SCOPES:
        response = await client.post(
            "/api/v1/api-keys", headers=owner, json={"name": scope, "scopes": [scope]}
        )
        minted[scope] = {"Authorization": f"Bearer {response.json()['secret']}"}
    rival = await create_firm(session, settings, name="Cabinet Rival")
    rival_owner = bearer(
        await bearer_login(client, await enrolled_phone(client, rival.enrollment.url))
    )
    rival_key = await client.post(
        "/api/v1/api-keys",
        headers=rival_owner,
        json={"name": "rival", "scopes": ["clients:write"]},
    )
    return {
        "client": added.json()["id"],
        "keys": minted,
        "rival": {"Authorization": f"Bearer {rival_key.json()['secret']}"},
    }


@pytest.mark.parametrize("scope", SCOPES)
async def test_each_scope_opens_exactly_its_routes(
    client: httpx.AsyncClient, keys: dict[str, object], scope: str
) -> None:
    headers = keys["keys"][scope]  # type: ignore[index]
    mismatches = []
    for method, path, body, opened_by in ROUTES:
        url = path.format(client=keys["client"])
        response = await client.request(method, url, headers=headers, json=body)
        allowed = scope in opened_by
        ok = response.status_code < 400 if allowed else response.status_code == 404
        if not ok:
            mismatches.append(
                (method, path, response.status_code, "allowed" if allowed else "denied")
            )
    assert mismatches == []


async def test_a_key_of_another_firm_sees_404_on_this_firms_client(
    client: httpx.AsyncClient, keys: dict[str, object]
) -> None:
    url = f"/api/v1/clients/{keys['client']}"
    response = await client.get(url, headers=keys["rival"])  # type: ignore[arg-type]
    assert response.status_code == 404
    patch = await client.patch(url, headers=keys["rival"], json={"contact_first_name": "X"})  # type: ignore[arg-type]
    assert patch.status_code == 404
