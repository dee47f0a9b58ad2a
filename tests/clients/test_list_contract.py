"""The clients list is the busiest read: it returns pre-serialised rows, checked here against
its declared `ClientPage`."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.clients.conftest import Firm
from tests.contract import assert_is_declared_model

pytestmark = pytest.mark.usefixtures("sirene")


async def test_the_clients_list_is_its_declared_model(
    app: FastAPI, client: httpx.AsyncClient, firm: Firm
) -> None:
    for identifier in ("610869075", "62400017025724"):
        added = await client.post(
            "/api/v1/clients",
            json={"identifier": identifier, "contact_email": "compta@exemple.fr"},
            headers=firm.owner.headers,
        )
        assert added.status_code == 201, added.text
    await client.put(
        f"/api/v1/clients/{added.json()['id']}/subscription",
        json={"plan_code": "premium", "payer": "firm", "start_date": "2026-09-01"},
        headers=firm.owner.headers,
    )

    for params in ({"limit": 1}, {"sort": "-created_at"}, {"plan": "premium"}):
        response = await client.get("/api/v1/clients", params=params, headers=firm.owner.headers)
        body = assert_is_declared_model(app, "GET", "/api/v1/clients", response)
        assert body["items"]
    assert body["items"][0]["plan_code"] == "premium"
