"""One page shape for every list: `{items, next_cursor}` with cursor pagination
(`api/core/pagination.py`). The contract walk makes a bare-array list impossible to add; the
HTTP tests page through the lists that were arrays until now."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.cli import OPENAPI_PATH
from api.core.pagination import NEXT_CURSOR_DESCRIPTION
from api.core.settings import Settings
from tests.helpers import create_firm, every_page, logged_in_owner

CONTRACT: dict[str, Any] = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = CONTRACT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _json_200s() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(path, operation, resolved 200 JSON schema) of every GET of our API (the AFNOR
    surfaces answer the standard's shapes, not ours)."""
    found = []
    for path, operations in CONTRACT["paths"].items():
        operation = operations.get("get")
        if not path.startswith("/api/v1/") or operation is None:
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        for media_type, body in content.items():
            if media_type.endswith("json") and "schema" in body:
                found.append((path, operation, _resolved(body["schema"])))
    return found


def test_no_list_operation_answers_a_bare_array() -> None:
    """A bare array can never grow a cursor, a count or a filter echo: every list answers a
    page object (subclass `api.core.pagination.Page`)."""
    assert len(_json_200s()) > 40
    bare = [
        operation["operationId"]
        for _path, operation, schema in _json_200s()
        if schema.get("type") == "array"
        or any(_resolved(option).get("type") == "array" for option in schema.get("anyOf", []))
    ]
    assert bare == [], f"lists answering a bare array instead of a page: {bare}"


def test_every_page_can_be_followed() -> None:
    """A page (`items` array + `next_cursor`) is only a page if its operation takes the
    `cursor` it hands out and a `limit`."""
    pages = 0
    for _path, operation, schema in _json_200s():
        properties = schema.get("properties", {})
        if _resolved(properties.get("items", {})).get("type") != "array":
            continue
        if "next_cursor" not in properties:
            continue
        pages += 1
        parameters = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert {"cursor", "limit"} <= parameters, operation["operationId"]
        assert "next_cursor" in schema.get("required", []), operation["operationId"]
        # Said the same way everywhere: the page is `api.core.pagination.Page`, not a copy.
        described = properties["next_cursor"].get("description")
        assert described == NEXT_CURSOR_DESCRIPTION, operation["operationId"]
    assert pages >= 17


async def _owner(client: httpx.AsyncClient, session: AsyncSession, settings: Settings) -> Any:
    firm = await create_firm(session, settings)
    return await logged_in_owner(client, firm)


async def test_api_keys_and_webhooks_page_through_every_item_once(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    owner = await _owner(client, session, settings)
    for number in range(5):
        created = await client.post(
            "/api/v1/api-keys",
            headers=owner,
            json={"name": f"clé {number}", "scopes": ["clients:read"]},
        )
        assert created.status_code == 201, created.text
        hook = await client.post(
            "/api/v1/webhooks",
            headers=owner,
            json={
                "url": f"https://9.9.9.{number + 1}/hook",
                "event_types": ["client.created"],
            },
        )
        assert hook.status_code == 201, hook.text
    keys = await every_page(client, "/api/v1/api-keys", owner, {}, field="name", limit=2)
    assert keys == [f"clé {number}" for number in reversed(range(5))]  # newest first
    hooks = await every_page(client, "/api/v1/webhooks", owner, {}, field="url", limit=2)
    assert hooks == [f"https://9.9.9.{number + 1}/hook" for number in range(5)]


async def test_sessions_devices_and_help_lists_are_pages(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    owner = await _owner(client, session, settings)
    for path in ("/api/v1/me/sessions", "/api/v1/me/devices", "/api/v1/help/tours/progress"):
        page = await client.get(path, headers=owner)
        assert page.status_code == 200, page.text
        assert set(page.json()) == {"items", "next_cursor"}
    sessions = (await client.get("/api/v1/me/sessions", headers=owner)).json()["items"]
    assert [item["current"] for item in sessions].count(True) == 1
    # The shipped articles, 3 a page, are the whole knowledge base in its order.
    whole = (await client.get("/api/v1/help/articles", params={"limit": 200})).json()
    assert whole["next_cursor"] is None
    paged = await every_page(client, "/api/v1/help/articles", {}, {}, field="slug", limit=3)
    assert paged == [article["slug"] for article in whole["items"]]
    assert len(paged) > 3


@pytest.mark.parametrize(
    "path",
    ["/api/v1/api-keys", "/api/v1/webhooks", "/api/v1/me/sessions", "/api/v1/help/articles"],
)
async def test_a_cursor_of_another_list_or_garbage_is_a_422_on_the_cursor(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, path: str
) -> None:
    owner = await _owner(client, session, settings)
    for _ in range(3):
        await client.post(
            "/api/v1/api-keys", headers=owner, json={"name": "clé", "scopes": ["clients:read"]}
        )
    other = await client.get("/api/v1/api-keys", headers=owner, params={"limit": 1})
    foreign = other.json()["next_cursor"] if path != "/api/v1/api-keys" else "bm9u"
    assert foreign
    for cursor in (foreign, "pas-un-curseur", "W10"):
        response = await client.get(path, headers=owner, params={"cursor": cursor})
        assert response.status_code == 422, (cursor, response.text)
        assert response.json()["code"] == "invalid-cursor"
