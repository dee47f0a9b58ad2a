"""The contract says who may call what (api/auth/contract.py): the security schemes, the
schemes of every operation that needs a principal and its 401, and the 404 an API key gets
from a person's own resources."""

from __future__ import annotations

import re
import uuid

import httpx
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from api.app import create_app
from api.auth.contract import PERSON_ONLY, _calls
from api.auth.dependencies import person
from api.core.settings import Settings
from tests.helpers import create_firm, logged_in_owner


def test_every_operation_names_its_security_and_its_401(settings: Settings) -> None:
    schema = create_app(settings).openapi()
    assert set(schema["components"]["securitySchemes"]) == {"bearer", "session_cookie"}
    secured = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "security" not in operation:
                continue
            secured += 1
            assert operation["security"] == [{"bearer": []}, {"session_cookie": []}], path
            assert "401" in operation["responses"], f"{method} {path}"
    assert secured > 50
    login = schema["paths"]["/api/v1/auth/login-challenges"]["post"]
    assert "security" not in login  # a public step of the QR login


def _person_only_operations(settings: Settings) -> list[tuple[str, str]]:
    """(method, path) of every operation only a person's own session may call: those whose
    dependencies include `api.auth.dependencies.person` (found from the routes, not listed)."""
    operations = []
    for route in create_app(settings).routes:
        if isinstance(route, APIRoute) and person in set(_calls(route.dependant)):
            operations += [(method, route.path_format) for method in sorted(route.methods)]
    return operations


def test_every_persons_own_operation_documents_the_404_of_an_api_key(settings: Settings) -> None:
    schema = create_app(settings).openapi()
    operations = _person_only_operations(settings)
    assert ("GET", "/api/v1/me/sessions") in operations
    assert ("PUT", "/api/v1/me/workspace") in operations
    for method, path in operations:
        described = schema["paths"][path][method.lower()]["responses"]["404"]["description"]
        assert described == PERSON_ONLY, f"{method} {path}"


async def test_an_api_key_gets_the_documented_404_from_a_persons_own_resources(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    key = await client.post(
        "/api/v1/api-keys", json={"name": "ERP", "scopes": ["clients:read"]}, headers=owner
    )
    as_key = {"Authorization": f"Bearer {key.json()['secret']}"}
    operations = _person_only_operations(settings)
    assert len(operations) >= 7
    for method, path in operations:
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        response = await client.request(
            method, url, headers=as_key, json={} if method in ("PUT", "POST") else None
        )
        assert response.status_code == 404, f"{method} {path}"
        assert response.headers["content-type"] == "application/problem+json"


async def test_my_activity_is_a_page_that_can_be_followed_to_its_end(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    for name in ("A", "B", "C"):
        created = await client.post(
            "/api/v1/api-keys", json={"name": name, "scopes": ["clients:read"]}, headers=owner
        )
        assert created.status_code == 201
    everything = (await client.get("/api/v1/me/activity", headers=owner)).json()
    assert everything["next_cursor"] is None
    assert len(everything["items"]) >= 4  # the login, then three keys
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/v1/me/activity", params=params, headers=owner)).json()
        seen += [event["id"] for event in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [event["id"] for event in everything["items"]]
    refused = await client.get("/api/v1/me/activity", params={"cursor": "x"}, headers=owner)
    assert refused.status_code == 422
