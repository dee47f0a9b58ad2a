"""Mandates signed online (issue 20) on PostgreSQL, over HTTP against `comptoir run`:

- sending the mandate to 1,000 clients in one request (target < 2 s), with the bulk
  e-invoicing activation of 1,000 other clients as the baseline of the same run;
- sealing one mandate (target < 300 ms), in process, with rendering the same unsigned mandate
  as the baseline;
- the readiness dashboard at 20,000 clients, each assigned to one of 8 collaborators (target
  p99 < 100 ms), with the clients list's first page as the baseline.

.venv/bin/python -m bench.mandates [--clients 20000] [--send 1000]

The worker is off during the measurements (mails and directory calls wait in the outbox).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import insert, select, text

from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings
from api.einvoicing.certification import CURRENT_CERTIFICATION
from api.einvoicing.mandate import blank_mandate, mandate_pdf
from api.mandates.evidence import CURRENT_CONSENT, SignatureEvidence, with_evidence_page
from api.mandates.seal import seal_identity, seal_pdf_sync
from api.models.client import Client, ClientAssignment
from api.models.user import User
from bench.clients_seed import seed_firm
from bench.harness import create_database, load, postgres_server, serve_comptoir

WARM_UP = 20
SEALS = 20
COLLABORATORS = 8


async def seed(database: str, clients: int) -> tuple[str, list[uuid.UUID]]:
    # Seeding 20,000 clients takes minutes: the token must outlive it and the measurements.
    settings = Settings(database_url=database, log_level="WARNING", access_token_ttl_seconds=3600)
    started = time.perf_counter()
    seeded = await seed_firm(settings, clients)
    engine = create_engine(settings)
    async with create_sessionmaker(engine)() as session:
        ids = list((await session.scalars(select(Client.id).order_by(Client.id))).all())
        # The dashboard counts per collaborator: every client is assigned to one of them.
        people = [
            {
                "id": uuid.uuid4(),
                "email": f"comptable{index}.{uuid.uuid4().hex[:6]}@cabinet.fr",
                "first_name": "Comptable",
                "last_name": f"Numéro {index}",
            }
            for index in range(COLLABORATORS)
        ]
        await session.execute(insert(User), people)
        assignments = [
            {
                "id": uuid.uuid4(),
                "firm_id": seeded.firm_id,
                "client_id": client_id,
                "user_id": people[index % COLLABORATORS]["id"],
            }
            for index, client_id in enumerate(ids)
        ]
        for start in range(0, len(assignments), 2000):
            await session.execute(insert(ClientAssignment), assignments[start : start + 2000])
        await session.commit()
        await session.execute(text("ANALYZE"))
        await session.commit()
    await engine.dispose()
    print(f"seeded {clients} clients in {time.perf_counter() - started:.0f} s")
    return seeded.access_token, ids


def timed_post(http: httpx.Client, path: str, body: object, auth: dict[str, str]) -> float:
    started = time.perf_counter()
    response = http.post(path, json=body, headers=auth)
    elapsed = time.perf_counter() - started
    assert response.status_code < 300, response.text
    return elapsed


def certified(ids: list[uuid.UUID]) -> dict[str, object]:
    return {
        "client_ids": [str(client_id) for client_id in ids],
        "certified": True,
        "certification_version": CURRENT_CERTIFICATION.version,
        "certification_text": CURRENT_CERTIFICATION.text,
    }


def sealing() -> tuple[float, float, float]:
    """Median seal and render times (ms), and the p95 of sealing."""
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="comptoir-bench-seal.")))
    identity = seal_identity(settings)
    evidence = SignatureEvidence(
        request_id=str(uuid.uuid4()),
        client_name="ENTREPRISE BENCH",
        client_siren="356000000",
        firm_name="Cabinet Bench",
        signer_name="Élodie Chevalier",
        signer_email="elodie@example.fr",
        signed_at=datetime.now(UTC),
        ip="203.0.113.7",
        user_agent="Mozilla/5.0 (iPhone)",
        document_sha256="ab" * 32,
        method="email_otp",
        consent_version=CURRENT_CONSENT.version,
        consent_text=CURRENT_CONSENT.text,
    )
    renders, seals = [], []
    for _ in range(SEALS + 2):
        started = time.perf_counter()
        document = mandate_pdf(blank_mandate(settings))
        renders.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        seal_pdf_sync(with_evidence_page(document, evidence), identity, reason="Mandat signé")
        seals.append((time.perf_counter() - started) * 1000)
    seals, renders = seals[2:], renders[2:]  # the first runs load fonts and modules
    return statistics.median(seals), statistics.median(renders), sorted(seals)[int(0.95 * SEALS)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--send", type=int, default=1000)
    args = parser.parse_args()
    # The machine is shared: its load is printed with the figures, which depend on it.
    load_before = os.getloadavg()
    seal_ms, render_ms, seal_p95 = sealing()
    with postgres_server() as server:
        database = create_database(server, "comptoir_bench_mandates")
        token, ids = asyncio.run(seed(database, args.clients))
        auth = {"Authorization": f"Bearer {token}"}
        # The seed minted the token for the default public URL: the server must claim the same.
        env = {"COMPTOIR_OUTBOX_WORKER": "off", "COMPTOIR_PUBLIC_URL": Settings().public_url}
        with serve_comptoir(database, env) as url, httpx.Client(base_url=url, timeout=120) as http:
            send = "/api/v1/mandate-requests/sendings"
            activate = "/api/v1/einvoicing/bulk-activations"
            timed_post(http, send, {"client_ids": [str(i) for i in ids[:WARM_UP]]}, auth)
            timed_post(http, activate, certified(ids[WARM_UP : 2 * WARM_UP]), auth)
            start = 2 * WARM_UP
            chosen = ids[start : start + args.send]
            others = ids[start + args.send : start + 2 * args.send]
            sending = timed_post(http, send, {"client_ids": [str(i) for i in chosen]}, auth)
            activation = timed_post(http, activate, certified(others), auth)

            dashboard = load(
                "GET /api/v1/readiness",
                f"{url}/api/v1/readiness",
                connections=4,
                seconds=5,
                headers=auth,
            )
            clients = load(
                "GET /api/v1/clients?limit=50",
                f"{url}/api/v1/clients?limit=50",
                connections=4,
                seconds=5,
                headers=auth,
            )
    cores = os.cpu_count()
    print(f"\nMandates, PostgreSQL, {args.clients} clients, over HTTP (worker off)")
    print(
        f"load average (1 min) {load_before[0]:.1f} at the start, {os.getloadavg()[0]:.1f} "
        f"at the end, on {cores} cores"
    )
    verdict = "OK" if sending < 2 else "TOO SLOW"
    label = f"send {len(chosen)} mandates (one request)"
    print(f"{label:<40} {sending:8.2f} s   < 2 s: {verdict}")
    print(f"{'baseline: activate ' + str(len(others)) + ' clients':<40} {activation:8.2f} s")
    print(f"{'ratio send / activation':<40} {sending / activation:8.2f}")
    verdict = "OK" if seal_ms < 300 else "TOO SLOW"
    label = "seal one mandate (median)"
    print(f"{label:<40} {seal_ms:8.1f} ms  < 300 ms: {verdict}  (p95 {seal_p95:.1f} ms)")
    print(f"{'baseline: render the mandate (median)':<40} {render_ms:8.1f} ms")
    print(f"{'ratio seal / render':<40} {seal_ms / render_ms:8.2f}")
    print(dashboard.line())
    print(clients.line())
    verdict = "OK" if dashboard.percentile(0.99) < 100 else "TOO SLOW"
    print(f"{'dashboard p99 < 100 ms':<40} {verdict}")
    ratio = dashboard.percentile(0.99) / clients.percentile(0.99)
    print(f"{'ratio p99 dashboard / clients list':<40} {ratio:8.2f}")


if __name__ == "__main__":
    main()
