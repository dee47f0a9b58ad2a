"""Two API processes on one database: a QR login created on one is approved through the other
(by the device companion CLI) and redeemed on the first. Nothing lives in a process."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from api.core.settings import PROJECT_ROOT, process_environment
from tests.conftest import SuiteEnvironment
from tests.helpers import Browser

PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def shared_database(tmp_path: Path, test_environment: SuiteEnvironment) -> Iterator[str]:
    """A committed database both processes use: a SQLite file, or a fresh PostgreSQL one."""
    if not test_environment.database_url:
        yield f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
        return
    server = make_url(test_environment.database_url)
    name = f"comptoir_two_{uuid.uuid4().hex[:10]}"

    async def admin(statement: str) -> None:
        engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _comptoir(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "api.cli", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


@contextlib.contextmanager
def _server(env: dict[str, str], port: int) -> Iterator[str]:
    process = subprocess.Popen(
        [PYTHON, "-m", "api.cli", "run", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/v1/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, "the API process exited"
            assert time.monotonic() < deadline, "the API process did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_login_spans_two_api_processes(shared_database: str, tmp_path: Path) -> None:
    port_a, port_b = _free_port(), _free_port()
    # Both processes answer for one public URL (a load balancer would front them).
    env = process_environment() | {
        "COMPTOIR_DATABASE_URL": shared_database,
        "COMPTOIR_DATA_DIR": str(tmp_path / "data"),
        "COMPTOIR_PUBLIC_URL": f"http://127.0.0.1:{port_b}",
        "COMPTOIR_LOG_LEVEL": "WARNING",
    }
    _comptoir(env, "migrate")
    output = _comptoir(
        env,
        "firm", "create", "--name", "Cabinet Deux Processus", "--siren", "901234567",
        "--owner-email", "claire@cabinet-martin.fr",
        "--owner-first-name", "Claire", "--owner-last-name", "Martin",
    )  # fmt: skip
    link = re.search(r"(http\S+/enroll#\S+)", output)
    assert link is not None, output
    key_file = tmp_path / "device.json"

    with _server(env, port_a) as server_a, _server(env, port_b):
        _comptoir(env, "device", "enroll", link.group(1), "--key-file", str(key_file))
        assert key_file.stat().st_mode & 0o777 == 0o600

        async def browser_on_a() -> tuple[str, httpx.Response, httpx.Response]:
            async with httpx.AsyncClient(base_url=server_a) as client:
                browser = Browser()
                assert (await browser.show_qr(client)).status_code == 201
                qr_url = browser.challenge["qr_url"]

                # The browser long-polls process A while the phone companion talks to process B
                # only (the QR URL's origin): A must wake up on what B committed.
                async def wait_for_decision() -> httpx.Response:
                    # Wakes up once when the phone scans (still pending), once when it decides.
                    while True:
                        answer = await client.get(
                            f"/api/v1/auth/login-challenges/{browser.challenge_id}",
                            params={"wait": 20},
                            timeout=30,
                        )
                        if answer.json()["status"] != "pending":
                            return answer
                        await asyncio.sleep(answer.json()["interval"])

                waiting = asyncio.create_task(wait_for_decision())
                approval = await asyncio.to_thread(
                    _comptoir, env, "device", "approve", qr_url, "--key-file", str(key_file)
                )
                assert "Connexion approuvée" in approval
                status = await asyncio.wait_for(waiting, timeout=20)
                redeemed = await browser.redeem(client, mode="bearer")
                return qr_url, status, redeemed

        qr_url, status, redeemed = asyncio.run(browser_on_a())
        assert qr_url.startswith(f"http://127.0.0.1:{port_b}/qr/v1/")
        assert status.json()["status"] == "approved"
        assert redeemed.status_code == 200, redeemed.text
        token = redeemed.json()["access_token"]
        me_on_b = httpx.get(
            f"http://127.0.0.1:{port_b}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert me_on_b.json()["workspace"]["name"] == "Cabinet Deux Processus"
