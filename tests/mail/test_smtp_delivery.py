"""Mail leaves through the outbox to a real SMTP server on loopback (aiosmtpd): the invitation
arrives in French, text and HTML; an outage loses nothing; STARTTLS and AUTH work."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.mail import MailMessage, SmtpMailSender, build_email
from api.core.models import utcnow
from api.core.settings import Settings
from api.mail import service as mail
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.outbox import service as outbox
from api.outbox.service import DeliveryAttempt
from api.worker import outbox_handlers
from tests.helpers import create_firm, logged_in_owner
from tests.peers.smtp_server import LocalSmtpServer


async def test_the_invitation_is_delivered_in_french_with_its_single_use_link(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    smtp_server: LocalSmtpServer,
) -> None:
    firm = await create_firm(session, settings, name="Cabinet Durand & Fils")
    owner = await logged_in_owner(client, firm)
    response = await client.post(
        "/api/v1/members/invitations",
        headers=owner,
        json={
            "first_name": "Léa",
            "last_name": "Petit",
            "email": "lea.petit@example.fr",
            "roles": ["accountant"],
        },
    )
    assert response.status_code == 201
    assert smtp_server.inbox == []  # the request only queued it

    smtp = smtp_server.settings(settings)
    report = await outbox.deliver_due(sessionmaker, outbox_handlers(smtp, sessionmaker), smtp)
    assert report.sent == 1

    (delivered,) = smtp_server.inbox
    assert delivered.recipients == ["lea.petit@example.fr"]
    assert delivered.mail_from == "ne-pas-repondre@comptoir.test"
    message = delivered.message
    assert message["Subject"] == (
        "Claire Martin vous invite à rejoindre Cabinet Durand & Fils sur Comptoir"
    )
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert text_part is not None
    assert html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    assert "Bonjour Léa," in text
    assert "rôle : Comptable" in text
    assert "Cabinet Durand &amp; Fils" in html
    link = re.search(r"https://testserver/enroll#\S+", text)
    assert link is not None
    assert f'href="{link.group(0)}"' in html
    assert "expire le" in text

    # The row stays as the record, without the link it carried.
    row = await session.scalar(select(OutboxMessage).execution_options(populate_existing=True))
    assert row is not None
    assert row.status == OutboxStatus.SENT
    assert link.group(0) not in str(row.payload)


async def test_an_smtp_outage_loses_nothing(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    server = LocalSmtpServer()  # not started: connections are refused
    smtp = server.settings(settings, outbox_retry_base_seconds=10.0)
    await mail.queue(session, MailMessage("a@example.fr", "Sujet", "texte", "<p>html</p>"))
    await session.commit()

    handlers = outbox_handlers(smtp, sessionmaker)
    failed = await outbox.deliver_due(sessionmaker, handlers, smtp)
    assert failed.retried == 1
    row = await session.scalar(select(OutboxMessage).execution_options(populate_existing=True))
    assert row is not None
    assert row.status == OutboxStatus.PENDING
    assert row.last_error

    server.start()
    try:
        later = utcnow() + timedelta(seconds=11)
        assert (
            await outbox.deliver_due(
                sessionmaker, outbox_handlers(smtp, sessionmaker), smtp, now=later
            )
        ).sent
    finally:
        server.stop()
    (delivered,) = server.inbox
    assert delivered.message["Subject"] == "Sujet"


async def test_every_attempt_at_one_mail_carries_the_same_message_id(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    smtp_server: LocalSmtpServer,
) -> None:
    """A worker that died after sending but before recording it sends the mail again: the
    receiving side sees the same Message-ID (the outbox message's id) and can drop it."""
    smtp = smtp_server.settings(settings)
    await mail.queue(session, MailMessage("a@example.fr", "Un", "texte", "<p>html</p>"))
    await mail.queue(session, MailMessage("b@example.fr", "Deux", "texte", "<p>html</p>"))
    await session.commit()
    rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at)))
    handler = outbox_handlers(smtp, sessionmaker)[mail.MAIL_KIND]
    await handler.deliver(rows[0].payload, DeliveryAttempt(rows[0].id, 1, final=False))
    await handler.deliver(rows[0].payload, DeliveryAttempt(rows[0].id, 2, final=False))
    await handler.deliver(rows[1].payload, DeliveryAttempt(rows[1].id, 1, final=False))

    ids = [delivered.message["Message-ID"] for delivered in smtp_server.inbox]
    assert ids == [
        f"<comptoir.{rows[0].id}@comptoir.test>",
        f"<comptoir.{rows[0].id}@comptoir.test>",
        f"<comptoir.{rows[1].id}@comptoir.test>",
    ]


async def test_starttls_and_authentication(tmp_path: Path) -> None:
    server = LocalSmtpServer(username="comptoir", password="s3cret", tls_folder=tmp_path)
    server.start()
    try:
        sender = SmtpMailSender(
            sender="Comptoir <ne-pas-repondre@comptoir.test>",
            host="127.0.0.1",
            port=server.port,
            security="starttls",
            username="comptoir",
            password="s3cret",
            timeout_seconds=5,
            ca_file=str(server.ca_file),
        )
        await sender.send(MailMessage("b@example.fr", "Chiffré", "texte", "<p>html</p>"))
        wrong = SmtpMailSender(
            sender="Comptoir <ne-pas-repondre@comptoir.test>",
            host="127.0.0.1",
            port=server.port,
            security="starttls",
            username="comptoir",
            password="faux",
            timeout_seconds=5,
            ca_file=str(server.ca_file),
        )
        with pytest.raises(Exception, match=r"535|uthentication"):
            await wrong.send(MailMessage("c@example.fr", "Refusé", "texte", "<p>html</p>"))
        # Without the relay's CA the certificate is refused: no clear-text fallback.
        untrusted = SmtpMailSender(
            sender="Comptoir <ne-pas-repondre@comptoir.test>",
            host="127.0.0.1",
            port=server.port,
            security="starttls",
            timeout_seconds=5,
        )
        with pytest.raises(Exception, match=r"(?i)certificate"):
            await untrusted.send(MailMessage("d@example.fr", "Refusé", "texte", "<p>html</p>"))
    finally:
        server.stop()
    assert [d.message["Subject"] for d in server.inbox] == ["Chiffré"]


def test_a_reply_to_is_one_header_line_and_mails_queued_without_one_still_read() -> None:
    message = MailMessage(
        to="claire@cabinet.fr",
        subject="Votre demande",
        text="Bonjour",
        html="<p>Bonjour</p>",
        reply_to="support@comptoir.test\r\nBcc: espion@example.com",
    )
    email = build_email(message, "Comptoir <ne-pas-repondre@comptoir.test>")
    assert email["Reply-To"].addresses[0].addr_spec == "support@comptoir.test"
    assert email["Bcc"] is None
    assert "\nBcc:" not in email.as_string()
    assert MailMessage.from_payload(message.as_payload()) == message
    # A mail queued before Reply-To existed: its payload has no such key, and none is sent.
    older = {"to": "a@b.fr", "subject": "s", "text": "t", "html": "<p>t</p>"}
    assert MailMessage(to="a@b.fr", subject="s", text="t", html="<p>t</p>").as_payload() == older
    assert build_email(MailMessage.from_payload(older), "x@y.fr")["Reply-To"] is None
