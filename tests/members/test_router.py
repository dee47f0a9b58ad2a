"""Members over HTTP: invitations (mail, single-use link, resend, revoke, expiry), the list,
cumulative roles, deactivation, removal, and the "last administrator" rule."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.protocol import Decision
from api.core.authz import Role
from api.core.models import utcnow
from api.core.settings import Settings
from api.models.audit_event import AuditEvent
from api.models.enrollment_token import EnrollmentToken
from api.models.membership import Membership, MembershipStatus
from api.models.outbox_message import OutboxMessage
from tests.helpers import (
    Browser,
    Phone,
    create_firm,
    enrolled_phone,
    logged_in_member,
    logged_in_owner,
)

ENROLL_LINK = re.compile(r"https://testserver/enroll#[A-Za-z0-9_\-]+")


def _invitation(email: str, *roles: str) -> dict[str, object]:
    return {"first_name": "Inès", "last_name": "Lefèvre", "email": email, "roles": list(roles)}


async def _mails_to(session: AsyncSession, email: str) -> list[OutboxMessage]:
    result = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "mail")
        .order_by(OutboxMessage.created_at)
        .execution_options(populate_existing=True)
    )
    return [message for message in result if message.payload["to"] == email]


async def _link_in_last_mail(session: AsyncSession, email: str) -> str:
    mails = await _mails_to(session, email)
    found = ENROLL_LINK.search(mails[-1].payload["text"])
    assert found, mails[-1].payload["text"]
    return found.group(0)


async def _actions(session: AsyncSession, workspace_id: uuid.UUID) -> list[str]:
    return list(
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.workspace_id == workspace_id, AuditEvent.action.like("member.%"))
            .order_by(AuditEvent.sequence)
        )
    )


def _problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code, response.text


async def test_invited_collaborator_gets_a_french_mail_and_joins_by_enrolling_a_phone(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings, name="Cabinet Lefèvre")
    owner = await logged_in_owner(client, firm)

    invited = await client.post(
        "/api/v1/members/invitations",
        headers=owner,
        json=_invitation("Ines.Lefevre@Example.fr", "accountant", "client_manager"),
    )
    assert invited.status_code == 201, invited.text
    member = invited.json()
    assert member["email"] == "ines.lefevre@example.fr"
    assert member["status"] == "invited"
    assert member["roles"] == ["accountant", "client_manager"]
    assert member["invitation"]["expired"] is False

    (mail,) = await _mails_to(session, "ines.lefevre@example.fr")
    assert mail.status == "pending"  # the worker sends it, never the request
    assert mail.payload["subject"] == (
        "Claire Martin vous invite à rejoindre Cabinet Lefèvre sur Comptoir"
    )
    assert "Comptable, Gestionnaire de clients" in mail.payload["text"] or (
        "Gestionnaire de clients, Comptable" in mail.payload["text"]
    )
    assert "expire le" in mail.payload["text"]
    assert "<a href=" in mail.payload["html"]
    link = await _link_in_last_mail(session, "ines.lefevre@example.fr")

    # Not enrolled yet: no device, so no way to approve a login; the membership waits.
    membership = await session.get(Membership, uuid.UUID(member["id"]))
    assert membership is not None
    assert membership.status == MembershipStatus.INVITED

    phone = await enrolled_phone(client, link)
    me = await client.get("/api/v1/me", headers=phone.auth)
    assert me.json()["workspace"]["name"] == "Cabinet Lefèvre"
    assert sorted(me.json()["roles"]) == ["accountant", "client_manager"]
    listed = await client.get(f"/api/v1/members/{member['id']}", headers=owner)
    assert listed.json()["status"] == "active"
    assert listed.json()["invitation"] is None
    assert await _actions(session, firm.firm.id) == ["member.invited"]


async def test_an_invited_user_who_never_enrolls_cannot_log_in(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    invited = await client.post(
        "/api/v1/members/invitations", headers=owner, json=_invitation("jamais@example.fr", "admin")
    )
    member_id = invited.json()["id"]

    # Without an enrolled device there is no key to sign anything: a phone that merely
    # claims a device id cannot open a session, nor approve a QR login.
    impostor = Phone(device_id=str(uuid.uuid4()))
    assert (await impostor.open_session(client)).status_code in {401, 404}
    browser = Browser()
    await browser.show_qr(client)
    refused = await client.post(
        f"/api/v1/auth/login-challenges/{browser.challenge_id}/decision",
        json={"decision": Decision.APPROVE.value, "device_id": impostor.device_id},
    )
    assert refused.status_code == 401
    redeem = await browser.redeem(client, mode="bearer")
    assert redeem.status_code != 200
    membership = await session.get(Membership, uuid.UUID(member_id))
    assert membership is not None
    assert membership.status == MembershipStatus.INVITED


async def test_inviting_an_existing_member_is_a_clear_conflict(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    first = await client.post(
        "/api/v1/members/invitations", headers=owner, json=_invitation("deux@example.fr", "admin")
    )
    again = await client.post(
        "/api/v1/members/invitations",
        headers=owner,
        json=_invitation("DEUX@example.fr", "accountant"),
    )
    _problem(again, 409, "member-already-exists")
    assert "statut : invité" in again.json()["detail"]
    assert again.json()["member_id"] == first.json()["id"]
    owner_again = await client.post(
        "/api/v1/members/invitations", headers=owner, json=_invitation(firm.owner.email, "admin")
    )
    _problem(owner_again, 409, "member-already-exists")


async def test_a_member_of_another_firm_can_be_invited_with_their_existing_account(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    other = await create_firm(session, settings, name="Autre cabinet")
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    invited = await client.post(
        "/api/v1/members/invitations",
        headers=owner,
        json=_invitation(other.owner.email, "accountant"),
    )
    assert invited.status_code == 201, invited.text
    assert invited.json()["user_id"] == str(other.owner.id)
    assert invited.json()["first_name"] == "Claire"  # the account keeps its own name


async def test_only_the_owner_grants_the_owner_role(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    _admin, admin = await logged_in_member(
        client, session, settings, firm.firm, frozenset({Role.ADMIN})
    )
    refused = await client.post(
        "/api/v1/members/invitations",
        headers=admin,
        json=_invitation("associe@example.fr", "owner"),
    )
    _problem(refused, 403, "owner-reserved")
    accepted = await client.post(
        "/api/v1/members/invitations",
        headers=owner,
        json=_invitation("associe@example.fr", "owner"),
    )
    assert accepted.status_code == 201
    owner_member = await _member_by_email(client, owner, firm.owner.email)
    demote_owner = await client.put(
        f"/api/v1/members/{owner_member['id']}/roles", headers=admin, json={"roles": ["admin"]}
    )
    _problem(demote_owner, 403, "owner-reserved")


async def test_resend_kills_the_previous_link_and_revoke_kills_the_invitation(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    member = (
        await client.post(
            "/api/v1/members/invitations",
            headers=owner,
            json=_invitation("relance@example.fr", "accountant"),
        )
    ).json()
    first_link = await _link_in_last_mail(session, "relance@example.fr")

    resent = await client.post(f"/api/v1/members/{member['id']}/invitation/resend", headers=owner)
    assert resent.status_code == 200, resent.text
    mails = await _mails_to(session, "relance@example.fr")
    assert len(mails) == 2
    assert mails[1].payload["subject"].startswith("Nouveau lien : ")
    second_link = await _link_in_last_mail(session, "relance@example.fr")
    assert second_link != first_link
    assert (await Phone().enroll(client, first_link)).status_code == 410

    revoked = await client.delete(f"/api/v1/members/{member['id']}/invitation", headers=owner)
    assert revoked.status_code == 204
    assert (await Phone().enroll(client, second_link)).status_code == 410
    assert (await client.get(f"/api/v1/members/{member['id']}", headers=owner)).status_code == 404
    assert await _actions(session, firm.firm.id) == [
        "member.invited",
        "member.invitation_resent",
        "member.invitation_revoked",
    ]


async def test_an_expired_invitation_shows_as_expired_and_can_be_resent(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    member = (
        await client.post(
            "/api/v1/members/invitations",
            headers=owner,
            json=_invitation("tard@example.fr", "accountant"),
        )
    ).json()
    link = await _link_in_last_mail(session, "tard@example.fr")
    await session.execute(
        update(EnrollmentToken)
        .where(EnrollmentToken.user_id == uuid.UUID(member["user_id"]))
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    await session.commit()

    shown = (await client.get(f"/api/v1/members/{member['id']}", headers=owner)).json()
    assert shown["invitation"]["expired"] is True
    assert (await Phone().enroll(client, link)).status_code == 410
    await client.post(f"/api/v1/members/{member['id']}/invitation/resend", headers=owner)
    fresh = await _link_in_last_mail(session, "tard@example.fr")
    assert (await Phone().enroll(client, fresh)).status_code == 201


async def _member_by_email(
    client: httpx.AsyncClient, headers: dict[str, str], email: str
) -> dict[str, object]:
    page = (await client.get("/api/v1/members", params={"q": email}, headers=headers)).json()
    (member,) = page["items"]
    assert isinstance(member, dict)
    return member


async def test_list_searches_filters_and_pages_in_a_stable_order(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    people = [
        ("Zoé", "Abadie", "accountant"),
        ("Yves", "Blanc", "client_manager"),
        ("Xavier", "Blanc", "accountant"),
        ("Wendy", "Caron", "admin"),
        ("Victor", "Dupont", "accountant"),
    ]
    for first_name, last_name, role in people:
        response = await client.post(
            "/api/v1/members/invitations",
            headers=owner,
            json={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{first_name.lower()}@example.fr",
                "roles": [role],
            },
        )
        assert response.status_code == 201

    names: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/members", params=params, headers=owner)).json()
        names += [f"{m['last_name']} {m['first_name']}" for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert names == [
        "Abadie Zoé",
        "Blanc Xavier",
        "Blanc Yves",
        "Caron Wendy",
        "Dupont Victor",
        "Martin Claire",
    ]

    accountants = await client.get(
        "/api/v1/members", params={"role": "accountant", "status": "invited"}, headers=owner
    )
    assert [m["first_name"] for m in accountants.json()["items"]] == ["Zoé", "Xavier", "Victor"]
    search = await client.get("/api/v1/members", params={"q": "blanc"}, headers=owner)
    assert [m["first_name"] for m in search.json()["items"]] == ["Xavier", "Yves"]
    by_mail = await client.get("/api/v1/members", params={"q": "WENDY@"}, headers=owner)
    assert [m["last_name"] for m in by_mail.json()["items"]] == ["Caron"]
    wildcard = await client.get("/api/v1/members", params={"q": "%"}, headers=owner)
    assert wildcard.json()["items"] == []
    _problem(
        await client.get("/api/v1/members", params={"cursor": "pas-un-curseur"}, headers=owner),
        422,
        "invalid-cursor",
    )
    too_many = await client.get("/api/v1/members", params={"limit": 201}, headers=owner)
    assert too_many.status_code == 422


async def test_roles_change_at_any_time_and_take_effect_at_the_next_request(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    user, accountant = await logged_in_member(
        client, session, settings, firm.firm, frozenset({Role.ACCOUNTANT})
    )
    assert (await client.get("/api/v1/members", headers=accountant)).status_code == 404
    member = await _member_by_email(client, owner, user.email)

    changed = await client.put(
        f"/api/v1/members/{member['id']}/roles",
        headers=owner,
        json={"roles": ["client_manager", "accountant", "accountant"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["accountant", "client_manager"]
    assert (await client.get("/api/v1/members", headers=accountant)).status_code == 200
    refused = await client.put(
        f"/api/v1/members/{member['id']}/roles", headers=owner, json={"roles": ["company_user"]}
    )
    assert refused.status_code == 422
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "member.roles_changed")
    )
    assert event is not None
    assert event.data["before"] == ["accountant"]
    assert event.data["after"] == ["accountant", "client_manager"]


async def test_a_deactivated_member_is_cut_off_at_their_next_request_then_reactivated(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    user, manager = await logged_in_member(
        client, session, settings, firm.firm, frozenset({Role.CLIENT_MANAGER})
    )
    assert (await client.get("/api/v1/members", headers=manager)).status_code == 200
    member = await _member_by_email(client, owner, user.email)

    deactivated = await client.post(f"/api/v1/members/{member['id']}/deactivate", headers=owner)
    assert deactivated.status_code == 200
    assert deactivated.json()["status"] == "deactivated"
    _problem(await client.get("/api/v1/me", headers=manager), 401, "session-ended")
    _problem(await client.get("/api/v1/members", headers=manager), 401, "session-ended")
    _problem(
        await client.post(f"/api/v1/members/{member['id']}/deactivate", headers=owner),
        409,
        "member-not-active",
    )

    reactivated = await client.post(f"/api/v1/members/{member['id']}/reactivate", headers=owner)
    assert reactivated.json()["status"] == "active"
    # The sessions ended for good; the member logs in again.
    assert (await client.get("/api/v1/me", headers=manager)).status_code == 401
    assert await _actions(session, firm.firm.id) == ["member.deactivated", "member.reactivated"]


async def test_the_firm_always_keeps_an_active_owner_or_administrator(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    me = await _member_by_email(client, owner, firm.owner.email)
    for method, path, body in [
        ("PUT", f"/api/v1/members/{me['id']}/roles", {"roles": ["accountant"]}),
        ("PUT", f"/api/v1/members/{me['id']}/roles", {"roles": ["admin"]}),
        ("POST", f"/api/v1/members/{me['id']}/deactivate", None),
        ("DELETE", f"/api/v1/members/{me['id']}", None),
    ]:
        response = await client.request(method, path, headers=owner, json=body)
        _problem(response, 409, "last-owner")
        assert "seul propriétaire" in response.json()["detail"]

    admin_user, admin = await logged_in_member(
        client, session, settings, firm.firm, frozenset({Role.ADMIN})
    )
    # An active Administrateur is no owner: the sole owner still cannot step down.
    response = await client.put(
        f"/api/v1/members/{me['id']}/roles", headers=owner, json={"roles": ["admin"]}
    )
    _problem(response, 409, "last-owner")
    admin_member = await _member_by_email(client, admin, admin_user.email)
    promoted = await client.put(
        f"/api/v1/members/{admin_member['id']}/roles",
        headers=owner,
        json={"roles": ["owner", "admin"]},
    )
    assert promoted.status_code == 200, promoted.text
    stepped_down = await client.put(
        f"/api/v1/members/{me['id']}/roles", headers=owner, json={"roles": ["admin"]}
    )
    assert stepped_down.status_code == 200, stepped_down.text
    removed = await client.delete(f"/api/v1/members/{me['id']}", headers=admin)
    assert removed.status_code == 204
    _problem(await client.get("/api/v1/me", headers=owner), 401, "session-ended")
    response = await client.delete(f"/api/v1/members/{admin_member['id']}", headers=admin)
    _problem(response, 409, "last-owner")


async def test_the_last_administrator_rule_still_holds_for_administrators(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    # An invited (not yet active) Administrateur does not count.
    await client.post(
        "/api/v1/members/invitations", headers=owner, json=_invitation("a@example.fr", "admin")
    )
    me = await _member_by_email(client, owner, firm.owner.email)
    response = await client.post(f"/api/v1/members/{me['id']}/deactivate", headers=owner)
    _problem(response, 409, "last-owner")
    admin_user, admin = await logged_in_member(
        client, session, settings, firm.firm, frozenset({Role.ADMIN})
    )
    admin_member = await _member_by_email(client, admin, admin_user.email)
    assert (
        await client.delete(f"/api/v1/members/{admin_member['id']}", headers=admin)
    ).status_code == 204


async def test_another_firms_member_answers_404(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    other = await create_firm(session, settings, name="Autre cabinet")
    owner = await logged_in_owner(client, firm)
    other_owner = await logged_in_owner(client, other)
    theirs = await _member_by_email(client, other_owner, other.owner.email)
    for method, path in [
        ("GET", f"/api/v1/members/{theirs['id']}"),
        ("POST", f"/api/v1/members/{theirs['id']}/deactivate"),
        ("DELETE", f"/api/v1/members/{theirs['id']}"),
    ]:
        _problem(await client.request(method, path, headers=owner), 404, "member-not-found")
    page = (await client.get("/api/v1/members", headers=owner)).json()
    assert [m["email"] for m in page["items"]] == [firm.owner.email]
