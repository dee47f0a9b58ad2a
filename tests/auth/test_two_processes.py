"""Two API processes on one database: a QR login created on one is approved through the other
(by the device companion CLI) and redeemed on the first. Nothing lives in a process."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.core.settings import process_environment
from tests.conftest import SuiteEnvironment
from tests.helpers import Browser
from tests.live import committed_database, comptoir, free_port, running_server

# Starts Comptoir in processes of its own.
pytestmark = pytest.mark.slow


@pytest.fixture
def shared_database(tmp_path: Path, test_environment: SuiteEnvironment) -> Iterator[str]:
    yield from committed_database(test_environment.database_url, tmp_path)


def test_login_spans_two_api_processes(shared_database: str, tmp_path: Path) -> None:
    port_a, port_b = free_port(), free_port()
    # Both processes answer for one public URL (a load balancer would front them).
    env = process_environment() | {
        "COMPTOIR_DATABASE_URL": shared_database,
        "COMPTOIR_DATA_DIR": str(tmp_path / "data"),
        "COMPTOIR_PUBLIC_URL": f"http://127.0.0.1:{port_b}",
        "COMPTOIR_LOG_LEVEL": "WARNING",
    }
    comptoir(env, "migrate")
    output = comptoir(
        env,
        "firm", "create", "--name", "Cabinet Deux Processus", "--siren", "901234567",
        "--owner-email", "claire@cabinet-martin.fr",
        "--owner-first-name", "Claire", "--owner-last-name", "Martin",
    )  # fmt: skip
    link = re.search(r"(http\S+/enroll#\S+)", output)
    assert link is not None, output
    key_file = tmp_path / "device.json"

    with running_server(env, port_a) as server_a, running_server(env, port_b):
        comptoir(env, "device", "enroll", link.group(1), "--key-file", str(key_file))
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
                    comptoir, env, "device", "approve", qr_url, "--key-file", str(key_file)
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
        bearer = {"Authorization": f"Bearer {token}"}
        me_on_b = httpx.get(f"http://127.0.0.1:{port_b}/api/v1/me", headers=bearer)
        assert me_on_b.json()["workspace"]["name"] == "Cabinet Deux Processus"
        # B now remembers this session's check (on PostgreSQL); a logout committed through A
        # must end it on B at its very next request (NOTIFY), and on A itself.
        assert httpx.get(f"http://127.0.0.1:{port_b}/api/v1/me", headers=bearer).status_code == 200
        logout = httpx.post(f"{server_a}/api/v1/auth/logout", headers=bearer)
        assert logout.status_code == 204, logout.text
        after_on_b = httpx.get(f"http://127.0.0.1:{port_b}/api/v1/me", headers=bearer)
        after_on_a = httpx.get(f"{server_a}/api/v1/me", headers=bearer)
        assert (after_on_b.status_code, after_on_b.json()["code"]) == (401, "session-ended")
        assert (after_on_a.status_code, after_on_a.json()["code"]) == (401, "session-ended")
