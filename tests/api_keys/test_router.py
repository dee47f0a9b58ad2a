"""API keys: scoped, capped by their creator's rights, shown once, revocable."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import Role, Scope
from api.core.models import utcnow
from api.core.settings import Settings
from api.models.api_key import ApiKey
from api.models.membership import Membership, MembershipStatus
from tests.helpers import bearer_login, create_firm, create_member, enrolled_phone


async def _login(client: httpx.AsyncClient, link: str) -> dict[str, str]:
    tokens = await bearer_login(client, await enrolled_phone(client, link))
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_owner_mints_a_scoped_key_shown_once_that_acts_with_exactly_its_scopes(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await _login(client, firm.enrollment.url)
    owner_me = (await client.get("/api/v1/me", headers=owner)).json()
    # The owner holds every right: every scope of the table is offered, in its order.
    assert owner_me["api_key_scopes"] == [scope.value for scope in Scope]
    assert owner_me["workspace"]["siren"] == firm.firm.siren
    created = await client.post(
        "/api/v1/api-keys",
        headers=owner,
        json={"name": "Logiciel comptable", "scopes": ["clients:read", "documents:read"]},
    )
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    assert secret.startswith("cpt_key_")
    assert secret.startswith(created.json()["prefix"])

    listed = await client.get("/api/v1/api-keys", headers=owner)
    assert [key["name"] for key in listed.json()["items"]] == ["Logiciel comptable"]
    assert listed.json()["next_cursor"] is None
    assert "secret" not in listed.json()["items"][0]

    as_key = {"Authorization": f"Bearer {secret}"}
    me = await client.get("/api/v1/me", headers=as_key)
    assert me.json()["principal_kind"] == "api_key"
    # The scopes, plus the visibility of the owner who minted it (every client, every document).
    assert me.json()["permissions"] == [
        "clients:all",
        "clients:read",
        "documents:all_clients",
        "documents:read",
    ]
    # A key cannot manage extensions (no scope grants it): the route does not exist for it.
    assert (await client.get("/api/v1/api-keys", headers=as_key)).status_code == 404


async def test_an_administrator_cannot_mint_document_access(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    _admin, link = await create_member(session, settings, firm.firm, frozenset({Role.ADMIN}))
    admin = await _login(client, link)
    # `GET /me` offers exactly what minting accepts (the SPA keeps no scope table of its own).
    offered = (await client.get("/api/v1/me", headers=admin)).json()["api_key_scopes"]
    assert offered == ["members:read"]
    refused = await client.post(
        "/api/v1/api-keys", headers=admin, json={"name": "Scanner", "scopes": ["documents:read"]}
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "scopes-beyond-creator"
    allowed = await client.post(
        "/api/v1/api-keys", headers=admin, json={"name": "Annuaire", "scopes": ["members:read"]}
    )
    assert allowed.status_code == 201


async def test_revoked_expired_unknown_keys_and_deactivated_creators_get_401(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await _login(client, firm.enrollment.url)

    async def mint(name: str) -> tuple[str, str]:
        response = await client.post(
            "/api/v1/api-keys", headers=owner, json={"name": name, "scopes": ["clients:read"]}
        )
        return response.json()["id"], response.json()["secret"]

    revoked_id, revoked = await mint("révoquée")
    assert (await client.delete(f"/api/v1/api-keys/{revoked_id}", headers=owner)).status_code == 200
    expired_id, expired = await mint("expirée")
    await session.execute(
        update(ApiKey)
        .where(ApiKey.id == uuid.UUID(expired_id))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    await session.commit()
    for secret in (revoked, expired, "cpt_key_inconnue"):
        response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 401
        assert response.json()["code"] == "invalid-api-key"

    _, live = await mint("vivante")
    await session.execute(
        update(Membership)
        .where(Membership.user_id == firm.owner.id)
        .values(status=MembershipStatus.DEACTIVATED)
    )
    await session.commit()
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {live}"})
    assert response.status_code == 401


async def test_a_key_of_another_workspace_is_not_found_there(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    rival = await create_firm(session, settings, name="Cabinet Rival")
    owner = await _login(client, firm.enrollment.url)
    rival_owner = await _login(client, rival.enrollment.url)
    created = await client.post(
        "/api/v1/api-keys", headers=owner, json={"name": "k", "scopes": ["clients:read"]}
    )
    key_id = created.json()["id"]
    assert (
        await client.delete(f"/api/v1/api-keys/{key_id}", headers=rival_owner)
    ).status_code == 404
