"""A database that cannot serve answers 503 with `Retry-After` and one log line, never a 500
with a traceback: PostgreSQL stopped under a running app, SQLite's write lock held past its
busy timeout. On the embedded SQLite default, concurrent writers and readers get no 500, and
a read-only page does not wait for the writer."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
import subprocess
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.core.db import create_engine
from api.core.settings import PROJECT_ROOT, Settings
from api.core.state import state_of
from api.migrate import upgrade_to_head
from tests.helpers import Browser, create_firm, logged_in_owner
from tests.live import free_port

pytestmark = pytest.mark.slow


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app as `comptoir run` serves it: its own engine and worker (the lifespan runs)."""
    engine = create_engine(settings)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to_head)
    await engine.dispose()
    app = create_app(settings)
    # The app's loggers do not propagate (`configure_logging`): let the test read them too.
    captured = logging.getLogger().handlers
    comptoir_logger = logging.getLogger("comptoir")
    comptoir_logger.handlers.extend(h for h in captured if h not in comptoir_logger.handlers)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            yield app, client


def _settings(tmp_path: Path, database_url: str, **extra: Any) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path / "data",
        public_url="https://testserver",
        spa_dist=tmp_path / "no-spa",
        log_level="WARNING",
        **extra,
    )


def _outage_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "comptoir.errors"]


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "database-unavailable"
    assert int(response.headers["retry-after"]) >= 1


# --- PostgreSQL stopped mid-test ------------------------------------------------------------


