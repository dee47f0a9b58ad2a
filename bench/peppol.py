"""Peppol AS4 between two access points, and what our layer costs over the `as4` library.

.venv/bin/python -m bench.peppol [--messages 200] [--concurrency 8] [--rounds 50]

1. Throughput: access point B is a real `comptoir run` (SQLite in a temporary folder, its
   outbox worker off so that only the AS4 intake is measured, not the validation it queues),
   with one buyer registered (no sender check: A has no SMP here); access point A is this
   process's `PeppolTransport` (the worker's code) sending `--messages` distinct UC1
   invoices, `--concurrency` at a time: each is built, signed and encrypted here, POSTed,
   verified, decrypted, deduplicated and deposited by B as an incoming flow, and B's signed
   receipt verified here. Prints messages/s (sent and acknowledged), p50/p99 per message, and
   B's CPU per message.
2. Cost per message, same run, same invoice, one thread, the two alternating: our sending
   (`build`: the parties, the SBDH, sign, encrypt, the MIME body and headers) against
   `as4.peppol.build_peppol_message` + `get_request_data` + `get_http_headers` alone with the
   parties built once; our receiving parse (`api.peppol.service._parse`: our party and trust
   policy, then the library) against `parse_peppol_message` alone with them built once. Prints
   ms per message and the ratio ours / library.

The test PKI of tests/peppol/pki.py signs everything (generated at start, never stored).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from as4.peppol import build_peppol_message, create_peppol_external_party, parse_peppol_message
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.adapters.transport import Parcel
from api.adapters.transport.peppol import (
    BILLING_PROCESS,
    CII_INVOICE,
    DOCID_SCHEME,
    USER_AGENT,
    AccessPoint,
    PeppolTransport,
    build,
    common_name,
)
from api.core.db import create_engine
from api.core.settings import PROJECT_ROOT, Settings
from api.models.client import Client, ClientStatus, PaStatus
from api.models.peppol_message import PeppolMessage
from api.models.workspace import Workspace, WorkspaceKind
from api.peppol.service import _parse
from bench.harness import serve_comptoir, server_cpu_seconds
from tests.peppol.pki import Credential, Pki, peppol_pki

UC1 = PROJECT_ROOT.parent / "shared" / "data" / "afnor" / "examples" / "UC1"
INVOICE = UC1 / "UC1_F202500003_00-INV_20250701_CII.xml"
SELLER, BUYER = "610869075", "414617811"


def invoice(number: int) -> bytes:
    content = INVOICE.read_bytes().replace(b"100000009", SELLER.encode())
    content = content.replace(b"200000008", BUYER.encode())
    return content.replace(b"F202500003", f"F2025-B-{number:05d}".encode())


def parcel(number: int) -> Parcel:
    return Parcel(
        content=invoice(number),
        name=f"F2025-B-{number:05d}.xml",
        syntax="CII",
        organization=BUYER,
        tracking_id=str(uuid.uuid4()),
        sha256="0" * 64,
        sender=SELLER,
        recipient=BUYER,
    )


def access_point(pki: Pki, credential: Credential) -> AccessPoint:
    return AccessPoint(
        party_id=common_name(credential.certificate),
        certificate=credential.certificate,
        private_key=credential.private_key,
        anchors=(pki.root.certificate,),
        intermediates=(pki.ap_ca.certificate,),
    )


@dataclass(frozen=True)
class Endpoint:
    url: str
    certificate_pem: bytes


async def seed_buyer(database_url: str) -> None:
    engine = create_engine(Settings(database_url=database_url, environment="test"))
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            firm = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.FIRM, name="Cabinet de B")
            session.add(firm)
            await session.flush()
            session.add(
                Client(
                    id=uuid.uuid4(),
                    firm_id=firm.id,
                    siren=BUYER,
                    legal_name="Acheteur",
                    search_name=" acheteur",
                    sort_name="acheteur",
                    status=ClientStatus.ACTIVE,
                    pa_status=PaStatus.REGISTERED,
                )
            )
            await session.commit()
    finally:
        await engine.dispose()


async def count_received(database_url: str) -> int:
    engine = create_engine(Settings(database_url=database_url, environment="test"))
    try:
        async with async_sessionmaker(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(PeppolMessage)) or 0)
    finally:
        await engine.dispose()


async def throughput(
    base_url: str, pki: Pki, messages: int, concurrency: int
) -> tuple[float, list[float]]:
    sender = access_point(pki, pki.ap_a)
    endpoint = Endpoint(base_url + "/peppol/as4", pki.ap_b.certificate_pem)

    async def find(participant: str, document_type: str) -> Endpoint:
        return endpoint

    transport = PeppolTransport(Settings(), sender, find)
    parcels = [parcel(number) for number in range(messages)]
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(item: Parcel) -> None:
        async with gate:
            started = time.perf_counter()
            await transport.send(item)
            latencies.append((time.perf_counter() - started) * 1000)

    await transport.send(parcel(messages + 1))  # warm: connection, first imports
    started = time.perf_counter()
    await asyncio.gather(*(one(item) for item in parcels))
    elapsed = time.perf_counter() - started
    await transport.aclose()
    return elapsed, latencies


def interleaved_ms(
    ours: Callable[[], object], library: Callable[[], object], rounds: int
) -> tuple[float, float]:
    """ms per call of each, alternating them round by round (the machine's load falls on both)."""
    ours(), library()  # warm
    spent = [0.0, 0.0]
    for _ in range(rounds):
        for index, action in enumerate((ours, library)):
            started = time.perf_counter()
            action()
            spent[index] += time.perf_counter() - started
    return spent[0] * 1000 / rounds, spent[1] * 1000 / rounds


def costs(pki: Pki, rounds: int) -> None:
    sender, receiver = access_point(pki, pki.ap_a), access_point(pki, pki.ap_b)
    item = parcel(0)
    local = sender.party()
    remote = create_peppol_external_party(common_name(pki.ap_b.certificate), pki.ap_b.certificate)

    def library_build() -> object:
        message = build_peppol_message(
            item.content,
            local_party=local,
            remote_party=remote,
            sender=f"0225:{SELLER}",
            recipient=f"0225:{BUYER}",
            sender_country_id="FR",
            document_type_identifier_scheme=DOCID_SCHEME,
            document_type_identifier_value=CII_INVOICE,
            process_identifier=BILLING_PROCESS,
        )
        body, boundary = message.get_request_data()
        return body, message.get_http_headers(boundary, user_agent=USER_AGENT)

    def our_build() -> object:
        return build(sender, item, pki.ap_b.certificate_pem, CII_INVOICE)

    outgoing = build(sender, item, pki.ap_b.certificate_pem, CII_INVOICE)
    content_type = outgoing.headers["Content-Type"]
    receiving_party, policy = receiver.party(), receiver.policy()

    def library_parse() -> object:
        exchange = parse_peppol_message(
            {"Content-Type": content_type}, outgoing.body, receiving_party, security_policy=policy
        )
        assert exchange.successful
        return exchange

    def our_parse() -> object:
        exchange = _parse(receiver, content_type, outgoing.body)
        assert exchange.successful
        return exchange

    for label, ours, library in (
        ("sending: build, sign, encrypt", our_build, library_build),
        ("receiving: verify, decrypt, SBDH", our_parse, library_parse),
    ):
        ours_ms, library_ms = interleaved_ms(ours, library, rounds)
        print(
            f"  {label:<34} ours {ours_ms:7.2f} ms   library alone {library_ms:7.2f} ms   "
            f"ratio {ours_ms / library_ms:5.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=50)
    options = parser.parse_args()
    pki = peppol_pki()
    folder = Path(tempfile.mkdtemp(prefix="comptoir-bench-peppol."))
    pki.write(folder)
    (folder / "trust.pem").write_bytes(pki.root.certificate_pem + pki.ap_ca.certificate_pem)
    database_url = f"sqlite+aiosqlite:///{folder / 'b.db'}"
    environment = {
        "COMPTOIR_PEPPOL_ACCESS_POINT": "true",
        "COMPTOIR_PEPPOL_CERTIFICATE_FILE": str(folder / "ap-b.crt"),
        "COMPTOIR_PEPPOL_KEY_FILE": str(folder / "ap-b.key"),
        "COMPTOIR_PEPPOL_TRUST_FILE": str(folder / "trust.pem"),
        "COMPTOIR_OUTBOX_WORKER": "off",
        # A is this process, with no SMP of its own to publish its access point.
        "COMPTOIR_PEPPOL_VERIFY_SENDER": "false",
    }
    print(f"Peppol AS4, {options.messages} UC1 invoices A → B, {options.concurrency} at a time")
    with serve_comptoir(database_url, environment) as base_url:
        asyncio.run(seed_buyer(database_url))
        port = urlsplit(base_url).port or 0
        cpu_before = server_cpu_seconds(port)
        elapsed, latencies = asyncio.run(
            throughput(base_url, pki, options.messages, options.concurrency)
        )
        cpu_after = server_cpu_seconds(port)
        received = asyncio.run(count_received(database_url))
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(
        f"  throughput: {options.messages / elapsed:6.1f} messages/s sent and acknowledged "
        f"(p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms); "
        f"B kept {received} messages"
    )
    if cpu_before is not None and cpu_after is not None:
        cpu_ms = (cpu_after - cpu_before) * 1000 / options.messages
        print(f"  B's CPU per message received: {cpu_ms:.1f} ms")
    print(f"Cost per message, one thread, {options.rounds} rounds (the same run)")
    costs(pki, options.rounds)


if __name__ == "__main__":
    main()
