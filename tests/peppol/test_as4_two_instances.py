"""Two Comptoir platforms over Peppol AS4: two real `comptoir run` processes on loopback, each
with its own database, each an access point with its own test certificate (`ap_a` PFR000001,
`ap_b` PFR000002, from the test PKI) and its own SMP publishing its registered clients (signed
with `smp_a` / `smp_b`); each looks participants up in the other's SMP. Neither is configured
as the other's peer platform: the directory names the other platform, so routing goes over
Peppol (lookup, then AS4), invoices and status messages alike.

The use cases are the ones the HTTP exchange runs (tests/routing/test_two_platforms.py), the
same bodies on these two platforms: UC1 with every status of the example both ways and each
message compared with the example file, UC2 (the buyer's platform rejects a duplicate,
« DOUBLON », and its 213 reaches the seller's), UC5 (a dispute by the buyer's software, then
approved and cashed). Then what is Peppol's own: who sent what (the access points' seat ids
and the SBDH participants), a buyer no SMP publishes (221), and an outage of B (delivered
exactly once when it is back)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from as4.peppol import parse_peppol_receipt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.adapters.transport.peppol import CII_INVOICE, DUPLICATE_DETAIL, build
from api.core.db import create_engine
from api.core.settings import process_environment
from api.models.client import Client
from api.models.directory_line import DirectoryLineRecord
from api.models.peppol_message import PeppolMessage
from tests.conftest import SuiteEnvironment
from tests.helpers import create_firm, logged_in_owner
from tests.live import committed_database, free_port
from tests.peppol.pki import Pki
from tests.peppol.smp_peer import designated_client
from tests.peppol.test_as4 import access_point_of, invoice_parcel
from tests.routing import test_two_platforms as exchange
from tests.routing.conftest import invoice_between
from tests.routing.test_two_platforms import (
    Platform,
    _deposit,
    _history,
    _received,
    _route,
    _routing_attempts,
    _settings,
    _wait,
)
from tests.software import company_space

pytestmark = pytest.mark.slow

Error = Any  # as4's ebMS Error (the library is untyped)

SELLER, BUYER = "610869075", "414617811"
# A company whose line names a third platform no SMP here publishes it for.
ELSEWHERE = "552081317"


async def _seed(platform: Platform, siren: str, lines: list[tuple[str, str]]) -> None:
    """A firm (its owner logged in), its client company designated through this platform (so
    its SMP publishes it) with a software key, and the directory's lines."""
    settings = _settings(platform)
    engine = create_engine(settings)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            created = await create_firm(session, settings, name=f"Cabinet {siren}")
            async with httpx.AsyncClient(base_url=platform.base, timeout=30) as http:
                platform.owner = await logged_in_owner(http, created)
            await designated_client(session, created.firm.id, siren, date_from=date(2020, 1, 1))
            for line_siren, platform_id in lines:
                session.add(
                    DirectoryLineRecord(
                        addressing_identifier=line_siren,
                        siren=line_siren,
                        platform_id=platform_id,
                        date_from=date(2020, 1, 1),
                    )
                )
            client = await session.scalar(select(Client).where(Client.siren == siren))
            assert client is not None
            await session.flush()
            platform.key = await company_space(session, str(client.id), siren)
    finally:
        await engine.dispose()


