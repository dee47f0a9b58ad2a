"""Who reaches which documents: every documents route × every persona, on a real document
and folder of client A (assigned to the Comptable, shared with its company's user), of
client B (nobody's) and of another firm. Deny is 404, never 403."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.documents.conftest import EINVOICES, Space
from tests.shared_data import skip_module_without

skip_module_without(EINVOICES)
UBL = (EINVOICES / "ubl" / "ubl-tc434-example1.xml").read_bytes()
PERSONAS = ("owner", "admin", "client_manager", "accountant", "company_user", "other_firm")


@dataclass
class Resources:
    document: dict[str, str]  # client name → document id
    folder: dict[str, str]


async def _resources(client: httpx.AsyncClient, space: Space) -> Resources:
    other_owner = space.headers["other_firm"]
    resources = Resources({}, {})
    for name, client_id, headers in (
        ("a", space.client_a, space.headers["owner"]),
        ("b", space.client_b, space.headers["owner"]),
        ("other", space.other_firm_client, other_owner),
    ):
        uploaded = await client.post(
            "/api/v1/documents",
            params={"client_id": str(client_id)},
            content=UBL,
            headers=headers,
        )
        assert uploaded.status_code == 201, uploaded.text
        resources.document[name] = uploaded.json()["id"]
        folder = await client.post(
            "/api/v1/folders",
            json={"client_id": str(client_id), "name": f"Dossier {uuid.uuid4().hex[:8]}"},
            headers=headers,
        )
        assert folder.status_code == 201, folder.text
        resources.folder[name] = folder.json()["id"]
    return resources


def _request(route: str, target: str, space: Space, res: Resources) -> dict[str, Any]:
    client_ids = {"a": space.client_a, "b": space.client_b, "other": space.other_firm_client}
    document, folder = res.document[target], res.folder[target]
    requests: dict[str, dict[str, Any]] = {
        "get": {"method": "GET", "url": f"/api/v1/documents/{document}"},
        "content": {"method": "GET", "url": f"/api/v1/documents/{document}/content"},
        "patch": {
            "method": "PATCH",
            "url": f"/api/v1/documents/{document}",
            "json": {"title": "Renommé"},
        },
        "delete": {"method": "DELETE", "url": f"/api/v1/documents/{document}"},
        "upload": {
            "method": "POST",
            "url": "/api/v1/documents",
            "params": {"client_id": str(client_ids[target])},
            "content": UBL,
        },
        "folders": {
            "method": "GET",
            "url": "/api/v1/folders",
            "params": {"client_id": str(client_ids[target])},
        },
        "folder_create": {
            "method": "POST",
            "url": "/api/v1/folders",
            "json": {"client_id": str(client_ids[target]), "name": f"N {uuid.uuid4().hex[:8]}"},
        },
        "folder_rename": {
            "method": "PATCH",
            "url": f"/api/v1/folders/{folder}",
            "json": {"name": f"R {uuid.uuid4().hex[:8]}"},
        },
        "folder_delete": {"method": "DELETE", "url": f"/api/v1/folders/{folder}"},
    }
    return requests[route]


SUCCESS = {
    "get": 200,
    "content": 200,
    "patch": 200,
    "delete": 204,
    "upload": 201,
    "folders": 200,
    "folder_create": 201,
    "folder_rename": 200,
    "folder_delete": 204,
}

# Which client's resources each persona reaches (the others answer 404).
REACHES = {
    "owner": {"a", "b"},
    "admin": set(),
    "client_manager": set(),
    "accountant": {"a"},
    "company_user": {"a"},
    "other_firm": {"other"},
}


@pytest.mark.parametrize("persona", PERSONAS)
async def test_documents_routes_answer_404_outside_the_personas_reach(
    client: httpx.AsyncClient, space: Space, persona: str
) -> None:
    """One table per persona: every route × client A, client B, another firm's client.
    (Logging in is the slow part, so each persona runs its whole row in one test.)"""
    wrong = []
    for route, success in SUCCESS.items():
        for target in ("a", "b", "other"):
            # Fresh resources: a previous delete must not turn a 204 into a 404.
            request = _request(route, target, space, await _resources(client, space))
            response = await client.request(headers=space.headers[persona], **request)
            expected = success if target in REACHES[persona] else 404
            if response.status_code != expected or (
                expected == 404 and response.headers["content-type"] != "application/problem+json"
            ):
                wrong.append(f"{route} client_{target}: {response.status_code} != {expected}")
    assert wrong == []


@pytest.mark.parametrize("persona", PERSONAS)
async def test_the_list_shows_only_reachable_documents(
    client: httpx.AsyncClient, space: Space, persona: str
) -> None:
    resources = await _resources(client, space)

    response = await client.get("/api/v1/documents", headers=space.headers[persona])

    if not REACHES[persona]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    seen = {item["id"] for item in response.json()["items"]}
    assert seen == {resources.document[name] for name in REACHES[persona]}


async def test_a_comptable_filtering_on_an_unassigned_client_sees_nothing(
    client: httpx.AsyncClient, space: Space
) -> None:
    await _resources(client, space)

    response = await client.get(
        "/api/v1/documents",
        params={"client_id": str(space.client_b)},
        headers=space.headers["accountant"],
    )

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["counts"] == {"invoice": 0, "statement": 0, "shared": 0, "other": 0}


async def test_anonymous_callers_get_401(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/api/v1/documents/{uuid.uuid4()}")
    assert response.status_code == 401
