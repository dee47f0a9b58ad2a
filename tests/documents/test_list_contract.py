"""The documents list is the busiest read: it returns pre-serialised rows, checked here
against its declared response model (an e-invoice with its amounts, and a plain file)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.contract import assert_is_declared_model
from tests.documents.conftest import EINVOICES, Space
from tests.shared_data import needs_shared


@needs_shared(EINVOICES)
async def test_the_documents_list_is_its_declared_model(
    app: FastAPI, client: httpx.AsyncClient, space: Space
) -> None:
    uploads = [
        ((EINVOICES / "cii" / "CII_example2.xml").read_bytes(), "invoice", "facture.xml"),
        (b"%PDF-1.7\n%%EOF\n", "statement", "relevé de septembre.pdf"),
    ]
    for content, kind, filename in uploads:
        uploaded = await client.post(
            "/api/v1/documents",
            params={"client_id": str(space.client_a), "type": kind, "filename": filename},
            content=content,
            headers=space.headers["owner"],
        )
        assert uploaded.status_code == 201, uploaded.text

    queries: list[dict[str, str | int]] = [
        {"client_id": str(space.client_a)},
        {"client_id": str(space.client_a), "type": "invoice", "limit": 1},
        {"sort": "-amount"},
    ]
    for params in queries:
        response = await client.get(
            "/api/v1/documents", params=params, headers=space.headers["owner"]
        )
        body = assert_is_declared_model(app, "GET", "/api/v1/documents", response)
        assert body["items"]
