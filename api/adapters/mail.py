"""Sending mail: one small interface, two real implementations chosen by `mail_transport`.

    LogMailSender    embedded default: the message is written to the log (the outbox row,
                     kept after delivery, is the record)
    SmtpMailSender   production: SMTP submission with STARTTLS, implicit TLS or a plain
                     loopback relay, optional AUTH (aiosmtplib)

Senders are called by the outbox worker only, never inside a request: a failure raises, and the
worker retries later.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Protocol

import aiosmtplib

from api.core.input import one_line
from api.core.settings import Settings

logger = logging.getLogger("comptoir.mail")


@dataclass(frozen=True, slots=True)
class MailMessage:
    """One mail, already rendered: a plain-text body and its HTML alternative."""

    to: str
    subject: str
    text: str
    html: str
    # Where an answer goes (Reply-To:) when it is not the From: address, a no-reply one: the
    # person who asked, for a mail to the support team; the support team, for their receipt.
    reply_to: str | None = None
    # Stable for every attempt at this one mail (the outbox message id): its Message-ID, so a
    # mail sent again after a worker crash is recognised as the same one by the receiving side.
    key: str | None = None

    def __post_init__(self) -> None:
        # A header is one line: a line break there would start another header (injection).
        object.__setattr__(self, "to", one_line(self.to))
        object.__setattr__(self, "subject", one_line(self.subject))
        if self.reply_to is not None:
            object.__setattr__(self, "reply_to", one_line(self.reply_to) or None)

    def as_payload(self) -> dict[str, Any]:
        payload = asdict(self)
        del payload["key"]
        if payload["reply_to"] is None:
            del payload["reply_to"]  # the payload of a mail without one, as before it existed
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> MailMessage:
        return cls(
            to=str(payload["to"]),
            subject=str(payload["subject"]),
            text=str(payload["text"]),
            html=str(payload["html"]),
            reply_to=str(payload["reply_to"]) if payload.get("reply_to") else None,
        )


class MailSender(Protocol):
    async def send(self, message: MailMessage) -> None:
        """Deliver the message or raise: the caller retries."""
        ...


def build_email(message: MailMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    if message.reply_to is not None:
        email["Reply-To"] = message.reply_to
    email["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    if message.key is not None and domain is not None:
        email["Message-ID"] = f"<{message.key}@{domain}>"
    else:
        email["Message-ID"] = make_msgid(domain=domain)
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


class LogMailSender:
    """Writes each message to the `comptoir.mail` log, so a fresh install shows its mail."""

    def __init__(self, sender: str) -> None:
        self.sender = sender

    async def send(self, message: MailMessage) -> None:
        logger.info(
            "Courriel (non envoyé, COMPTOIR_MAIL_TRANSPORT=log) à %s — %s\n%s",
            message.to,
            message.subject,
            message.text,
        )


class SmtpMailSender:
    def __init__(
        self,
        *,
        sender: str,
        host: str,
        port: int,
        security: str,
        username: str = "",
        password: str = "",
        timeout_seconds: float = 30.0,
        ca_file: str | None = None,
    ) -> None:
        self.sender = sender
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.timeout_seconds = timeout_seconds
        self.ca_file = ca_file

    async def send(self, message: MailMessage) -> None:
        await aiosmtplib.send(
            build_email(message, self.sender),
            hostname=self.host,
            port=self.port,
            use_tls=self.security == "tls",
            # `start_tls=True` fails when the server does not offer STARTTLS, rather than
            # silently sending credentials and links in clear text.
            start_tls=self.security == "starttls",
            username=self.username or None,
            password=self.password or None,
            timeout=self.timeout_seconds,
            cert_bundle=self.ca_file,
        )


def mail_sender(settings: Settings) -> MailSender:
    if settings.mail_transport == "smtp":
        return SmtpMailSender(
            sender=settings.mail_from,
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value(),
            timeout_seconds=settings.smtp_timeout_seconds,
            ca_file=str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
        )
    return LogMailSender(settings.mail_from)
