"""Two Comptoir platforms, two real `comptoir run` processes on loopback, each with its own data
folder and database, each configured with the other as a peer (COMPTOIR_PEER_PLATFORMS). The
seller is a client company of platform A, the buyer one of platform B; both directories hold
both lines (the national directory, which every platform reads). One pair of processes serves
the whole module.

- An invoice deposited on A is delivered once on B, in the buyer's space; A's invoice shows 202
  then 203 from B's status messages. B down, an invoice deposited on A, B back → delivered
  exactly once.
- UC1, UC2 and UC5 of the standard's examples between the two: the seller's software deposits
  the example invoice on A; the buyer's firm answers on B (in « Factures reçues », or its
  software deposits a CDAR on B), the seller's firm on A; each side's history is the example's
  sequence, and each message Comptoir produced (the platforms' and the people's statuses) is
  compared with the example message field by field (tests/lifecycle/test_use_cases.py's
  helpers) and passes the CDAR schema and rules. Dates are today's, not the examples': they
  are compared by how they relate (MDT-4 built from MDT-87/105/95/91/100 as the examples build
  it, MDT-95 the deposit or the reception, MDT-78 the time of the status).
- A down while B's buyer answers, then back → every status reaches A once, in order.
"""

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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.adapters.blob_storage import create_blob_storage
from api.core.db import create_engine
from api.core.settings import PROJECT_ROOT, Settings, process_environment
from api.lifecycle.catalogue import Status
from api.models.client import Client, ClientStatus, PaStatus
from api.models.directory_line import DirectoryLineRecord
from api.models.flow import AckStatus, Flow, FlowDirection
from api.models.invoice_route import SEND_STATUS_KIND, InvoiceRoute
from api.models.lifecycle import InvoiceStatusEntry
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.routing.service import ROUTE_KIND
from api.validation import (
    InvoiceFacts,
    PartyRole,
    StatusParty,
    StatusReason,
    build_status_message,
)
from tests.conftest import SuiteEnvironment
from tests.helpers import create_firm, logged_in_owner
from tests.lifecycle.conftest import validate_cdar
from tests.lifecycle.test_use_cases import fields
from tests.live import committed_database, free_port
from tests.routing.conftest import invoice_between
from tests.routing.examples import Said, compare, example_invoice, history
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
    owner: dict[str, str] = field(default_factory=dict)  # its firm's owner, logged in
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


async def _seed(platform: Platform, siren: str, lines: list[tuple[str, str]]) -> None:
    """A firm (its owner logged in), its client company registered here (with one user and a
    software key), and the directory's lines."""
    settings = _settings(platform)
    engine = create_engine(settings)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            created = await create_firm(session, settings, name=f"Cabinet {siren}")
            async with httpx.AsyncClient(base_url=platform.base, timeout=30) as http:
                platform.owner = await logged_in_owner(http, created)
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
            platform.key = await company_space(session, str(client.id), siren)
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
        asyncio.run(_seed(a, SELLER, lines))
        asyncio.run(_seed(b, BUYER, lines))
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


def _deposit(platform: Platform, content: bytes, name: str, syntax: str = "CII") -> str:
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
            "flowInfo": (
                None,
                json.dumps({"name": name, "flowSyntax": syntax}),
                "application/json",
            ),
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


def _received(platform: Platform, number: str, syntax: str | None = "CII") -> list[Flow]:
    """The invoice flows `number` came in as (of `syntax`, or any invoice syntax)."""

    async def query(session: Any) -> list[Flow]:
        statement = select(Flow).where(
            Flow.direction == FlowDirection.IN,
            Flow.invoice_number == number,
            Flow.syntax != "CDAR",
        )
        if syntax is not None:
            statement = statement.where(Flow.syntax == syntax)
        return list(await session.scalars(statement))

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


# --- the use cases between the two platforms ---------------------------------------------------


