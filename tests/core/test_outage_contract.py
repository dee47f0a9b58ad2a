"""Every operation that can meet a dependency outage declares its 503 (an RFC 9457 problem
with `Retry-After`), from one place (`api.core.errors.document_outages`); the few that need
nothing but the process's own files are marked `outage_free`, and shown to answer with no
database at all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from api.adapters.company_registry.base import CompanyRegistryUnavailable
from api.app import create_app
from api.cli import OPENAPI_PATH
from api.core.errors import OUTAGE_RETRY_AFTER_SECONDS
from api.core.settings import Settings

CONTRACT: dict[str, Any] = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))

# The operations that read only shipped files and settings: liveness and the knowledge base.
OUTAGE_FREE = {
    "health:health",
    "help:help_index",
    "help:list_articles",
    "help:get_article",
    "help:search_articles",
    "help:support_contact",
}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in CONTRACT["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_operation_that_can_meet_an_outage_declares_its_503() -> None:
    assert len(_operations()) > 100
    undeclared = []
    for _method, _path, operation in _operations():
        declared = operation["responses"].get("503")
        if operation["operationId"] in OUTAGE_FREE:
            assert declared is None, operation["operationId"]
            continue
        if (
            declared is None
            or "application/problem+json" not in declared.get("content", {})
            or "Retry-After" not in declared.get("headers", {})
        ):
            undeclared.append(operation["operationId"])
    assert undeclared == [], f"operations without their 503 + Retry-After: {undeclared}"
    marked = {op["operationId"] for _m, _p, op in _operations() if "503" not in op["responses"]}
    assert marked == OUTAGE_FREE


async def test_the_operations_declaring_no_503_answer_without_any_database(
    tmp_path: Path,
) -> None:
    """No lifespan, so no database at all: anything reading one would crash (500)."""
    settings = Settings(
        environment="test",
        database_url="postgresql+asyncpg://nobody@127.0.0.1:9/nothing",
        data_dir=tmp_path / "data",
        public_url="https://testserver",
        spa_dist=tmp_path / "no-spa",
        log_level="ERROR",
    )
    transport = httpx.ASGITransport(app=create_app(settings), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        articles = (await client.get("/api/v1/help/articles")).json()["items"]
        calls = {
            "health:health": "/api/v1/health",
            "help:help_index": "/api/v1/help?screen=clients",
            "help:list_articles": "/api/v1/help/articles?limit=2",
            "help:get_article": f"/api/v1/help/articles/{articles[0]['slug']}",
            "help:search_articles": "/api/v1/help/search?q=mandat",
            "help:support_contact": "/api/v1/help/contact",
        }
        assert set(calls) == OUTAGE_FREE
        for operation, url in calls.items():
            response = await client.get(url)
            assert response.status_code == 200, (operation, response.text)
        # The control: an operation that reads the database cannot answer here.
        assert (await client.get("/api/v1/ready")).status_code >= 500


async def test_a_503_that_names_no_delay_gets_the_default_retry_after(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    @app.get("/probe-registry-outage")
    async def probe() -> None:
        raise CompanyRegistryUnavailable("Le registre est injoignable.")

    response = await client.get("/probe-registry-outage")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == str(OUTAGE_RETRY_AFTER_SECONDS)
