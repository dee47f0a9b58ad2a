"""The client lifecycle over HTTP: "Inviter" mails the contact a single-use link; enrolling a
phone with it opens the company's space and makes the client Actif. Reminders, re-invitations
and expiry, one at a time and in bulk."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import SYSTEM
from api.clients import invitations
from api.core.authz import Role
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.models.audit_event import AuditEvent
from api.models.client import Client
from api.models.enrollment_token import EnrollmentToken
from api.models.membership import Membership, MembershipStatus
from api.models.outbox_message import OutboxMessage
from api.models.webhook import WebhookDelivery, WebhookEndpoint
from api.models.workspace import Workspace, WorkspaceKind
from tests.clients.conftest import Firm, log_in, member
from tests.helpers import Phone, bearer, bearer_login

pytestmark = pytest.mark.usefixtures("sirene")

ENROLL_LINK = re.compile(r"https://testserver/enroll#[A-Za-z0-9_\-]+")
GARAGE = "610869075"  # GARAGE CHEVALIER ET FRÈRES in the shared SIRENE sample
OTHERS = ["624000170", "414617811", "234134542"]


async def add_client(
    client: httpx.AsyncClient, firm: Firm, siren: str, email: str | None = None
) -> str:
    contact = {"contact_first_name": "Élodie", "contact_last_name": "Chevalier"}
    if email:
        contact["contact_email"] = email
    response = await client.post(
        "/api/v1/clients", json={"identifier": siren} | contact, headers=firm.owner.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def invite(client: httpx.AsyncClient, firm: Firm, client_id: str) -> httpx.Response:
    return await client.post(f"/api/v1/clients/{client_id}/invitation", headers=firm.owner.headers)


async def mails_to(session: AsyncSession, email: str) -> list[dict[str, str]]:
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "mail")
        .order_by(OutboxMessage.created_at)
        .execution_options(populate_existing=True)
    )
    return [row.payload for row in rows if row.payload["to"] == email]


async def link_in_last_mail(session: AsyncSession, email: str) -> str:
    found = ENROLL_LINK.search((await mails_to(session, email))[-1]["text"])
    assert found
    return found.group(0)


async def age_invitation(session: AsyncSession, client_id: str, days: int) -> None:
    """Move the client's latest invitation, and its link, `days` into the past."""
    shift = timedelta(days=days)
    client = await session.get(Client, uuid.UUID(client_id), populate_existing=True)
    assert client is not None
    assert client.invited_at is not None
    assert client.invitation_expires_at is not None
    client.invited_at -= shift
    client.invitation_expires_at -= shift
    tokens = await session.scalars(
        select(EnrollmentToken)
        .where(EnrollmentToken.workspace_id == client.company_workspace_id)
        .execution_options(populate_existing=True)
    )
    for token in tokens:
        token.created_at -= shift
        token.expires_at -= shift
    await session.commit()


async def actions(session: AsyncSession, client_id: str) -> list[str]:
    return list(
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target_id == client_id)
            .order_by(AuditEvent.occurred_at, AuditEvent.sequence)
        )
    )


async def subscribe(session: AsyncSession, firm: Firm) -> None:
    session.add(
        WebhookEndpoint(
            workspace_id=firm.created.firm.id,
            url="https://erp.example.org/hooks/comptoir",
            event_types=["client.invited", "client.activated"],
            secret="whsec_" + "x" * 32,
        )
    )
    await session.commit()


