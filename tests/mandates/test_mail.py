"""The mandate's mails reach a real SMTP server on loopback (aiosmtpd): the link, then the
one-time code, both to the representative's address, in French."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.settings import Settings
from api.outbox import service as outbox
from api.worker import outbox_handlers
from tests.clients.conftest import Firm
from tests.mandates.conftest import CODE, CONTACT, SIGN_LINK, Signer, signer_of
from tests.peers.smtp_server import LocalSmtpServer

pytestmark = pytest.mark.usefixtures("sirene")


async def test_the_link_and_the_code_arrive_by_smtp(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    firm: Firm,
    smtp_server: LocalSmtpServer,
) -> None:
    smtp = smtp_server.settings(settings, outbox_batch_size=500)
    _client_id, _ = await signer_of(client, session, firm)
    await outbox.deliver_due(sessionmaker, outbox_handlers(smtp, sessionmaker), smtp)
    received = [m for m in smtp_server.inbox if CONTACT in m.recipients]
    assert len(received) == 1
    body = received[0].message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    found = SIGN_LINK.search(text)
    assert found, text
    assert "signer le mandat" in str(received[0].message["Subject"])

    signer = Signer(client, session, found.group(1))
    assert (await signer.open()).status_code == 200
    response = await client.post("/api/v1/mandate-signatures/code", json={"token": signer.token})
    assert response.status_code == 202
    await outbox.deliver_due(sessionmaker, outbox_handlers(smtp, sessionmaker), smtp)
    codes = [m for m in smtp_server.inbox if CONTACT in m.recipients][1:]
    assert len(codes) == 1
    plain = codes[0].message.get_body(preferencelist=("plain",))
    assert plain is not None
    code = CODE.search(plain.get_content())
    assert code, plain.get_content()
    assert (await signer.sign(code.group(1))).status_code == 200
