"""Bulk e-invoicing activation of 1,000 clients on PostgreSQL, over HTTP against `comptoir run`
(its embedded worker on, the embedded directory): how long the request takes (the
registrations continue in the worker), then how long the worker takes to register them all.

.venv/bin/python -m bench.einvoicing_bulk [--clients 1000]

The SIRENE table holds every client's company, so the closure check reads real rows. A small
bulk first warms the process up. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

import httpx
from sqlalchemy import insert, select

from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings
from api.einvoicing.certification import CURRENT_CERTIFICATION
from api.models.client import Client
from api.models.sirene import SireneUnit
from bench.clients_seed import seed_firm
from bench.harness import create_database, postgres_server, serve_comptoir

WARM_UP = 20


async def seed(database: str, clients: int) -> tuple[str, list[uuid.UUID]]:
    settings = Settings(database_url=database, log_level="WARNING")
    seeded = await seed_firm(settings, clients + WARM_UP)
    engine = create_engine(settings)
    async with create_sessionmaker(engine)() as session:
        rows = (await session.execute(select(Client.id, Client.siren).order_by(Client.id))).all()
        units = [
            {
                "siren": siren,
                "diffusible": True,
                "is_active": True,
                "legal_name": f"ENTREPRISE {siren}",
                "nature_juridique": "5710",
                "head_office_siret": siren + "00012",
            }
            for _, siren in rows
        ]
        await session.execute(insert(SireneUnit), units)
        await session.commit()
    await engine.dispose()
    return seeded.access_token, [client_id for client_id, _ in rows]


def body(client_ids: list[uuid.UUID]) -> dict[str, object]:
    return {
        "client_ids": [str(client_id) for client_id in client_ids],
        "certified": True,
        "certification_version": CURRENT_CERTIFICATION.version,
        "certification_text": CURRENT_CERTIFICATION.text,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    args = parser.parse_args()
    with postgres_server() as server:
        database = create_database(server, "comptoir_bench_einvoicing")
        token, ids = asyncio.run(seed(database, args.clients))
        auth = {"Authorization": f"Bearer {token}"}
        env = {"COMPTOIR_OUTBOX_POLL_SECONDS": "0.5", "COMPTOIR_OUTBOX_BATCH_SIZE": "100"}
        with serve_comptoir(database, env) as url, httpx.Client(base_url=url, timeout=60) as http:
            path = "/api/v1/einvoicing/bulk-activations"
            warm = http.post(path, json=body(ids[:WARM_UP]), headers=auth)
            assert warm.status_code == 202, warm.text
            selected = ids[WARM_UP : WARM_UP + args.clients]

            started = time.perf_counter()
            response = http.post(path, json=body(selected), headers=auth)
            elapsed = time.perf_counter() - started
            assert response.status_code == 202, response.text
            job = response.json()["job"]
            activated = sum(1 for result in response.json()["results"] if result["ok"])

            started = time.perf_counter()
            while True:
                progress = http.get(f"{path}/{job['id']}", headers=auth).json()
                if progress["done"] or time.perf_counter() - started > 600:
                    break
                time.sleep(0.5)
            worker = time.perf_counter() - started
    verdict = "OK" if elapsed < 2 else "TOO SLOW"
    print(f"\nBulk e-invoicing activation, {len(selected)} clients, PostgreSQL, over HTTP")
    print(f"{'request (202, one result each)':<36} {elapsed:7.2f} s   < 2 s: {verdict}")
    print(f"{'clients activated by the request':<36} {activated:7d}")
    print(
        f"{'worker: all registered afterwards':<36} {worker:7.2f} s   "
        f"{progress['progress']['registered'] / worker:6.0f} /s   {progress['progress']}"
    )


if __name__ == "__main__":
    main()