async def test_an_invited_contact_enrolls_and_the_client_becomes_active_with_its_space(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    await subscribe(session, firm)
    client_id = await add_client(client, firm, GARAGE, "Elodie@Garage-Chevalier.fr")
    before = (await client.get(f"/api/v1/clients/{client_id}", headers=firm.owner.headers)).json()
    assert before["invitation_status"] == "not_sent"
    assert before["invited_at"] is None

    response = await invite(client, firm, client_id)

    assert response.status_code == 200, response.text
    invited = response.json()
    assert invited["status"] == "invited"
    assert invited["invitation_status"] == "sent"
    assert invited["invited_at"] is not None
    assert invited["invitation_expires_at"] > invited["invited_at"]
    assert invited["invitation_reminders"] == 0
    (mail,) = await mails_to(session, "elodie@garage-chevalier.fr")
    assert mail["subject"] == (
        "Cabinet Martin & Associés vous invite à activer l'espace de "
        "GARAGE CHEVALIER ET FRÈRES sur Comptoir"
    )
    assert mail["text"].startswith("Bonjour Élodie,")
    assert "expire le" in mail["text"]
    assert '<html lang="fr">' in mail["html"]

    phone = Phone()
    enrolled = await phone.enroll(client, await link_in_last_mail(session, mail["to"]))
    assert enrolled.status_code == 201, enrolled.text
    assert (await phone.open_session(client)).status_code == 201
    contact = bearer(await bearer_login(client, phone))
    me = (await client.get("/api/v1/me", headers=contact)).json()
    assert me["user"]["email"] == "elodie@garage-chevalier.fr"
    assert me["user"]["first_name"] == "Élodie"
    assert me["workspace"]["kind"] == "company"
    assert me["workspace"]["name"] == "GARAGE CHEVALIER ET FRÈRES"
    assert me["roles"] == ["company_user"]
    assert [w["kind"] for w in me["workspaces"]] == ["company"]

    listed = await client.get(
        "/api/v1/clients", params={"status": "active"}, headers=firm.owner.headers
    )
    (row,) = [item for item in listed.json()["items"] if item["id"] == client_id]
    assert row["status"] == "active"
    assert row["invitation_status"] == "accepted"
    detail = (await client.get(f"/api/v1/clients/{client_id}", headers=firm.owner.headers)).json()
    assert detail["activated_at"] is not None
    assert detail["company_workspace_id"] == me["workspace"]["id"]

    space = await session.get(Workspace, uuid.UUID(detail["company_workspace_id"]))
    assert space is not None
    assert space.kind == WorkspaceKind.COMPANY
    assert (space.siren, space.siret) == (GARAGE, detail["siret"])
    assert space.vat_number == detail["vat_number"]
    assert space.city == detail["city"]
    membership = await session.scalar(
        select(Membership)
        .where(Membership.workspace_id == space.id)
        .execution_options(populate_existing=True)
    )
    assert membership is not None
    assert membership.roles == frozenset({Role.COMPANY_USER})
    assert membership.status == MembershipStatus.ACTIVE
    assert await actions(session, client_id) == [
        "client.created",
        "client.invited",
        "client.activated",
    ]
    events = await session.scalars(select(WebhookDelivery.event_type))
    assert sorted(events) == ["client.activated", "client.invited"]


async def test_the_activation_link_works_once(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    client_id = await add_client(client, firm, GARAGE, "elodie@garage-chevalier.fr")
    await invite(client, firm, client_id)
    link = await link_in_last_mail(session, "elodie@garage-chevalier.fr")
    assert (await Phone().enroll(client, link)).status_code == 201

    again = await Phone().enroll(client, link)

    assert again.status_code == 410
    assert again.json()["code"] == "enrollment-token-unusable"


async def test_bulk_invitation_answers_for_each_client(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    with_contact = await add_client(client, firm, GARAGE, "elodie@garage-chevalier.fr")
    without_contact = await add_client(client, firm, OTHERS[0])
    colleague = await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
    colleague_as_contact = await add_client(client, firm, OTHERS[1], colleague.email)
    itself = await client.post("/api/v1/clients/self", headers=firm.owner.headers)
    assert itself.status_code == 201, itself.text
    unknown = str(uuid.uuid4())
    ids = [with_contact, without_contact, colleague_as_contact, itself.json()["id"], unknown]

    response = await client.post(
        "/api/v1/clients/invitations", json={"client_ids": ids}, headers=firm.owner.headers
    )

    assert response.status_code == 200, response.text
    results = {result["id"]: result for result in response.json()["results"]}
    assert list(results) == ids
    assert results[with_contact]["ok"] is True
    assert results[with_contact]["outcome"] == "invited"
    assert results[with_contact]["invitation_expires_at"]
    assert {id_: results[id_]["error"] for id_ in ids[1:]} == {
        without_contact: "contact-email-missing",
        colleague_as_contact: "contact-is-firm-member",
        itself.json()["id"]: "client-already-active",
        unknown: "client-not-found",
    }
    assert all(results[id_]["detail"] for id_ in ids[1:])
    assert len(await mails_to(session, "elodie@garage-chevalier.fr")) == 1
    # The refused items left nothing behind: no company space, no mail to the colleague.
    refused = await session.get(Client, uuid.UUID(colleague_as_contact), populate_existing=True)
    assert refused is not None
    assert refused.company_workspace_id is None
    assert refused.invited_at is None
    assert await mails_to(session, colleague.email) == []

    second = await client.post(
        "/api/v1/clients/invitations",
        json={"client_ids": [with_contact]},
        headers=firm.owner.headers,
    )
    assert second.json()["results"][0]["outcome"] == "reinvited"


async def test_a_firm_member_cannot_be_a_clients_contact(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    # A Gestionnaire de clients naming herself would read the client's documents in its space.
    manager = await member(
        client, session, settings, firm.created, frozenset({Role.CLIENT_MANAGER}), "Inès"
    )
    client_id = await add_client(client, firm, GARAGE, manager.email.upper())

    response = await client.post(f"/api/v1/clients/{client_id}/invitation", headers=manager.headers)

    assert response.status_code == 409, response.text
    assert response.json()["code"] == "contact-is-firm-member"
    assert await mails_to(session, manager.email) == []


async def test_a_new_link_kills_the_previous_one(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    client_id = await add_client(client, firm, GARAGE, "elodie@garage-chevalier.fr")
    await invite(client, firm, client_id)
    first_link = await link_in_last_mail(session, "elodie@garage-chevalier.fr")

    response = await invite(client, firm, client_id)

    assert response.json()["invitation_reminders"] == 1
    mails = await mails_to(session, "elodie@garage-chevalier.fr")
    assert mails[-1]["subject"].startswith("Rappel : ")
    assert "remplace l'invitation précédente" in mails[-1]["text"]
    assert (await Phone().enroll(client, first_link)).status_code == 410
    second_link = await link_in_last_mail(session, "elodie@garage-chevalier.fr")
    assert (await Phone().enroll(client, second_link)).status_code == 201
    detail = (await client.get(f"/api/v1/clients/{client_id}", headers=firm.owner.headers)).json()
    assert detail["status"] == "active"
    assert await actions(session, client_id) == [
        "client.created",
        "client.invited",
        "client.invitation_resent",
        "client.activated",
    ]


async def test_an_expired_invitation_shows_as_expired_and_a_reinvitation_works(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    client_id = await add_client(client, firm, GARAGE, "elodie@garage-chevalier.fr")
    await invite(client, firm, client_id)
    old_link = await link_in_last_mail(session, "elodie@garage-chevalier.fr")
    await age_invitation(session, client_id, days=settings.enrollment_token_ttl_hours // 24 + 1)

    detail = (await client.get(f"/api/v1/clients/{client_id}", headers=firm.owner.headers)).json()
    expired = await client.get(
        "/api/v1/clients", params={"invitation_status": "expired"}, headers=firm.owner.headers
    )
    sent = await client.get(
        "/api/v1/clients", params={"invitation_status": "sent"}, headers=firm.owner.headers
    )

    assert detail["invitation_status"] == "expired"
    assert [item["id"] for item in expired.json()["items"]] == [client_id]
    assert expired.json()["items"][0]["invitation_status"] == "expired"
    assert sent.json()["items"] == []
    refused = await Phone().enroll(client, old_link)
    assert refused.status_code == 410
    reinvited = await invite(client, firm, client_id)
    assert reinvited.json()["invitation_status"] == "sent"
    new_link = await link_in_last_mail(session, "elodie@garage-chevalier.fr")
    assert (await Phone().enroll(client, new_link)).status_code == 201


async def test_reminders_go_to_clients_invited_long_enough_ago(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    old = await add_client(client, firm, GARAGE, "elodie@garage-chevalier.fr")
    recent = await add_client(client, firm, OTHERS[0], "marc@exemple.fr")
    never = await add_client(client, firm, OTHERS[1], "lea@exemple.fr")
    for client_id in (old, recent):
        await invite(client, firm, client_id)
    await age_invitation(session, old, days=8)

    response = await client.post(
        "/api/v1/clients/invitations/reminders",
        json={"older_than_days": 7},
        headers=firm.owner.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["more"] is False
    assert [(r["id"], r["outcome"]) for r in body["results"]] == [(old, "reinvited")]
    assert len(await mails_to(session, "elodie@garage-chevalier.fr")) == 2
    assert len(await mails_to(session, "marc@exemple.fr")) == 1
    assert await mails_to(session, "lea@exemple.fr") == []
    assert never not in {r["id"] for r in body["results"]}
    # Just reminded: not due again until another week has passed, nor past the ceiling.
    again = await client.post(
        "/api/v1/clients/invitations/reminders", json={}, headers=firm.owner.headers
    )
    assert again.json()["results"] == []
    await age_invitation(session, old, days=8)
    capped = await client.post(
        "/api/v1/clients/invitations/reminders",
        json={"max_reminders": 1},
        headers=firm.owner.headers,
    )
    assert capped.json()["results"] == []


async def test_the_remind_command_covers_every_firm(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    client_id = await add_client(client, firm, GARAGE, "elodie@garage-chevalier.fr")
    await invite(client, firm, client_id)
    await age_invitation(session, client_id, days=10)

    reminders = await invitations.remind(
        session, settings, RequestOrigin(ip=None, user_agent="cron"), author=SYSTEM, firm_id=None
    )
    await session.commit()

    assert [(r.id, r.outcome) for r in reminders.results] == [(uuid.UUID(client_id), "reinvited")]
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "client.invitation_resent")
    )
    assert event is not None
    assert event.actor_kind == "system"


async def test_changing_the_contact_kills_the_link_sent_to_the_previous_one(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    client_id = await add_client(client, firm, GARAGE, "ancien@garage-chevalier.fr")
    await invite(client, firm, client_id)
    previous_link = await link_in_last_mail(session, "ancien@garage-chevalier.fr")
    changed = await client.patch(
        f"/api/v1/clients/{client_id}",
        json={"contact_email": "elodie@garage-chevalier.fr"},
        headers=firm.owner.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["invitation_status"] == "not_sent"
    assert (await Phone().enroll(client, previous_link)).status_code == 410

    invited = await invite(client, firm, client_id)

    assert invited.json()["invitation_reminders"] == 0
    link = await link_in_last_mail(session, "elodie@garage-chevalier.fr")
    contact = await log_in(client, link)
    me = (await client.get("/api/v1/me", headers=contact)).json()
    assert me["user"]["email"] == "elodie@garage-chevalier.fr"
    space_id = uuid.UUID(me["workspace"]["id"])
    members = await session.scalars(
        select(Membership.user_id).where(Membership.workspace_id == space_id)
    )
    assert [str(user_id) for user_id in members] == [me["user"]["id"]]


async def test_one_person_can_be_the_contact_of_two_clients(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    first = await add_client(client, firm, GARAGE, "dirigeant@groupe.fr")
    second = await add_client(client, firm, OTHERS[0], "dirigeant@groupe.fr")
    response = await client.post(
        "/api/v1/clients/invitations",
        json={"client_ids": [first, second]},
        headers=firm.owner.headers,
    )
    assert [r["ok"] for r in response.json()["results"]] == [True, True]
    first_link, second_link = [
        ENROLL_LINK.search(mail["text"]).group(0)  # type: ignore[union-attr]
        for mail in await mails_to(session, "dirigeant@groupe.fr")
    ]

    contact = await log_in(client, first_link)
    assert (await Phone().enroll(client, second_link)).status_code == 201

    me = (await client.get("/api/v1/me", headers=contact)).json()
    assert len(me["workspaces"]) == 2
    listed = await client.get(
        "/api/v1/clients", params={"status": "active"}, headers=firm.owner.headers
    )
    assert {item["id"] for item in listed.json()["items"]} == {first, second}


async def test_a_comptable_cannot_invite_even_an_assigned_client(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    accountant = await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
    client_id = await add_client(client, firm, GARAGE, "elodie@garage-chevalier.fr")
    assigned = await client.put(
        f"/api/v1/clients/{client_id}/assignments/{accountant.user_id}",
        headers=firm.owner.headers,
    )
    assert assigned.status_code == 204

    response = await client.post(
        f"/api/v1/clients/{client_id}/invitation", headers=accountant.headers
    )

    assert response.status_code == 404
    assert await mails_to(session, "elodie@garage-chevalier.fr") == []


async def test_a_withdrawn_invitation_link_no_longer_works(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    client_id = await add_client(client, firm, GARAGE, "elodie@garage-chevalier.fr")
    await invite(client, firm, client_id)
    link = await link_in_last_mail(session, "elodie@garage-chevalier.fr")

    response = await client.delete(
        f"/api/v1/clients/{client_id}/invitation", headers=firm.owner.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["invitation_status"] == "not_sent"
    assert (await Phone().enroll(client, link)).status_code == 410
    again = await client.delete(
        f"/api/v1/clients/{client_id}/invitation", headers=firm.owner.headers
    )
    assert again.status_code == 409
    assert again.json()["code"] == "no-invitation-pending"
    assert "client.invitation_withdrawn" in await actions(session, client_id)
