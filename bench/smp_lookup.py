"""Peppol SMP lookup: what finding a participant's endpoint costs, cold and cached, against a
bare HTTP GET of the same document in the same run.

    .venv/bin/python -m bench.smp_lookup [--rounds 200]

Our SMP is a real `comptoir run` (SQLite in a temporary folder, SMP on, signed with the test
PKI of tests/peppol/pki.py, one client registered). In this process, round by round and
alternating the three so that the machine's load falls on each:

- baseline: `httpx` GET of the participant's signed ServiceMetadata (keep-alive), nothing else;
- cold: `SmpLookup.find_endpoint` with an empty cache: the same GET, then parsing, the signing
  certificate's path validated to the test root, the XML signature verified;
- cached: `find_endpoint` again, answered from the cache.

Prints p50/p99 per lookup and the ratios to the baseline; then the server's CPU per signed
answer (our SMP signs each one) and this process's CPU per cold verification. Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.core.db import create_engine
from api.core.settings import Settings
from api.einvoicing.certification import CURRENT_CERTIFICATION
from api.models.client import Client, ClientStatus, PaStatus
from api.models.pa_designation import MandateCertification, PaDesignation
from api.models.workspace import Workspace, WorkspaceKind
from api.peppol.identifiers import FrenchParticipant
from api.peppol.smp.catalogue import CII_INVOICE
from api.peppol.smp.lookup import SmpLookup
from api.peppol.smp.trust import TrustAnchors
from bench.harness import serve_comptoir, server_cpu_seconds
from tests.peppol.pki import peppol_pki

SIREN = "414617811"


async def seed(database_url: str) -> None:
    engine = create_engine(Settings(database_url=database_url, environment="test"))
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            firm = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.FIRM, name="Cabinet SMP")
            client = Client(
                id=uuid.uuid4(),
                firm_id=firm.id,
                siren=SIREN,
                legal_name="Acheteur",
                search_name=" acheteur",
                sort_name="acheteur",
                status=ClientStatus.ACTIVE,
                pa_status=PaStatus.REGISTERED,
            )
            certification = MandateCertification(
                id=uuid.uuid4(),
                firm_id=firm.id,
                text_version=CURRENT_CERTIFICATION.version,
                text=CURRENT_CERTIFICATION.text,
                actor_kind="system",
                roles=[],
            )
            session.add(firm)
            await session.flush()
            session.add_all([client, certification])
            await session.flush()
            session.add(
                PaDesignation(
                    firm_id=firm.id,
                    client_id=client.id,
                    certification_id=certification.id,
                    status=PaStatus.REGISTERED,
                    siren=SIREN,
                    date_from=date(2026, 1, 1),
                )
            )
            await session.commit()
    finally:
        await engine.dispose()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * fraction) - 1, 0)]


async def measure(base_url: str, trust: TrustAnchors, rounds: int) -> dict[str, list[float]]:
    participant = FrenchParticipant.parse(f"0225:{SIREN}")
    lookup = SmpLookup(trust=trust, smp_url=base_url + "/smp")
    url = lookup.service_metadata_url(base_url + "/smp", participant, CII_INVOICE)
    timings: dict[str, list[float]] = {"baseline": [], "cold": [], "cached": []}
    cpu_cold: list[float] = []
    async with httpx.AsyncClient() as bare:

        async def baseline() -> None:
            response = await bare.get(url)
            response.raise_for_status()

        async def cold() -> None:
            lookup.forget()
            started = time.process_time()
            assert await lookup.find_endpoint(participant, CII_INVOICE) is not None
            cpu_cold.append((time.process_time() - started) * 1000)

        async def cached() -> None:
            assert await lookup.find_endpoint(participant, CII_INVOICE) is not None

        steps: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("baseline", baseline),
            ("cold", cold),
            ("cached", cached),
        ]
        for _, step in steps:  # warm: connections, first imports
            await step()
        for _ in range(rounds):
            for name, step in steps:
                started = time.perf_counter()
                await step()
                timings[name].append((time.perf_counter() - started) * 1000)
    await lookup.aclose()
    timings["cpu_cold"] = cpu_cold
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    options = parser.parse_args()
    pki = peppol_pki()
    folder = Path(tempfile.mkdtemp(prefix="comptoir-bench-smp."))
    pki.write(folder)
    database_url = f"sqlite+aiosqlite:///{folder / 'smp.db'}"
    environment = {
        "COMPTOIR_PEPPOL_SMP_ENABLED": "true",
        "COMPTOIR_PEPPOL_SMP_CERTIFICATE_FILE": str(folder / "smp-a.crt"),
        "COMPTOIR_PEPPOL_SMP_KEY_FILE": str(folder / "smp-a.key"),
        "COMPTOIR_PEPPOL_CERTIFICATE_FILE": str(folder / "ap-a.crt"),
        "COMPTOIR_OUTBOX_WORKER": "off",
    }
    trust = TrustAnchors.from_pem(pki.trust_anchors_pem)
    print(f"Peppol SMP lookup of one participant, {options.rounds} rounds (the same run)")
    with serve_comptoir(database_url, environment) as base_url:
        asyncio.run(seed(database_url))
        port = urlsplit(base_url).port or 0
        cpu_before = server_cpu_seconds(port)
        timings = asyncio.run(measure(base_url, trust, options.rounds))
        cpu_after = server_cpu_seconds(port)
    base = statistics.median(timings["baseline"])
    for name, label in (
        ("baseline", "bare GET of the signed document"),
        ("cold", "lookup, empty cache (GET + verify)"),
        ("cached", "lookup, cached"),
    ):
        values = timings[name]
        p50 = statistics.median(values)
        print(
            f"  {label:<36} p50 {p50:8.3f} ms   p99 {percentile(values, 0.99):8.3f} ms   "
            f"ratio to bare GET (p50) {p50 / base:7.3f}"
        )
    print(f"  this process's CPU per cold lookup: {statistics.median(timings['cpu_cold']):.2f} ms")
    if cpu_before is not None and cpu_after is not None:
        signed = 2 * (options.rounds + 1)  # the baseline's and the cold lookup's GETs
        print(f"  server CPU per signed answer: {(cpu_after - cpu_before) * 1000 / signed:.2f} ms")


if __name__ == "__main__":
    main()
