"""A real SMTP server on loopback (aiosmtpd), keeping every message it accepts.

Optionally with STARTTLS (a self-signed certificate for 127.0.0.1, written next to its key so
the client can trust it) and AUTH PLAIN/LOGIN with one account.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from api.core.settings import Settings
from tests.peers.oidc_provider import free_port


@dataclass
class Delivered:
    mail_from: str
    recipients: list[str]
    message: EmailMessage


class _Collector:
    def __init__(
        self, inbox: list[Delivered], on_delivery: Callable[[Delivered], None] | None
    ) -> None:
        self.inbox = inbox
        self.on_delivery = on_delivery

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        delivered = Delivered(envelope.mail_from, list(envelope.rcpt_tos), parsed)
        self.inbox.append(delivered)
        if self.on_delivery is not None:
            self.on_delivery(delivered)
        return "250 Message accepted for delivery"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class LocalSmtpServer:
    port: int = field(default_factory=free_port)
    username: str | None = None
    password: str | None = None
    tls_folder: Path | None = None  # STARTTLS required when set
    inbox: list[Delivered] = field(default_factory=list)
    controller: Controller | None = None
    ca_file: Path | None = None
    # Called with each accepted message, in the server's thread (tests.peers.mailbox).
    on_delivery: Callable[[Delivered], None] | None = None

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        valid = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.username
            and auth_data.password.decode() == self.password
        )
        return AuthResult(success=valid, handled=False)

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.username:
            options |= {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": self.tls_folder is not None,
            }
        if self.tls_folder is not None:
            cert, key = self_signed_certificate(self.tls_folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            options |= {"tls_context": context, "require_starttls": True}
            self.ca_file = cert
        self.controller = Controller(
            _Collector(self.inbox, self.on_delivery),
            hostname="127.0.0.1",
            port=self.port,
            **options,
        )
        self.controller.start()

    def settings(self, base: Settings, **extra: object) -> Settings:
        """`base` delivering its mail to this server (plain SMTP on loopback)."""
        update: dict[str, object] = {
            "mail_transport": "smtp",
            "mail_from": "Comptoir <ne-pas-repondre@comptoir.test>",
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_security": "none",
            "smtp_timeout_seconds": 5.0,
        }
        return base.model_copy(update=update | extra)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
