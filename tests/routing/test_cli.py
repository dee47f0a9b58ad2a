"""`comptoir peers check`: each configured platform asked for a token with our credentials."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from api.adapters.transport import HttpTransport
from api.core.settings import PeerPlatform, Settings
from api.routing.cli import check_peers
from tests.live import comptoir_on_files
from tests.routing.conftest import INBOUND


def _peer(name: str, secret: str) -> PeerPlatform:
    return PeerPlatform(
        id=name,
        base_url="https://testserver",
        client_id=INBOUND[0],
        client_secret=SecretStr(secret),
        inbound_client_id=f"{name}-entrant",
        inbound_client_secret=SecretStr("entrant-0123456789"),
    )


async def test_each_peer_is_told_apart_by_whether_it_accepts_our_credentials(
    app: FastAPI, settings: Settings
) -> None:
    # The test app plays both platforms; it issued INBOUND to its peer.
    configured = settings.model_copy(
        update={"peer_platforms": [_peer("PA-BONNE", INBOUND[1]), _peer("PA-MAUVAISE", "faux")]}
    )
    transport = HttpTransport(configured, wire=httpx.ASGITransport(app=app))
    lines = await check_peers(configured, transport)
    await transport.aclose()
    assert [ok for ok, _ in lines] == [True, False]
    assert lines[0][1].startswith("PA-BONNE")
    assert "401" in lines[1][1]
    assert all(INBOUND[1] not in line and "faux" not in line for _, line in lines)


def test_the_command_says_when_no_peer_is_configured(tmp_path: Path) -> None:
    done = comptoir_on_files(tmp_path, "peers", "check")
    assert done.returncode == 0, done.stderr
    assert "Aucune plateforme partenaire configurée" in done.stdout
