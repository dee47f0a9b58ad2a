"""`GET /api/v1/audit-events`: the workspace's trail for owners and Administrateurs, newest
first, filtered, paged by cursor; never another workspace's events."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import Role
from api.core.settings import Settings
from tests.helpers import create_firm, logged_in_member, logged_in_owner


async def test_administrators_read_their_firms_trail_newest_first_with_filters(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    other = await create_firm(session, settings, name="Autre cabinet")
    owner = await logged_in_owner(client, firm)
    await logged_in_owner(client, other)
    _admin_user, admin = await logged_in_member(
        client, session, settings, firm.firm, frozenset({Role.ADMIN})
    )
    for name in ("Anne", "Bruno", "Chloé"):
        invited = await client.post(
            "/api/v1/members/invitations",
            headers=owner,
            json={
                "first_name": name,
                "last_name": "Test",
                "email": f"{name.lower()}@example.fr",
                "roles": ["accountant"],
            },
        )
        assert invited.status_code == 201

    everything = await client.get("/api/v1/audit-events", headers=admin)
    assert everything.status_code == 200, everything.text
    actions = [event["action"] for event in everything.json()["items"]]
    assert actions[0] == "member.invited"
    assert actions[-1] == "firm.created"
    assert "Autre cabinet" not in everything.text
    sequences = [event["sequence"] for event in everything.json()["items"]]
    assert sequences == sorted(sequences, reverse=True)

    pages: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"action": "member.", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/audit-events", params=params, headers=admin)).json()
        pages += [event["data"]["email"] for event in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == ["chloé@example.fr", "bruno@example.fr", "anne@example.fr"]

    first = everything.json()["items"][0]
    assert first["actor"]["name"] == "Claire Martin"
    assert first["actor"]["kind"] == "user"
    by_actor = await client.get(
        "/api/v1/audit-events",
        params={"actor_user_id": first["actor"]["user_id"], "action": "member.invited"},
        headers=admin,
    )
    assert len(by_actor.json()["items"]) == 3
    by_target = await client.get(
        "/api/v1/audit-events",
        params={"target_type": "member", "target_id": first["target_id"]},
        headers=admin,
    )
    assert [e["id"] for e in by_target.json()["items"]] == [first["id"]]
    window = await client.get(
        "/api/v1/audit-events",
        params={"from": first["occurred_at"], "to": "2999-01-01T00:00:00Z"},
        headers=admin,
    )
    assert [e["id"] for e in window.json()["items"]] == [first["id"]]
    naive = await client.get(
        "/api/v1/audit-events", params={"from": "2026-01-01T00:00:00"}, headers=admin
    )
    assert naive.status_code == 422


async def test_roles_without_audit_read_get_404(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    _user, manager = await logged_in_member(
        client, session, settings, firm.firm, frozenset({Role.CLIENT_MANAGER, Role.ACCOUNTANT})
    )
    assert (await client.get("/api/v1/audit-events", headers=manager)).status_code == 404
    assert (await client.get("/api/v1/audit-events")).status_code == 401