def _environment(
    platform: Platform, other: Platform, url: str, folder: Path, credentials: Path
) -> dict[str, str]:
    ap, smp = ("ap-a", "smp-a") if platform.name == "PA-A" else ("ap-b", "smp-b")
    return process_environment() | {
        "COMPTOIR_DATABASE_URL": url,
        "COMPTOIR_DATA_DIR": str(folder / platform.name),
        "COMPTOIR_PUBLIC_URL": platform.base,
        "COMPTOIR_LOG_LEVEL": "WARNING",
        "COMPTOIR_DIRECTORY_PLATFORM_ID": platform.name,
        "COMPTOIR_OUTBOX_POLL_SECONDS": "0.2",
        "COMPTOIR_OUTBOX_RETRY_BASE_SECONDS": "0.5",
        "COMPTOIR_OUTBOX_RETRY_MAX_SECONDS": "1",
        "COMPTOIR_OUTBOX_MAX_ATTEMPTS": "500",
        # Our access point.
        "COMPTOIR_PEPPOL_ACCESS_POINT": "true",
        "COMPTOIR_PEPPOL_CERTIFICATE_FILE": str(credentials / f"{ap}.crt"),
        "COMPTOIR_PEPPOL_KEY_FILE": str(credentials / f"{ap}.key"),
        "COMPTOIR_PEPPOL_TRUST_FILE": str(credentials / "trust.pem"),
        # Our SMP, and the lookup in the other's (no SML on loopback). No SMP answer is cached:
        # B's SMP is down while B is.
        "COMPTOIR_PEPPOL_SMP_ENABLED": "true",
        "COMPTOIR_PEPPOL_SMP_CERTIFICATE_FILE": str(credentials / f"{smp}.crt"),
        "COMPTOIR_PEPPOL_SMP_KEY_FILE": str(credentials / f"{smp}.key"),
        "COMPTOIR_PEPPOL_SMP_URL": other.base + "/smp",
        "COMPTOIR_PEPPOL_SMP_TRUST_ANCHORS_FILE": str(credentials / "trust.pem"),
        "COMPTOIR_PEPPOL_SMP_CACHE_SECONDS": "0",
        "COMPTOIR_PEPPOL_SMP_NEGATIVE_CACHE_SECONDS": "0",
    }


@pytest.fixture(scope="module")
def platforms(
    tmp_path_factory: pytest.TempPathFactory, test_environment: SuiteEnvironment, pki: Pki
) -> Iterator[tuple[Platform, Platform]]:
    folder = tmp_path_factory.mktemp("peppol-two-platforms")
    credentials = folder / "pki"
    pki.write(credentials)
    (credentials / "trust.pem").write_bytes(
        pki.root.certificate_pem + pki.ap_ca.certificate_pem + pki.smp_ca.certificate_pem
    )
    databases = [
        committed_database(test_environment.database_url, folder),
        committed_database(test_environment.database_url, folder),
    ]
    urls = [next(database) for database in databases]
    a = Platform("PA-A", free_port(), {}, log=folder / "a.log")
    b = Platform("PA-B", free_port(), {}, log=folder / "b.log")
    a.env = _environment(a, b, urls[0], folder, credentials)
    b.env = _environment(b, a, urls[1], folder, credentials)
    a.launch()
    b.launch()
    try:
        a.wait_ready()
        b.wait_ready()
        lines = [(SELLER, a.name), (BUYER, b.name), (ELSEWHERE, "PA-C")]
        asyncio.run(_seed(a, SELLER, lines))
        asyncio.run(_seed(b, BUYER, lines))
        yield a, b
    finally:
        a.stop()
        b.stop()
        for database in databases:
            with contextlib.suppress(StopIteration):
                next(database)


def _peppol_messages(platform: Platform) -> list[tuple[str, str, str]]:
    async def query(session: Any) -> list[tuple[str, str, str]]:
        rows = await session.execute(
            select(PeppolMessage.sending_party, PeppolMessage.sender, PeppolMessage.recipient)
        )
        return [tuple(row) for row in rows]

    result: list[tuple[str, str, str]] = platform.read(query)
    return result


def test_uc1_over_as4_matches_the_example(platforms: tuple[Platform, Platform]) -> None:
    exchange.test_uc1_between_two_platforms_matches_the_example(platforms)


def test_uc2_over_as4_the_buyers_platform_rejects_a_duplicate(
    platforms: tuple[Platform, Platform],
) -> None:
    exchange.test_uc2_a_duplicate_is_rejected_by_the_buyers_platform(platforms)


def test_uc5_over_as4_dispute_then_approved_and_cashed(
    platforms: tuple[Platform, Platform],
) -> None:
    exchange.test_uc5_dispute_then_approved_and_cashed_between_two_platforms(platforms)


