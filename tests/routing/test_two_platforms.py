"""Two Comptoir platforms, two real `comptoir run` processes on loopback, each with its own data
folder and database, each configured with the other as a peer (COMPTOIR_PEER_PLATFORMS). The
seller is a client company of platform A, the buyer one of platform B; both directories hold
both lines (the national directory, which every platform reads).

UC1: the seller's software deposits the invoice on A → it is delivered once on B, in the
buyer's space, and A's invoice shows 202 then 203 from B's status messages. Then B goes down,
an invoice is deposited on A, B comes back → delivered exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.core.db import create_engine
from api.core.settings import PROJECT_ROOT, Settings, process_environment
from api.models.client import Client, ClientStatus, PaStatus
from api.models.directory_line import DirectoryLineRecord
from api.models.flow import Flow, FlowDirection
from api.models.invoice_route import InvoiceRoute
from api.models.lifecycle import InvoiceStatusEntry
from api.models.outbox_message import OutboxMessage
from api.routing.service import ROUTE_KIND
from tests.conftest import SuiteEnvironment
from tests.helpers import create_firm
from tests.live import committed_database, free_port
from tests.routing.conftest import invoice_between
from tests.software import Key, company_space

pytestmark = pytest.mark.slow

SELLER, BUYER = "610869075", "414617811"
T = TypeVar("T")


@dataclass
class Platform:
    name: str  # its id in the directory
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    key: Key | None = None  # the software key of its client company
    log: Path = field(default_factory=Path)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "run", "--port", str(self.port)],
            env=self.env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("ab"),
        )

    def wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base + "/api/v1/ready", timeout=1).status_code == 200:
                    return
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the API process did not start"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def read(self, query: Callable[[Any], Any]) -> Any:
        """Run `await query(session)` on this platform's database."""
        return asyncio.run(_on_database(self.env["COMPTOIR_DATABASE_URL"], query))


async def _on_database(url: str, query: Callable[[Any], Any]) -> Any:
    engine = create_engine(Settings(database_url=url, environment="test"))
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            return await query(session)
    finally:
        await engine.dispose()


def _peer(platform: Platform, ours: str, theirs: str) -> dict[str, str]:
    """How the other side sees `platform`: `ours` are the credentials `platform` issued to it,
    `theirs` those it issued to `platform`."""
    return {
        "id": platform.name,
        "base_url": platform.base,
        "client_id": f"{ours}-id",
        "client_secret": f"{ours}-secret-0123456789",
        "inbound_client_id": f"{theirs}-id",
        "inbound_client_secret": f"{theirs}-secret-0123456789",
    }


async def _seed(settings: Settings, siren: str, lines: list[tuple[str, str]]) -> Key:
    """A firm, its client company registered here (with one user and a software key), and the
    directory's lines."""
    engine = create_engine(settings)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            created = await create_firm(session, settings, name=f"Cabinet {siren}")
            client = Client(
                id=uuid.uuid4(),
                firm_id=created.firm.id,
                siren=siren,
                legal_name=f"Entreprise {siren}",
                search_name=f" entreprise {siren}",
                sort_name=f"entreprise {siren}",
                status=ClientStatus.ACTIVE,
                pa_status=PaStatus.REGISTERED,
            )
            session.add(client)
            for line_siren, platform_id in lines:
                session.add(
                    DirectoryLineRecord(
                        addressing_identifier=line_siren,
                        siren=line_siren,
                        platform_id=platform_id,
                        date_from=date(2020, 1, 1),
                    )
                )
            await session.flush()
            return await company_space(session, str(client.id), siren)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def platforms(
    tmp_path_factory: pytest.TempPathFactory, test_environment: SuiteEnvironment
) -> Iterator[tuple[Platform, Platform]]:
    folder = tmp_path_factory.mktemp("two-platforms")
    databases = [
        committed_database(test_environment.database_url, folder),
        committed_database(test_environment.database_url, folder),
    ]
    urls = [next(database) for database in databases]
    a = Platform("PA-A", free_port(), {}, log=folder / "a.log")
    b = Platform("PA-B", free_port(), {}, log=folder / "b.log")
    for platform, url, other in ((a, urls[0], b), (b, urls[1], a)):
        me, them = platform.name.lower(), other.name.lower()
        platform.env = process_environment() | {
            "COMPTOIR_DATABASE_URL": url,
            "COMPTOIR_DATA_DIR": str(folder / platform.name),
            "COMPTOIR_PUBLIC_URL": platform.base,
            "COMPTOIR_LOG_LEVEL": "WARNING",
            "COMPTOIR_DIRECTORY_PLATFORM_ID": platform.name,
            "COMPTOIR_OUTBOX_POLL_SECONDS": "0.2",
            "COMPTOIR_OUTBOX_RETRY_BASE_SECONDS": "0.5",
            "COMPTOIR_OUTBOX_RETRY_MAX_SECONDS": "1",
            "COMPTOIR_OUTBOX_MAX_ATTEMPTS": "500",
            "COMPTOIR_PEER_PLATFORMS": json.dumps(
                [_peer(other, f"{them}-pour-{me}", f"{me}-pour-{them}")]
            ),
        }
    # Both start at once (each migrates its own database), then their data is seeded.
    a.launch()
    b.launch()
    try:
        a.wait_ready()
        b.wait_ready()
        lines = [(SELLER, a.name), (BUYER, b.name)]
        a.key = asyncio.run(_seed(_settings(a), SELLER, lines))
        b.key = asyncio.run(_seed(_settings(b), BUYER, lines))
        yield a, b
    finally:
        a.stop()
        b.stop()
        for database in databases:
            with contextlib.suppress(StopIteration):
                next(database)


