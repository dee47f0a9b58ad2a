"""Mandate fixtures: the einvoicing ones (logged-in firm, SIRENE sample, directory worker),
clients with a contact, and the signer's side driven from the mails the outbox holds."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory import LocalDirectory
from api.core.settings import Settings
from api.models.outbox_message import OutboxMessage
from tests.clients.conftest import Firm, firm, sirene  # noqa: F401  (fixtures)
from tests.einvoicing.conftest import ACTIVE_SIRENS as ACTIVE_SIRENS
from tests.einvoicing.conftest import run_worker  # noqa: F401  (a fixture)

SIGN_LINK = re.compile(r"https://testserver/mandat#(cpt_sig_[A-Za-z0-9_\-]+)")
CODE = re.compile(r"^[ ]+(\d{6})\s*$", re.M)
CONTACT = "representant@garage.example.fr"


@pytest.fixture
def directory(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> LocalDirectory:
    return LocalDirectory(sessionmaker, settings.directory_platform_id)


async def add_client(
    client: httpx.AsyncClient,
    firm: Firm,  # noqa: F811
    siren: str,
    email: str | None = CONTACT,
) -> str:
    contact: dict[str, Any] = {"contact_first_name": "Élodie", "contact_last_name": "Chevalier"}
    if email:
        contact["contact_email"] = email
    response = await client.post(
        "/api/v1/clients", json={"identifier": siren} | contact, headers=firm.owner.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def mails_to(session: AsyncSession, email: str) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "mail")
        .order_by(OutboxMessage.created_at)
        .execution_options(populate_existing=True)
    )
    return [row.payload for row in rows if row.payload["to"] == email]


async def token_in_last_mail(session: AsyncSession, email: str = CONTACT) -> str:
    for mail in reversed(await mails_to(session, email)):
        found = SIGN_LINK.search(mail["text"])
        if found:
            return found.group(1)
    raise AssertionError("no signature link mailed")


async def code_in_last_mail(session: AsyncSession, email: str = CONTACT) -> str:
    mail = (await mails_to(session, email))[-1]
    found = CODE.search(mail["text"])
    assert found, mail["text"]
    return found.group(1)


@dataclass
class Signer:
    """The representative's browser: the link, what the page showed, the code mailed."""

    client: httpx.AsyncClient
    session: AsyncSession
    token: str
    view: dict[str, Any] | None = None

    async def open(self) -> httpx.Response:
        response = await self.client.post(
            "/api/v1/mandate-signatures/inspect", json={"token": self.token}
        )
        if response.status_code == 200:
            self.view = response.json()
        return response

    async def ask_code(self) -> str:
        response = await self.client.post(
            "/api/v1/mandate-signatures/code", json={"token": self.token}
        )
        assert response.status_code == 202, response.text
        return await code_in_last_mail(self.session)

    async def sign(self, code: str, **extra: Any) -> httpx.Response:
        assert self.view is not None
        body = {
            "token": self.token,
            "signer_name": "Élodie Chevalier",
            "consent": True,
            "consent_version": self.view["consent"]["version"],
            "consent_text": self.view["consent"]["text"],
            "code": code,
            "document_sha256": self.view["document_sha256"],
        } | extra
        return await self.client.post(
            "/api/v1/mandate-signatures/signature",
            json=body,
            headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile"},
        )


async def send(client: httpx.AsyncClient, firm: Firm, client_id: str) -> httpx.Response:  # noqa: F811
    return await client.post(
        f"/api/v1/clients/{client_id}/mandate-request", json={}, headers=firm.owner.headers
    )


async def signer_of(
    client: httpx.AsyncClient,
    session: AsyncSession,
    firm: Firm,  # noqa: F811
    siren: str = ACTIVE_SIRENS[0],
) -> tuple[str, Signer]:
    client_id = await add_client(client, firm, siren)
    sent = await send(client, firm, client_id)
    assert sent.status_code == 201, sent.text
    return client_id, Signer(client, session, await token_in_last_mail(session))


def as_uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)
