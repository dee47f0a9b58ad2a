"""`comptoir run --workers N` runs the app in N processes, each with its lifespan: one outbox
worker per machine, not one per process. The processes take turns on a lock file in the data
folder; the holder delivers, another takes over when it goes. SQLite serves one process only."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.mail import MailMessage
from api.core.settings import Settings
from api.mail import service as mail
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.worker import elected_worker
from tests.live import comptoir_on_files


async def _statuses(session: AsyncSession) -> dict[str, OutboxStatus]:
    rows = await session.scalars(select(OutboxMessage).execution_options(populate_existing=True))
    return {str(row.payload.get("subject")): row.status for row in rows}


def _logged(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """How many log calls said `text` (a record reaching caplog through two handlers is
    still one call)."""
    records = {id(record): record for record in caplog.records}
    return sum(text in record.getMessage() for record in records.values())


async def _wait_for(caplog: pytest.LogCaptureFixture, text: str, count: int = 1) -> None:
    for _ in range(200):
        if _logged(caplog, text) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never logged {count}× {text!r}:\n{caplog.text}")


async def test_one_process_delivers_and_another_takes_over_when_it_stops(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    several = settings.model_copy(
        update={
            "workers": 2,
            "data_dir": tmp_path,
            "outbox_poll_seconds": 0.05,
            "mail_transport": "log",
        }
    )
    await mail.queue(session, MailMessage("a@example.fr", "Premier", "Bonjour", "<p>1</p>"))
    await session.commit()
    logger = logging.getLogger("comptoir")
    logger.propagate = True  # let caplog see the app's log
    first_stop, second_stop = asyncio.Event(), asyncio.Event()
    try:
        with caplog.at_level(logging.DEBUG, logger="comptoir"):
            first = asyncio.create_task(elected_worker(several, sessionmaker, first_stop))
            await _wait_for(caplog, "outbox worker elected")
            await _wait_for(caplog, "Premier")
            # The second process finds the lock taken: it tries again and again, and waits.
            second = asyncio.create_task(
                elected_worker(several, sessionmaker, second_stop, retry_seconds=0.05)
            )
            await _wait_for(caplog, "outbox worker lock held by another process", count=3)
            assert _logged(caplog, "outbox worker elected") == 1
            # The first process goes: the second takes the lock over.
            first_stop.set()
            await first
            await _wait_for(caplog, "outbox worker elected", count=2)
            second_stop.set()
            await second
    finally:
        logger.propagate = False
        first_stop.set()
        second_stop.set()
    # Watched through the log only meanwhile: a worker owns the (shared) test connection.
    assert await _statuses(session) == {"Premier": OutboxStatus.SENT}
    assert (tmp_path / "outbox-worker.lock").is_file()


def test_sqlite_refuses_several_processes(tmp_path: Path) -> None:
    done = comptoir_on_files(tmp_path, "run", "--workers", "2", "--port", "8931")
    assert done.returncode == 2
    assert "SQLite ne se sert qu'avec un seul processus" in done.stderr
    assert "COMPTOIR_WORKERS=1" in done.stderr
    # Refused before anything: no database was created.
    assert not (tmp_path / "comptoir.db").exists()


@pytest.mark.parametrize("workers", ["0", "-1", "deux"])
def test_workers_must_be_a_positive_number(tmp_path: Path, workers: str) -> None:
    done = comptoir_on_files(tmp_path, "run", "--workers", workers)
    assert done.returncode == 2
    assert "un nombre entier ≥ 1 est attendu" in done.stderr