def test_who_sent_what_over_as4(platforms: tuple[Platform, Platform]) -> None:
    a, b = platforms
    flow_id = _deposit(a, invoice_between(SELLER, BUYER, number="F2025-P-101"), "F2025-P-101.xml")
    received = _wait("the invoice on B", lambda: _received(b, "F2025-P-101"))
    assert [(flow.peer_platform_id, flow.client_id is not None) for flow in received] == [
        (a.name, True)
    ]
    assert _wait("203 on A", lambda: _history(a, flow_id)[-1:] == [203]) is True
    assert _history(a, flow_id) == [200, 202, 203]
    assert _history(b, str(received[0].id)) == [202, 203]
    route = _route(a, flow_id)
    assert route is not None
    # Delivered over Peppol: the remote id is the AS4 message id B acknowledged.
    assert route.platform_id == b.name
    assert (route.remote_flow_id or "").startswith(f"{flow_id}@pfr000001.")
    # B received the invoice from A's access point; A received B's status messages from B's.
    assert ("PFR000001", f"0225:{SELLER}", f"0225:{BUYER}") in _peppol_messages(b)
    assert ("PFR000002", f"0225:{BUYER}", f"0225:{SELLER}") in _peppol_messages(a)
    assert received[0].document_id is not None


def test_a_buyer_without_peppol_endpoint_gets_a_routing_error(
    platforms: tuple[Platform, Platform],
) -> None:
    a, _ = platforms
    flow_id = _deposit(
        a, invoice_between(SELLER, ELSEWHERE, number="F2025-P-104"), "F2025-P-104.xml"
    )
    assert _wait("221 on A", lambda: _history(a, flow_id)[-1:] == [221]) is True
    route = _route(a, flow_id)
    assert route is not None
    assert route.platform_id == "PA-C"
    assert "0225:552081317" in (route.detail or "")


def test_b_down_then_up_gets_the_invoice_exactly_once(
    platforms: tuple[Platform, Platform],
) -> None:
    a, b = platforms
    b.stop()
    try:
        flow_id = _deposit(
            a, invoice_between(SELLER, BUYER, number="F2025-P-103"), "F2025-P-103.xml"
        )
        # Two attempts met B's closed port (its SMP first): routed to B, not delivered.
        _wait("two failed attempts", lambda: _routing_attempts(a, flow_id) >= 2)
        route = _route(a, flow_id)
        assert route is not None
        assert (route.platform_id, route.delivered_at) == (b.name, None)
    finally:
        b.start()
    _wait("203 on A", lambda: _history(a, flow_id)[-1:] == [203])
    assert len(_received(b, "F2025-P-103")) == 1
    assert _history(a, flow_id) == [200, 202, 203]


def test_bs_live_endpoint_refuses_a_tampered_message_a_replay_and_a_spoofed_sender(
    platforms: tuple[Platform, Platform], pki: Pki
) -> None:
    _, b = platforms
    sender = access_point_of(pki, pki.ap_a)
    outgoing = build(sender, invoice_parcel("F2025-P-105"), pki.ap_b.certificate_pem, CII_INVOICE)

    def post(body: bytes) -> Error | None:
        response = httpx.post(
            b.base + "/peppol/as4", content=body, headers=outgoing.headers, timeout=30
        )
        assert response.status_code == 200
        signal = parse_peppol_receipt(response.content, pki.ap_b.certificate)  # signed by B
        error: Error | None = signal.error
        return error

    tampered = outgoing.body.replace(b"ConversationId>as4@", b"ConversationId>as5@", 1)
    assert tampered != outgoing.body
    refused = post(tampered)
    assert refused is not None
    assert refused.error_code == "EBMS:0101"
    assert post(outgoing.body) is None  # the receipt
    replayed = post(outgoing.body)
    assert replayed is not None
    assert (replayed.error_code, replayed.error_detail.value) == ("EBMS:0004", DUPLICATE_DETAIL)
    assert len(_wait("F2025-P-105 on B", lambda: _received(b, "F2025-P-105"))) == 1
    # Another access point the Peppol CA trusts (B's own) speaking for A's seller: A's SMP
    # publishes A's access point for that participant, so B refuses it.
    spoofed = build(
        access_point_of(pki, pki.ap_b),
        invoice_parcel("F2025-P-106"),
        pki.ap_b.certificate_pem,
        CII_INVOICE,
    )
    response = httpx.post(
        b.base + "/peppol/as4", content=spoofed.body, headers=spoofed.headers, timeout=30
    )
    error = parse_peppol_receipt(response.content, pki.ap_b.certificate).error
    assert error is not None
    assert (error.error_code, error.error_detail.value) == (
        "EBMS:0101",
        "The signing certificate is not the sender participant's access point",
    )