@pytest.fixture
def throwaway_postgres() -> Iterator[tuple[str, Path]]:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        pytest.skip("PostgreSQL is not installed")
    # Not under pytest's folder (private to root): the server runs as the postgres user.
    parent = Path(tempfile.mkdtemp(prefix="comptoir-outage-"))
    parent.chmod(0o711)
    folder = parent / "pg"
    script = str(PROJECT_ROOT / "scripts" / "postgres")
    url = subprocess.run(
        [script, "start", str(folder), str(free_port())],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.strip()
    try:
        yield url, folder
    finally:
        subprocess.run([script, "stop", str(folder)], check=False, timeout=60)
        shutil.rmtree(parent, ignore_errors=True)


def _postgres(action: str, folder: Path, url: str = "") -> None:
    port = url.rsplit(":", 1)[1].split("/")[0] if url else ""
    script = str(PROJECT_ROOT / "scripts" / "postgres")
    subprocess.run([script, action, str(folder), port], capture_output=True, check=True, timeout=60)


async def test_postgresql_stopped_under_a_running_app_is_a_503_then_recovers(
    throwaway_postgres: tuple[str, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url, folder = throwaway_postgres
    settings = _settings(tmp_path, url, outbox_worker="off")
    async with running_app(settings) as (_app, client):
        assert (await Browser().show_qr(client)).status_code == 201

        _postgres("stop", folder)
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            answers = [await Browser().show_qr(client) for _ in range(3)]
            ready = await client.get("/api/v1/ready")
        for answer in answers:
            _assert_unavailable(answer)
        _assert_unavailable(ready)
        lines = _outage_lines(caplog)
        # One line per failed request, no traceback, nothing at ERROR level anywhere.
        assert len(lines) == 3
        assert all(line.exc_info is None and "\n" not in line.getMessage() for line in lines)
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []

        _postgres("start", folder, url)
        for _ in range(20):  # the pool drops its dead connections on the first tries
            answer = await Browser().show_qr(client)
            if answer.status_code == 201:
                break
            _assert_unavailable(answer)
        assert answer.status_code == 201


# --- SQLite -----------------------------------------------------------------------------------


async def test_sqlite_write_lock_held_past_the_busy_timeout_is_a_503_and_reads_go_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path, "", database_busy_timeout_seconds=0.3, outbox_worker="off")
    async with running_app(settings) as (app, client):
        async with state_of(app).db.writer_sessions() as session:
            firm = await create_firm(session, settings)
        owner = await logged_in_owner(client, firm)

        holder = sqlite3.connect(settings.data_dir / "comptoir.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process writing for a long time
        try:
            with caplog.at_level(logging.WARNING):
                write = await Browser().show_qr(client)
                # A read-only page reads its snapshot: it does not wait for the writer.
                read = await client.get("/api/v1/clients", headers=owner)
        finally:
            holder.rollback()
            holder.close()
        _assert_unavailable(write)
        assert write.headers["retry-after"] == "1"
        assert read.status_code == 200, read.text
        assert len(_outage_lines(caplog)) == 1
        assert (await Browser().show_qr(client)).status_code == 201


async def test_eight_writers_and_four_readers_on_sqlite_get_no_500(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The embedded default under a small office's load: every answer is a success or, if
    the database stays busy past its timeout, a 503 with Retry-After; never a 500."""
    settings = _settings(tmp_path, "")
    async with running_app(settings) as (app, client):
        async with state_of(app).db.writer_sessions() as session:
            firm = await create_firm(session, settings)
        owner = await logged_in_owner(client, firm)
        statuses: Counter[int] = Counter()
        writes: Counter[int] = Counter()

        async def writer(number: int) -> None:
            for round_ in range(40):
                answer = await client.post(
                    "/api/v1/members/invitations",
                    headers=owner,
                    json={
                        "first_name": "Nina",
                        "last_name": f"Roux {number}-{round_}",
                        "email": f"nina.{number}.{round_}@cabinet-martin.fr",
                        "roles": ["accountant"],
                    },
                )
                statuses[answer.status_code] += 1
                writes[answer.status_code] += 1
                if answer.status_code == 503:
                    assert answer.headers["retry-after"]

        async def reader() -> None:
            for _ in range(60):
                for path in ("/api/v1/clients", "/api/v1/members"):
                    answer = await client.get(path, headers=owner)
                    statuses[answer.status_code] += 1

        with caplog.at_level(logging.ERROR):
            await asyncio.gather(*(writer(n) for n in range(8)), *(reader() for _ in range(4)))
        assert statuses[500] == 0
        assert set(statuses) <= {200, 201, 503}, statuses
        assert writes[201] + writes[503] == 8 * 40
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_reads_by_an_api_key_get_no_503_while_others_write_on_sqlite(
    tmp_path: Path,
) -> None:
    """An API key's read counts its call (a write) before answering. Inside the read's
    deferred SQLite snapshot that write cannot take the lock once another writer committed,
    so it goes to a short writer transaction of its own (`api.core.db.writable`): a read is
    never refused because someone else wrote."""
    settings = _settings(tmp_path, "")
    async with running_app(settings) as (app, client):
        async with state_of(app).db.writer_sessions() as session:
            firm = await create_firm(session, settings)
        owner = await logged_in_owner(client, firm)
        created = await client.post(
            "/api/v1/api-keys",
            headers=owner,
            json={"name": "Logiciel comptable", "scopes": ["clients:read", "members:read"]},
        )
        assert created.status_code == 201, created.text
        as_key = {"Authorization": f"Bearer {created.json()['secret']}"}
        reads: Counter[int] = Counter()

        async def writer(number: int) -> None:
            for round_ in range(20):
                await client.post(
                    "/api/v1/members/invitations",
                    headers=owner,
                    json={
                        "first_name": "Nina",
                        "last_name": f"Roux {number}-{round_}",
                        "email": f"nina.{number}.{round_}@cabinet-martin.fr",
                        "roles": ["accountant"],
                    },
                )

        async def reader() -> None:
            for _ in range(30):
                for path in ("/api/v1/clients", "/api/v1/members"):
                    reads[(await client.get(path, headers=as_key)).status_code] += 1

        await asyncio.gather(*(writer(n) for n in range(4)), *(reader() for _ in range(4)))
        assert reads == Counter({200: 4 * 30 * 2})
