"""Who may reach what: every firm-side mandate endpoint × role × another firm's client → 404,
and the signer's endpoints answer only to the link's secret."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import Role
from api.core.settings import Settings
from tests.clients.conftest import Firm, log_in, member
from tests.helpers import create_firm
from tests.mandates.conftest import signer_of

pytestmark = pytest.mark.usefixtures("sirene")


def _endpoints(client_id: str) -> list[tuple[str, str, Any]]:
    return [
        ("GET", f"/api/v1/clients/{client_id}/mandate-request", None),
        ("POST", f"/api/v1/clients/{client_id}/mandate-request", {}),
        ("POST", f"/api/v1/clients/{client_id}/mandate-request/withdrawal", None),
        ("PATCH", f"/api/v1/clients/{client_id}/readiness", {"vat_regime": "simplified"}),
        ("GET", f"/api/v1/clients/{client_id}/mandate-request/sealed.pdf", None),
    ]


async def test_firm_side_endpoints_are_404_for_other_roles_and_other_firms(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, firm: Firm
) -> None:
    # A signed client: its sealed mandate exists, and only the firm's managers download it.
    client_id, signer = await signer_of(client, session, firm)
    await signer.open()
    assert (await signer.sign(await signer.ask_code())).status_code == 200
    sealed = await client.get(
        f"/api/v1/clients/{client_id}/mandate-request/sealed.pdf", headers=firm.owner.headers
    )
    assert sealed.status_code == 200
    assert sealed.headers["content-type"] == "application/pdf"
    assert sealed.content.startswith(b"%PDF-")
    assert "attachment" in sealed.headers["content-disposition"]
    accountant = await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
    assigned = await client.put(
        f"/api/v1/clients/{client_id}/assignments/{accountant.user_id}",
        headers=firm.owner.headers,
    )
    assert assigned.status_code in (200, 201, 204), assigned.text
    admin = await member(client, session, settings, firm.created, frozenset({Role.ADMIN}), "Ana")
    other = await create_firm(session, settings, name="Cabinet Voisin")
    foreign = await log_in(client, other.enrollment.url)
    global_endpoints: list[tuple[str, str, Any]] = [
        ("POST", "/api/v1/mandate-requests/sendings", {"client_ids": [client_id]}),
        ("POST", "/api/v1/mandate-requests/withdrawals", {"client_ids": [client_id]}),
        ("GET", "/api/v1/mandates/seal", None),
        ("GET", "/api/v1/readiness", None),
        ("GET", "/api/v1/readiness.xlsx", None),
    ]
    for who, headers in [("comptable", accountant.headers), ("administrateur", admin.headers)]:
        for method, path, body in _endpoints(client_id) + global_endpoints:
            response = await client.request(method, path, json=body, headers=headers)
            assert response.status_code == 404, (who, method, path, response.text)
    # Another firm's owner: every endpoint that names the client answers 404, and its bulk
    # actions see "client_not_found" (one result per client, never the client's state).
    for method, path, body in _endpoints(client_id):
        response = await client.request(method, path, json=body, headers=foreign)
        assert response.status_code == 404, (method, path, response.text)
    bulk = await client.post(
        "/api/v1/mandate-requests/sendings", json={"client_ids": [client_id]}, headers=foreign
    )
    assert bulk.json()["results"][0]["outcome"] == "client_not_found"
    unauthenticated = await client.get(f"/api/v1/clients/{client_id}/mandate-request")
    assert unauthenticated.status_code == 401


async def test_signer_endpoints_need_the_links_secret(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    _client_id, signer = await signer_of(client, session, firm)
    forged = signer.token[:-4] + "AAAA"
    for path in ("inspect", "document", "code", "refusal"):
        response = await client.post(f"/api/v1/mandate-signatures/{path}", json={"token": forged})
        assert response.status_code == 404, (path, response.text)
    # The firm's session grants nothing on the signer's side either.
    response = await client.post(
        "/api/v1/mandate-signatures/inspect", json={"token": forged}, headers=firm.owner.headers
    )
    assert response.status_code == 404
