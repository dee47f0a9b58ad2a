"""Every error is an RFC 9457 problem; the unit of work commits on success only."""

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.db import DbSession
from api.core.errors import Conflict

probe = APIRouter(prefix="/api/v1/probe", tags=["probe"])


class Siren(BaseModel):
    siren: str = Field(pattern=r"^\d{9}$")
    name: str


@probe.post("/sirens")
async def create_siren(body: Siren, session: DbSession) -> dict[str, str]:
    await session.execute(text("INSERT INTO uow_probe (value) VALUES (:v)"), {"v": body.siren})
    if body.name == "conflict":
        raise Conflict("Ce SIREN existe déjà.")
    if body.name == "crash":
        raise RuntimeError("secret internals: SELECT * FROM users")
    return {"siren": body.siren}


@pytest.fixture
async def probed_app(app: FastAPI, session: AsyncSession) -> FastAPI:
    await session.execute(text("CREATE TABLE uow_probe (value VARCHAR(20))"))
    await session.commit()
    app.include_router(probe)
    return app


async def _probe_values(session: AsyncSession) -> list[str]:
    return list((await session.execute(text("SELECT value FROM uow_probe"))).scalars())


def _assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:comptoir:problem:{code}"
    assert body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    body = _assert_problem(await client.get("/api/v1/nope"), 404, "not-found")
    assert body["instance"] == "/api/v1/nope"


async def test_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/health")
    _assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET"


async def test_malformed_json_is_a_422_pointing_at_the_body(
    probed_app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        "/api/v1/probe/sirens", content=b'{"siren": ', headers={"content-type": "application/json"}
    )
    body = _assert_problem(response, 422, "validation-error")
    assert body["errors"] == [
        {
            "pointer": "/body",
            "detail": "Le corps de la requête n'est pas un JSON valide.",
            "code": "json_invalid",
        }
    ]


async def test_invalid_field_is_a_422_with_field_pointers_in_french(
    probed_app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await client.post("/api/v1/probe/sirens", json={"siren": "12"})
    body = _assert_problem(response, 422, "validation-error")
    assert {(e["pointer"], e["detail"]) for e in body["errors"]} == {  # type: ignore[attr-defined]
        ("/body/siren", "Format invalide."),
        ("/body/name", "Champ obligatoire."),
    }


async def test_unit_of_work_commits_when_the_endpoint_succeeds(
    probed_app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    response = await client.post("/api/v1/probe/sirens", json={"siren": "732829320", "name": "A"})
    assert response.status_code == 200
    assert await _probe_values(session) == ["732829320"]


async def test_app_error_rolls_back_and_renders_its_problem(
    probed_app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    response = await client.post(
        "/api/v1/probe/sirens", json={"siren": "732829320", "name": "conflict"}
    )
    body = _assert_problem(response, 409, "conflict")
    assert body["detail"] == "Ce SIREN existe déjà."
    assert await _probe_values(session) == []


async def test_crash_is_a_500_without_internals_and_rolls_back(
    probed_app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    response = await client.post(
        "/api/v1/probe/sirens", json={"siren": "732829320", "name": "crash"}
    )
    _assert_problem(response, 500, "internal-error")
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert await _probe_values(session) == []


async def test_a_well_formed_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health", headers={"x-request-id": "abc123-trace-42"})
    assert response.headers["x-request-id"] == "abc123-trace-42"


async def test_a_malformed_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health", headers={"x-request-id": "<script>"})
    assert response.headers["x-request-id"] != "<script>"
    assert len(response.headers["x-request-id"]) == 32