def _said(platform: Platform, flow_id: str) -> list[Said]:
    """The invoice's history on `platform`, each status with the message that carried it."""
    storage = create_blob_storage(_settings(platform))
    found: list[Said] = platform.read(lambda session: history(session, storage, flow_id))
    return found


def _received_id(platform: Platform, number: str) -> str:
    [flow] = _wait(f"{number} on {platform.name}", lambda: _received(platform, number))
    return str(flow.id)


def _act(platform: Platform, invoice_id: str, action: str, **body: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{platform.base}/api/v1/invoices/{invoice_id}/actions",
        json={"action": action, **body},
        headers=platform.owner,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    detail: dict[str, Any] = response.json()
    return detail


def _statuses(platform: Platform, flow_id: str) -> list[int]:
    return [said.status for said in _said(platform, flow_id)]


def _until(platform: Platform, flow_id: str, statuses: list[int]) -> None:
    _wait(
        f"{statuses} on {platform.name}",
        lambda: _statuses(platform, flow_id) == statuses,
        seconds=60,
    )


def _compare(
    said: Said, example_path: str, *, deposited: datetime, received: datetime | None
) -> None:
    """`said`'s message against the example file (tests/routing/examples.py), and through
    the CDAR schema and rules."""
    compare(said, example_path, seller=SELLER, buyer=BUYER, deposited=deposited, received=received)
    report = asyncio.run(validate_cdar(said.message))
    assert report.fatal_findings == (), (example_path, report.fatal_findings)


def _example_invoice(path: str) -> bytes:
    return example_invoice(path, SELLER, BUYER)


def _deposited_at(platform: Platform, flow_id: str) -> datetime:
    async def query(session: Any) -> datetime:
        flow = await session.get(Flow, uuid.UUID(flow_id))
        assert flow is not None
        moment: datetime = flow.submitted_at
        return moment

    found: datetime = platform.read(query)
    return found


def _software_status(
    platform: Platform, status: str, number: str, reasons: tuple[StatusReason, ...]
) -> str:
    """The buyer's software deposits its answer as a CDAR on its platform (the Flow Service
    path of the buyer's actions)."""
    at = datetime.now(UTC)
    seller = StatusParty(role=PartyRole.SELLER, name="VENDEUR", siren=SELLER)
    content = build_status_message(
        status=Status(status),
        invoice=InvoiceFacts(
            number=number,
            type_code="380",
            issue_date=date(2025, 7, 2),
            seller_siren=SELLER,
            seller_name="VENDEUR",
            buyer_siren=BUYER,
            buyer_name="ACHETEUR",
        ),
        platform=StatusParty(role=PartyRole.PLATFORM, name=platform.name),
        recipients=[
            StatusParty(
                role=PartyRole.SELLER,
                name="VENDEUR",
                siren=SELLER,
                electronic_address=f"{SELLER}_STATUTS",
            )
        ],
        issuer=StatusParty(role=PartyRole.BUYER, name="ACHETEUR", siren=BUYER),
        status_at=at,
        received_at=at,
        reasons=reasons,
    )
    del seller
    return _deposit(platform, content, f"{number}-{status}.xml", syntax="CDAR")


def test_uc1_between_two_platforms_matches_the_example(
    platforms: tuple[Platform, Platform],
) -> None:
    a, b = platforms
    case = "UC1/UC1_F202500003_"
    flow_id = _deposit(a, _example_invoice(f"{case}00-INV_20250701_CII.xml"), "F202500003.xml")
    received_id = _received_id(b, "F202500003")
    _until(a, flow_id, [200, 202, 203])
    _act(b, received_id, "take_charge")
    _act(b, received_id, "approve")
    _act(b, received_id, "payment_sent", amount="12000.00", paid_on="2025-07-03")
    _until(a, flow_id, [200, 202, 203, 204, 205, 211])
    _act(a, flow_id, "cashed", amount="12000.00", vat_rate="20")
    _until(b, received_id, [202, 203, 204, 205, 211, 212])

    seller_side, buyer_side = _said(a, flow_id), _said(b, received_id)
    # Each status made once, on the platform of its emitter, and received once by the other.
    assert [(said.status, said.from_peer) for said in seller_side] == [
        (200, False),
        (202, True),
        (203, True),
        (204, True),
        (205, True),
        (211, True),
        (212, False),
    ]
    assert [(said.status, said.from_peer) for said in buyer_side] == [
        (202, False),
        (203, False),
        (204, False),
        (205, False),
        (211, False),
        (212, True),
    ]
    # What travelled is what its platform made: the same bytes on both sides.
    assert [said.message for said in seller_side[1:6]] == [said.message for said in buyer_side[:5]]
    assert seller_side[6].message == buyer_side[5].message
    deposited, reception = _deposited_at(a, flow_id), buyer_side[0].occurred_at
    names = [
        "01-CDV-200_Deposee",
        "02-CDV-202_Recue",
        "03-CDV-203_Mise_a_disposition",
        "04-CDV-204_Prise_en_charge",
        "05-CDV-205_Approuvee",
        "06-CDV-211_Paiement_transmis",
        "07-CDV-212_Encaissee",
    ]
    # The buyer's side's statuses as B recorded them (its times), the others as A did.
    ordered = [seller_side[0], *buyer_side[:5], seller_side[6]]
    for said, name in zip(ordered, names, strict=True):
        _compare(said, f"{case}{name}.xml", deposited=deposited, received=reception)


def test_uc2_a_duplicate_is_rejected_by_the_buyers_platform(
    platforms: tuple[Platform, Platform],
) -> None:
    a, b = platforms
    case = "UC2/UC2_F202500004_"
    invoice = _example_invoice(f"{case}00-INV_20250701_CII.xml")
    # The buyer received this invoice before on another of its addresses, as UBL (another
    # platform's delivery, written in B's database as it would have arrived). The same file
    # would be the same flow for B's Flow Service (a delivery retried), not a duplicate.
    earlier = _example_invoice(f"{case}00-INV_20250701_UBL.xml")
    b.read(lambda session: _earlier_copy(session, b, earlier))
    flow_id = _deposit(a, invoice, "F202500004.xml")
    _until(a, flow_id, [200, 213])
    [deposited_said, rejected] = _said(a, flow_id)
    assert (rejected.reason_code, rejected.from_peer) == ("DOUBLON", True)
    # On B: the second copy is refused, its 213 is the one A received.
    copies = sorted(_received(b, "F202500004", syntax=None), key=lambda flow: flow.submitted_at)
    assert [(flow.syntax, flow.ack_status) for flow in copies] == [
        ("UBL", AckStatus.OK),
        ("CII", AckStatus.ERROR),
    ]
    [b_said] = _said(b, str(copies[1].id))
    assert (b_said.status, b_said.message) == (213, rejected.message)
    deposited = _deposited_at(a, flow_id)
    _compare(deposited_said, f"{case}01-CDV-200_Deposee.xml", deposited=deposited, received=None)
    _compare(
        b_said,
        f"{case}02-CDV-213_Rejetee.xml",
        deposited=deposited,
        received=b_said.occurred_at,
    )


async def _earlier_copy(session: Any, platform: Platform, content: bytes) -> None:
    client = await session.scalar(select(Client).where(Client.siren == BUYER))
    assert client is not None
    blob = await create_blob_storage(_settings(platform)).put(
        _one(content), max_size=len(content) + 1
    )
    now = datetime.now(UTC)
    session.add(
        Flow(
            id=uuid.uuid4(),
            firm_id=client.firm_id,
            client_id=client.id,
            direction=FlowDirection.IN,
            flow_type="SupplierInvoice",
            syntax="UBL",
            profile="CIUS",
            processing_rule="B2B",
            name="F202500004-autre-adresse.xml",
            sha256=blob.sha256,
            size=blob.size,
            media_type="application/xml",
            blob_key=blob.key,
            submitted_at=now,
            updated_at=now,
            ack_status=AckStatus.OK,
            invoice_number="F202500004",
            invoice_type_code="380",
            issue_date=date(2025, 7, 1),
            sender_siren=SELLER,
            recipient_siren=BUYER,
        )
    )
    await session.commit()


async def _one(content: bytes) -> Any:
    yield content


def test_uc5_dispute_then_approved_and_cashed_between_two_platforms(
    platforms: tuple[Platform, Platform],
) -> None:
    a, b = platforms
    case = "UC5/UC5_F202500007_"
    flow_id = _deposit(a, _example_invoice(f"{case}00-INV_20250702_CII.xml"), "F202500007.xml")
    received_id = _received_id(b, "F202500007")
    _until(a, flow_id, [200, 202, 203])
    # The buyer's software disputes the VAT rate and asks for a credit note (CNF), by a CDAR
    # deposited on B: B applies it and passes it on; A applies it with its reason and action.
    _software_status(
        b,
        "207",
        "F202500007",
        (
            StatusReason(
                code="TX_TVA_ERR",
                reason="Taux de TVA erroné",
                action_code="CNF",
                action="Créer un Avoir total",
            ),
        ),
    )
    _until(a, flow_id, [200, 202, 203, 207])
    _act(b, received_id, "approve")
    _until(a, flow_id, [200, 202, 203, 207, 205])
    _act(a, flow_id, "cashed", amount="11000.00", vat_rate="10")
    _until(b, received_id, [202, 203, 207, 205, 212])

    seller_side, buyer_side = _said(a, flow_id), _said(b, received_id)
    dispute = seller_side[3]
    assert (dispute.status, dispute.reason_code, dispute.from_peer) == (207, "TX_TVA_ERR", True)
    assert fields(dispute.message)["reasons"] == [("TX_TVA_ERR", "CNF")]
    deposited, reception = _deposited_at(a, flow_id), buyer_side[0].occurred_at
    ours = [
        (seller_side[0], f"{case}01-CDV-200_Deposee.xml"),
        (buyer_side[0], f"{case}02-CDV-202_Recue.xml"),
        (buyer_side[1], f"{case}03-CDV-203_Mise_a_disposition.xml"),
        (buyer_side[3], "UC5/UC5b_F202500007_05-CDV-205_Approuvee.xml"),
        (seller_side[5], "UC5/UC5b_F202500007_07-CDV-212_Encaissee.xml"),
    ]
    for said, path in ours:
        _compare(said, path, deposited=deposited, received=reception)


def test_statuses_made_while_the_other_platform_is_down_reach_it_once_in_order(
    platforms: tuple[Platform, Platform],
) -> None:
    a, b = platforms
    flow_id = _deposit(a, invoice_between(SELLER, BUYER, number="F2025-A-003"), "F2025-A-003.xml")
    received_id = _received_id(b, "F2025-A-003")
    _until(a, flow_id, [200, 202, 203])
    a.stop()
    try:
        _act(b, received_id, "take_charge")
        _act(b, received_id, "dispute", reason_code="QTE_ERR", reason_text="2 colis sur 3")
        _act(b, received_id, "approve")
        # B keeps them: the first one meets the closed port, the others wait behind it.
        _wait("failed attempts on B", lambda: _send_attempts(b) >= 2)
    finally:
        a.start()
    _until(a, flow_id, [200, 202, 203, 204, 207, 205])
    assert [said.reason_code for said in _said(a, flow_id)][4] == "QTE_ERR"
    _wait("B's messages all sent", lambda: _send_pending(b) == 0)


def _send_attempts(platform: Platform) -> int:
    async def query(session: Any) -> int:
        rows = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == SEND_STATUS_KIND)
            )
        ).all()
        return max((row.attempts for row in rows if row.last_error), default=0)

    found: int = platform.read(query)
    return found


def _send_pending(platform: Platform) -> int:
    async def query(session: Any) -> int:
        rows = (
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.kind == SEND_STATUS_KIND,
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
            )
        ).all()
        return len(rows)

    found: int = platform.read(query)
    return found
