"""`comptoir worker` (the dedicated process) compiles the common validation rules when it starts,
then delivers the outbox as the embedded worker does."""

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
from api.validation.rules import COMMON_RULE_FILES
from api.worker import run_forever


async def test_the_dedicated_worker_warms_the_validation_rules_up_then_delivers(
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
        with caplog.at_level(logging.INFO, logger="comptoir"):
            stop = asyncio.Event()
            worker = asyncio.create_task(run_forever(fast, sessionmaker, stop))
            # Watch the log only: the worker owns the (shared) test connection meanwhile.
            # Compiling the rules takes seconds on a loaded machine: a wide bound, not a timing.
            for _ in range(2400):
                if "Bienvenue" in caplog.text or worker.done():
                    break
                await asyncio.sleep(0.05)
            stop.set()  # a graceful stop: the message being delivered is recorded first
            await asyncio.wait_for(worker, timeout=60)
    finally:
        logger.propagate = False
    compiled = [r.getMessage() for r in caplog.records if "rules compiled" in r.getMessage()]
    # Once per start (a handler another test left on the app's logger may show it twice).
    assert len(set(compiled)) == 1
    assert all(rule_file.name in compiled[0] for rule_file in COMMON_RULE_FILES)
    messages = [r.getMessage() for r in caplog.records]
    assert messages.index(compiled[0]) < next(
        i for i, message in enumerate(messages) if "Bienvenue" in message
    )
    row = await session.scalar(select(OutboxMessage).execution_options(populate_existing=True))
    assert row is not None
    assert row.status == OutboxStatus.SENT
