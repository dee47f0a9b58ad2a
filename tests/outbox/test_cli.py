"""`comptoir outbox dead` and `comptoir outbox retry`, run as real commands against a
database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from api.core.db import create_engine, create_sessionmaker
from api.core.models import utcnow
from api.core.settings import Settings
from api.models.outbox_message import OutboxMessage, OutboxStatus
from tests.live import comptoir_on_files

# Runs the `comptoir` CLI in processes of its own.
pytestmark = pytest.mark.slow


async def test_an_operator_lists_dead_messages_and_puts_them_back(tmp_path: Path) -> None:
    assert comptoir_on_files(tmp_path, "migrate").returncode == 0
    nothing = comptoir_on_files(tmp_path, "outbox", "dead")
    assert nothing.stdout.strip() == "Aucun message abandonné."
    engine = create_engine(Settings(data_dir=tmp_path, database_url=""))
    now = utcnow()
    dead, sent = (
        OutboxMessage(
            kind="mail",
            payload={},
            status=status,
            attempts=8,
            next_attempt_at=now,
            last_error=error,
            created_at=now,
        )
        for status, error in [
            (OutboxStatus.DEAD, "SMTPConnectError: smtp.cabinet.fr:587 injoignable"),
            (OutboxStatus.SENT, None),
        ]
    )
    try:
        async with create_sessionmaker(engine)() as session:
            session.add_all([dead, sent])
            await session.commit()

        listed = comptoir_on_files(tmp_path, "outbox", "dead")
        assert listed.returncode == 0, listed.stderr
        assert str(dead.id) in listed.stdout
        assert "smtp.cabinet.fr:587 injoignable" in listed.stdout
        assert str(sent.id) not in listed.stdout

        retried = comptoir_on_files(tmp_path, "outbox", "retry", str(dead.id), str(sent.id))
        # The sent message is named as left alone: the operator sees the command did not
        # do all it was asked.
        assert retried.returncode == 1, retried.stderr
        assert "1 message(s) remis" in retried.stdout
        assert str(sent.id) in retried.stdout

        async with create_sessionmaker(engine)() as session:
            rows = {row.id: row for row in await session.scalars(select(OutboxMessage))}
        assert rows[dead.id].status == OutboxStatus.PENDING
        assert rows[dead.id].attempts == 0
        assert rows[sent.id].status == OutboxStatus.SENT
        again = comptoir_on_files(tmp_path, "outbox", "retry", "--all")
        assert again.stdout.startswith("0 message(s)")
    finally:
        await engine.dispose()
