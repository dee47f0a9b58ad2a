"""Routing rules for every route (api/core/routing.py): an id parameter only matches an id, a
wrong method is a 405 whose `Allow` lists every method of the path, and a body that is not
UTF-8 is the documented validation problem, in French."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.convertors import UUIDConvertor

from api.core.settings import Settings
from tests.helpers import Browser, create_firm, logged_in_owner

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _api_routes(app: FastAPI) -> list[APIRoute]:
    return [route for route in app.routes if isinstance(route, APIRoute)]


def test_every_id_in_a_path_is_matched_as_an_id(app: FastAPI) -> None:
    loose = [
        f"{route.path} {parameter.name}"
        for route in _api_routes(app)
        for parameter in route.dependant.path_params
        if parameter.field_info.annotation is uuid.UUID
        and not isinstance(route.param_convertors.get(parameter.name), UUIDConvertor)
    ]
    assert not loose


async def test_a_wrong_method_on_any_path_is_a_405_listing_every_allowed_method(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    allowed: dict[str, set[str]] = defaultdict(set)
    for route in _api_routes(app):
        allowed[route.path_format] |= route.methods
    sample_id = str(uuid.uuid4())
    wrong = []
    for path_format, methods in allowed.items():
        path = re.sub(r"\{[^}]+\}", sample_id, path_format)
        for method in set(METHODS) - methods:
            response = await client.request(method, path)
            expected = ", ".join(sorted(methods))
            if response.status_code != 405 or response.headers.get("allow") != expected:
                wrong.append(
                    f"{method} {path_format}: {response.status_code} "
                    f"Allow={response.headers.get('allow')!r}, expected {expected!r}"
                )
            elif not path_format.startswith("/afnor-"):
                if response.headers["content-type"] != "application/problem+json":
                    wrong.append(f"{method} {path_format}: not a problem")
            # The standard APIs answer with their annex's error body.
            elif response.json().get("errorCode") != "METHOD_NOT_ALLOWED":
                wrong.append(f"{method} {path_format}: not the annex's error")
    assert not wrong, "\n".join(wrong)


async def test_a_fixed_segment_never_falls_into_the_id_route(client: httpx.AsyncClient) -> None:
    response = await client.patch("/api/v1/clients/imports", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["code"] == "method-not-allowed"
    not_an_id = await client.get("/api/v1/clients/pas-un-uuid")
    assert not_an_id.status_code == 404
    assert not_an_id.json()["code"] == "not-found"


async def test_a_fixed_segment_never_falls_into_a_string_id_route(
    client: httpx.AsyncClient,
) -> None:
    """The Flow Service's ids are strings (the annex's): `/flows/search` is still the search."""
    response = await client.get("/afnor-flow/v1/flows/search")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errorCode"] == "METHOD_NOT_ALLOWED"
    other_id = await client.get("/afnor-flow/v1/flows/searching")
    assert other_id.status_code == 401  # a flow id: the route asks for its token


async def test_a_body_that_is_not_utf8_is_the_documented_validation_problem(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/v1/auth/login-challenges",
        content='{"browser_key": "é"}'.encode("latin-1"),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "validation-error"
    assert body["errors"] == [
        {
            "pointer": "/body",
            "detail": "Le corps de la requête n'est pas un JSON valide : il doit être encodé "
            "en UTF-8.",
            "code": "json_invalid",
        }
    ]


def test_every_201_of_the_contract_declares_its_location(app: FastAPI) -> None:
    created = [
        (method, path, operation["responses"]["201"])
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if "201" in operation["responses"]
    ]
    assert len(created) > 10
    assert [
        (m, p) for m, p, response in created if "Location" not in response.get("headers", {})
    ] == []


async def test_a_201_answers_where_the_new_resource_is(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    browser = Browser()
    challenge = await browser.show_qr(client)
    assert challenge.status_code == 201
    assert challenge.headers["location"] == (
        f"/api/v1/auth/login-challenges/{challenge.json()['challenge_id']}"
    )
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    invited = await client.post(
        "/api/v1/members/invitations",
        json={"first_name": "Inès", "last_name": "Roux", "email": "ines@exemple.fr",
              "roles": ["accountant"]},
        headers=owner,
    )  # fmt: skip
    assert invited.status_code == 201, invited.text
    location = invited.headers["location"]
    assert location == f"/api/v1/members/{invited.json()['id']}"
    assert (await client.get(location, headers=owner)).json() == invited.json()
    # No GET of its own, but the key is addressable (DELETE): its URL all the same.
    key = await client.post(
        "/api/v1/api-keys", json={"name": "ERP", "scopes": ["clients:read"]}, headers=owner
    )
    assert key.headers["location"] == f"/api/v1/api-keys/{key.json()['id']}"
    nonce = await client.post("/api/v1/auth/device-sessions/nonces")
    assert nonce.status_code == 201
    assert nonce.headers["location"] == "/api/v1/auth/device-sessions/nonces"
