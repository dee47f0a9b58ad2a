"""The help centre's routes: articles for a screen, feedback and tour progress per person, and
support requests: stored, audited, both mails delivered through a real SMTP server, readable by
their author only (another firm's is 404), listed by `comptoir support list`."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.actor import Actor
from api.core.authz import Principal, PrincipalKind, Role
from api.core.db import create_engine, create_sessionmaker
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.help import service
from api.models.audit_event import AuditEvent
from api.models.help import SupportRequest
from api.outbox import service as outbox
from api.worker import outbox_handlers
from tests.helpers import create_firm, logged_in_member, logged_in_owner
from tests.live import comptoir_on_files
from tests.peers.smtp_server import LocalSmtpServer

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36"


async def test_the_panel_lists_the_articles_and_tours_of_the_screen_and_the_contact(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v1/help", params={"screen": "/clients/import"})
    assert response.status_code == 200
    body = response.json()
    assert body["articles"][0]["slug"] == "importer-des-clients"
    assert "import-clients" in [tour["id"] for tour in body["tours"]]
    assert "invite-collaborator" not in [tour["id"] for tour in body["tours"]]
    assert body["contact"]["email"] == "support@comptoir.localhost"
    assert body["contact"]["response_time"]
    everything = await client.get("/api/v1/help")
    assert len(everything.json()["articles"]) >= 30


async def test_an_article_has_its_html_and_related_articles(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/help/articles/qu-est-ce-que-peppol")
    assert response.status_code == 200
    article = response.json()
    assert article["title"] == "Qu'est-ce que Peppol ?"
    assert "<h2>" in article["html"]
    assert article["related"]
    assert all(related["slug"] for related in article["related"])
    missing = await client.get("/api/v1/help/articles/n-existe-pas")
    assert missing.status_code == 404
    assert missing.json()["code"] == "help-article-not-found"


async def test_feedback_is_one_answer_per_person_and_article(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    _, accountant = await logged_in_member(
        client, session, settings, firm.firm, frozenset({Role.ACCOUNTANT})
    )
    url = "/api/v1/help/articles/ajouter-un-client/feedback"
    assert (await client.get(url, headers=owner)).json() is None
    assert (await client.put(url, headers=owner, json={"helpful": False})).status_code == 200
    changed = await client.put(
        url, headers=owner, json={"helpful": True, "comment": "  Clair, merci.  "}
    )
    assert changed.json()["helpful"] is True
    assert changed.json()["comment"] == "Clair, merci."
    assert (await client.get(url, headers=owner)).json()["helpful"] is True
    assert (await client.get(url, headers=accountant)).json() is None  # per person
    unknown = await client.put(
        "/api/v1/help/articles/n-existe-pas/feedback", headers=owner, json={"helpful": True}
    )
    assert unknown.status_code == 404
    assert (await client.put(url, json={"helpful": True})).status_code == 401


async def test_tour_progress_is_remembered_per_person(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    saved = await client.put(
        "/api/v1/help/tours/import-clients/progress", headers=owner, json={"step": 2}
    )
    assert saved.status_code == 200
    assert saved.json() | {"updated_at": None} == {
        "tour_id": "import-clients",
        "step": 2,
        "completed": False,
        "updated_at": None,
    }
    done = await client.put(
        "/api/v1/help/tours/import-clients/progress",
        headers=owner,
        json={"step": 40, "completed": True},
    )
    assert done.json()["completed"] is True
    assert done.json()["step"] == 4  # clamped to the last step
    progress = (await client.get("/api/v1/help/tours/progress", headers=owner)).json()
    assert [(row["tour_id"], row["completed"]) for row in progress["items"]] == [
        ("import-clients", True)
    ]
    unknown = await client.put(
        "/api/v1/help/tours/n-existe-pas/progress", headers=owner, json={"step": 0}
    )
    assert unknown.status_code == 404


async def test_a_support_request_is_stored_audited_and_both_mails_arrive_by_smtp(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    smtp_server: LocalSmtpServer,
) -> None:
    firm = await create_firm(session, settings, name="Cabinet Durand & Fils")
    owner = await logged_in_owner(client, firm)
    response = await client.post(
        "/api/v1/help/support-requests",
        headers=owner | {"User-Agent": BROWSER, "X-Request-ID": "req-support-0001"},
        json={
            "subject": "Import bloqué",
            "message": "Le rapport d'import reste vide après l'analyse du fichier.",
            "screen": "/clients/import",
            "request_id": "9f1c2a7e0d3b4c5f",
        },
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["reference"].startswith("AS-")
    assert created["screen"] == "/clients/import"
    assert created["user_agent"] == BROWSER
    assert created["workspace_id"] == str(firm.firm.id)

    audited = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "support.request_created")
    )
    assert audited is not None
    assert audited.target_id == created["id"]
    assert audited.workspace_id == firm.firm.id

    smtp = smtp_server.settings(settings, support_email="support@comptoir.test")
    report = await outbox.deliver_due(sessionmaker, outbox_handlers(smtp, sessionmaker), smtp)
    assert report.sent >= 2
    by_recipient = {tuple(mail.recipients): mail.message for mail in smtp_server.inbox}
    # The support address is read when the request is made: the test settings' default.
    to_support = by_recipient[("support@comptoir.localhost",)]
    assert to_support["Subject"] == f"[{created['reference']}] Import bloqué"
    text = to_support.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    for context in (
        "Écran : /clients/import",
        "Espace de travail : Cabinet Durand & Fils",
        "Identifiant de requête : 9f1c2a7e0d3b4c5f",
        f"Navigateur : {BROWSER}",
        "Le rapport d'import reste vide",
    ):
        assert context in text
    html = to_support.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "Cabinet Durand &amp; Fils" in html
    # « Répondre » answers the person; the receipt, from a no-reply address, the support team.
    assert to_support["Reply-To"] == f"Claire Martin <{created['email']}>"

    acknowledgement = by_recipient[(created["email"],)]
    assert created["reference"] in acknowledgement["Subject"]
    ack_text = acknowledgement.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Bonjour Claire," in ack_text
    assert "sous un jour ouvré" in ack_text
    assert acknowledgement["From"] == "Comptoir <ne-pas-repondre@comptoir.test>"
    assert acknowledgement["Reply-To"] == "support@comptoir.localhost"


async def test_a_support_request_is_read_by_its_author_only(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    other = await create_firm(session, settings, name="Cabinet Voisin")
    owner = await logged_in_owner(client, firm)
    neighbour = await logged_in_owner(client, other)
    _, colleague = await logged_in_member(
        client, session, settings, firm.firm, frozenset({Role.ADMIN})
    )
    created = await client.post(
        "/api/v1/help/support-requests",
        headers=owner,
        json={"subject": "Question", "message": "Comment exporter la liste des clients ?"},
    )
    url = f"/api/v1/help/support-requests/{created.json()['id']}"
    assert (await client.get(url, headers=owner)).status_code == 200
    for stranger in (neighbour, colleague):
        response = await client.get(url, headers=stranger)
        assert response.status_code == 404
        assert response.json()["code"] == "support-request-not-found"
        listed = await client.get("/api/v1/help/support-requests", headers=stranger)
        assert listed.json() == {"items": [], "next_cursor": None}
    mine = await client.get("/api/v1/help/support-requests", headers=owner)
    assert [row["id"] for row in mine.json()["items"]] == [created.json()["id"]]


async def test_a_support_request_is_validated(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    owner = await logged_in_owner(client, firm)
    response = await client.post(
        "/api/v1/help/support-requests", headers=owner, json={"subject": "x", "message": "court"}
    )
    assert response.status_code == 422
    pointers = {error["pointer"] for error in response.json()["errors"]}
    assert pointers == {"/body/subject", "/body/message"}
    anonymous = await client.post(
        "/api/v1/help/support-requests",
        json={"subject": "Question", "message": "Je n'arrive pas à me connecter."},
    )
    assert anonymous.status_code == 401


async def test_support_list_prints_the_requests_for_the_operator(tmp_path: Path) -> None:
    assert comptoir_on_files(tmp_path, "migrate").returncode == 0
    empty = comptoir_on_files(tmp_path, "support", "list")
    assert empty.returncode == 0
    assert "Aucune demande de support." in empty.stdout
    settings = Settings(data_dir=tmp_path, database_url="")
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            firm = await create_firm(session, settings, name="Cabinet Listé")
            principal = Principal(
                kind=PrincipalKind.USER,
                user_id=firm.owner.id,
                workspace_id=firm.firm.id,
                roles=frozenset({Role.OWNER}),
            )
            request = await service.create_support_request(
                session,
                settings,
                Actor(principal, RequestOrigin(ip="127.0.0.1", user_agent="Firefox")),
                subject="Mandat introuvable",
                message="Je ne trouve pas le modèle de mandat.",
                screen="/clients",
                request_id="abc123",
                email=None,
            )
            await session.commit()
    finally:
        await engine.dispose()
    listed = comptoir_on_files(tmp_path, "support", "list", "--full")
    assert listed.returncode == 0, listed.stderr
    assert request.reference in listed.stdout
    assert "Cabinet Listé" in listed.stdout
    assert "« Mandat introuvable »" in listed.stdout
    assert "Je ne trouve pas le modèle de mandat." in listed.stdout
    assert isinstance(request, SupportRequest)
