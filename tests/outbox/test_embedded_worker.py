"""With the embedded defaults, the app's own background worker delivers queued mail to the
log: `comptoir run` alone is enough."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.mail import MailMessage
from api.core.settings import Settings
from api.mail import service as mail
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.worker import embedded_worker


async def test_the_embedded_worker_writes_mail_to_the_log(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fast = settings.model_copy(update={"outbox_poll_seconds": 0.05, "mail_transport": "log"})
    await mail.queue(
        session, MailMessage("e@example.fr", "Bienvenue", "Bonjour !", "<p>Bonjour</p>")
    )
    await session.commit()
    logger = logging.getLogger("comptoir")
    logger.propagate = True  # let caplog see the app's log
    try:
        with caplog.at_level(logging.INFO, logger="comptoir.mail"):
            async with embedded_worker(fast, sessionmaker):
                # Watch the log only: the worker owns the (shared) test connection meanwhile.
                for _ in range(100):
                    if "Bienvenue" in caplog.text:
                        break
                    await asyncio.sleep(0.05)
    finally:
        logger.propagate = False
    row = await session.scalar(select(OutboxMessage).execution_options(populate_existing=True))
    assert row is not None
    assert row.status == OutboxStatus.SENT
    assert "Bienvenue" in caplog.text
    assert "e@example.fr" in caplog.text
