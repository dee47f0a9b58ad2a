"""Runs the real OpenID provider of `tests/peers/oidc/` (the npm package `oidc-provider`).

The first run on a fresh clone installs its pinned dependencies with `npm ci`; then
`node server.mjs` serves on a free loopback port until stopped.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PEER_DIR = Path(__file__).resolve().parent / "oidc"
REDIRECT_URI = "http://127.0.0.1/sso/callback"
# The clients registered by server.mjs: (client_id, how it authenticates, id_token algorithm).
CLIENT_BASIC_RS256 = "comptoir"
CLIENT_POST_ES256 = "comptoir-post"
CLIENT_BASIC_HS256 = "comptoir-hs256"


def client_secret(client_id: str) -> str:
    return f"{client_id}-secret-for-tests-only"


def install_dependencies() -> None:
    if (PEER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=PEER_DIR,
        check=True,
        timeout=300,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LocalOidcProvider:
    """One `node server.mjs` process; `restart()` keeps the port and rotates the signing keys."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    # A file, not a pipe: nobody reads the provider's warnings while it runs, and a full pipe
    # would block it.
    log: tempfile._TemporaryFileWrapper[bytes] | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        install_dependencies()
        self.log = tempfile.NamedTemporaryFile(prefix="oidc-provider-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            ["node", "server.mjs", "--port", str(self.port), "--redirect-uri", REDIRECT_URI],
            cwd=PEER_DIR,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = Path(self.log.name).read_text(errors="replace")
                self.stop()
                raise RuntimeError(f"the OpenID provider exited: {output}")
            try:
                response = httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the OpenID provider did not answer within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def restart(self) -> None:
        self.stop()
        self.start()
