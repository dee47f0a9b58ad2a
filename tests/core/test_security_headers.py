"""Every kind of response carries the security headers (api/core/security_headers.py): JSON,
problems, a crash, a downloaded file, the SPA's HTML and the interactive documentation; HSTS
and /docs follow the environment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.core.security_headers import DOCS_POLICY, RESOURCE_POLICY, SPA_POLICY
from api.core.settings import Settings
from api.core.state import Database, state_of
from tests.helpers import create_firm, logged_in_owner


def _app(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], **changes: object
) -> FastAPI:
    app = create_app(settings.model_copy(update=changes))
    state_of(app).database = Database.bound_to(sessionmaker)
    return app


@pytest.fixture
def spa_dist(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><html>Comptoir</html>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    return tmp_path


@pytest.fixture
async def production(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], spa_dist: Path
) -> AsyncIterator[httpx.AsyncClient]:
    app = _app(settings, sessionmaker, environment="production", spa_dist=spa_dist)

    @app.get("/api/v1/test-crash", include_in_schema=False)
    async def crash() -> None:
        raise RuntimeError("boom")

    app.router.routes.insert(0, app.router.routes.pop())  # before the SPA's catch-all

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


def _assert_common(response: httpx.Response, policy: str) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"] == policy
    assert "frame-ancestors 'none'" in policy


async def test_every_kind_of_response_carries_the_security_headers_in_production(
    production: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(production, firm)
    responses = {
        "json": (await production.get("/api/v1/health"), RESOURCE_POLICY),
        "authenticated json": (await production.get("/api/v1/me", headers=owner), RESOURCE_POLICY),
        "problem 404": (await production.get("/api/v1/nope"), RESOURCE_POLICY),
        "problem 401": (await production.get("/api/v1/clients"), RESOURCE_POLICY),
        "problem 422": (
            await production.get("/api/v1/members", params={"q": "\x00"}, headers=owner),
            RESOURCE_POLICY,
        ),
        "crash 500": (await production.get("/api/v1/test-crash"), RESOURCE_POLICY),
        "file download": (
            await production.get("/api/v1/clients/import-template.xlsx", headers=owner),
            RESOURCE_POLICY,
        ),
        "spa html": (await production.get("/clients/123"), SPA_POLICY),
        "spa asset": (await production.get("/assets/app.js"), RESOURCE_POLICY),
    }
    expected_status = {"problem 404": 404, "problem 401": 401, "problem 422": 422, "crash 500": 500}
    for kind, (response, policy) in responses.items():
        assert response.status_code == expected_status.get(kind, 200), (kind, response.text)
        _assert_common(response, policy)
        assert response.headers["strict-transport-security"].startswith("max-age="), kind


async def test_the_interactive_documentation_is_off_in_production_unless_enabled(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    production: httpx.AsyncClient,
) -> None:
    hidden = await production.get("/docs")
    assert "swagger" not in hidden.text.lower()
    contract = await production.get("/api/v1/openapi.json")
    assert contract.status_code == 200
    _assert_common(contract, RESOURCE_POLICY)

    enabled = _app(settings, sessionmaker, environment="production", api_docs=True)
    transport = httpx.ASGITransport(app=enabled)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
    _assert_common(docs, DOCS_POLICY)


async def test_development_serves_the_docs_without_hsts(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200
    _assert_common(docs, DOCS_POLICY)
    assert "strict-transport-security" not in docs.headers
    health = await client.get("/api/v1/health")
    _assert_common(health, RESOURCE_POLICY)
    assert "strict-transport-security" not in health.headers