def _settings(platform: Platform) -> Settings:
    return Settings(
        database_url=platform.env["COMPTOIR_DATABASE_URL"],
        data_dir=Path(platform.env["COMPTOIR_DATA_DIR"]),
        environment="test",
    )


def _deposit(platform: Platform, content: bytes, name: str) -> str:
    assert platform.key is not None
    token = httpx.post(
        platform.base + "/oauth2/token",
        data={"grant_type": "client_credentials", "scope": "flows:write"},
        auth=(platform.key.client_id, platform.key.secret),
    )
    assert token.status_code == 200, token.text
    response = httpx.post(
        platform.base + "/afnor-flow/v1/flows",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        files={
            "file": (name, content, "application/xml"),
            "flowInfo": (None, json.dumps({"name": name, "flowSyntax": "CII"}), "application/json"),
        },
        timeout=30,
    )
    assert response.status_code == 202, response.text
    flow_id: str = response.json()["flowId"]
    return flow_id


def _wait(what: str, check: Callable[[], T | None], seconds: float = 40) -> T:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.3)


def _history(platform: Platform, flow_id: str) -> list[int]:
    async def query(session: Any) -> list[int]:
        rows = await session.scalars(
            select(InvoiceStatusEntry.status)
            .where(InvoiceStatusEntry.invoice_flow_id == uuid.UUID(flow_id))
            .order_by(InvoiceStatusEntry.occurred_at, InvoiceStatusEntry.id)
        )
        return list(rows)

    result: list[int] = platform.read(query)
    return result


def _received(platform: Platform, number: str) -> list[Flow]:
    async def query(session: Any) -> list[Flow]:
        rows = await session.scalars(
            select(Flow).where(
                Flow.direction == FlowDirection.IN,
                Flow.invoice_number == number,
                Flow.syntax == "CII",
            )
        )
        return list(rows)

    result: list[Flow] = platform.read(query)
    return result


def _route(platform: Platform, flow_id: str) -> InvoiceRoute | None:
    async def query(session: Any) -> InvoiceRoute | None:
        route: InvoiceRoute | None = await session.scalar(
            select(InvoiceRoute).where(InvoiceRoute.flow_id == uuid.UUID(flow_id))
        )
        return route

    result: InvoiceRoute | None = platform.read(query)
    return result


def test_uc1_between_two_platforms(platforms: tuple[Platform, Platform]) -> None:
    a, b = platforms
    flow_id = _deposit(a, invoice_between(SELLER, BUYER, number="F2025-A-001"), "F2025-A-001.xml")
    received = _wait("the invoice on B", lambda: _received(b, "F2025-A-001"))
    assert [(flow.peer_platform_id, flow.direction) for flow in received] == [
        (a.name, FlowDirection.IN)
    ]
    assert _wait("203 on A", lambda: _history(a, flow_id)[-1:] == [203]) is True
    assert _history(a, flow_id) == [200, 202, 203]
    assert _history(b, str(received[0].id)) == [202, 203]
    route = _route(a, flow_id)
    assert route is not None
    assert (route.platform_id, route.remote_flow_id) == (b.name, str(received[0].id))
    assert received[0].document_id is not None


def test_the_other_platform_down_then_up_gets_the_invoice_exactly_once(
    platforms: tuple[Platform, Platform],
) -> None:
    a, b = platforms
    b.stop()
    try:
        flow_id = _deposit(
            a, invoice_between(SELLER, BUYER, number="F2025-A-002"), "F2025-A-002.xml"
        )
        # Two attempts met the closed port: the invoice is routed to B, not delivered.
        _wait("two failed attempts", lambda: _routing_attempts(a, flow_id) >= 2)
        route = _route(a, flow_id)
        assert route is not None
        assert (route.platform_id, route.delivered_at) == (b.name, None)
    finally:
        b.start()
    _wait("the delivery after B came back", lambda: _delivered(a, flow_id))
    _wait("203 on A", lambda: _history(a, flow_id)[-1:] == [203])
    assert len(_received(b, "F2025-A-002")) == 1
    assert _history(a, flow_id) == [200, 202, 203]


def _delivered(platform: Platform, flow_id: str) -> bool:
    route = _route(platform, flow_id)
    return route is not None and route.delivered_at is not None


def _routing_attempts(platform: Platform, flow_id: str) -> int:
    async def query(session: Any) -> int:
        message = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == f"{ROUTE_KIND}:{flow_id}")
        )
        return 0 if message is None or not message.last_error else int(message.attempts)

    result: int = platform.read(query)
    return result
