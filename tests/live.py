"""Real API processes for the tests that need them (several processes on one database, the
generated client against a live server): a committed database, the CLI, a running server."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from api.core.settings import PROJECT_ROOT, process_environment
from tests.conftest import fresh_postgres_database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def committed_database(server_url: str, folder: Path) -> Iterator[str]:
    """A database the processes commit to: a SQLite file in `folder` when the suite runs on
    SQLite (`server_url` empty), else a fresh PostgreSQL database dropped afterwards."""
    if not server_url:
        yield f"sqlite+aiosqlite:///{folder / f'live-{uuid.uuid4().hex[:8]}.db'}"
        return
    yield from fresh_postgres_database(server_url)


def comptoir_on_files(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `comptoir` CLI on the embedded defaults in `data_dir` (a SQLite file there);
    the caller judges its exit code and output."""
    environment = process_environment() | {
        "COMPTOIR_DATA_DIR": str(data_dir),
        "COMPTOIR_DATABASE_URL": "",
        "COMPTOIR_LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def comptoir(env: dict[str, str], *args: str) -> str:
    """Run the `comptoir` CLI; its standard output, or the test fails with its errors."""
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
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
def running_server(env: dict[str, str], port: int) -> Iterator[str]:
    """`comptoir run` on `port` until the block ends; yields its base URL once it is ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "run", "--port", str(port)],
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
