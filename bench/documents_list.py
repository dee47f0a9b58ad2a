"""GET /api/v1/documents filtered by client + type + period (a quarter), first page of 50
with the counts per type, for 1,000,000 documents over 2,000 clients on PostgreSQL, against a
raw ASGI + asyncpg handler running the same two queries, in the same run.

.venv/bin/python -m bench.documents_list [--documents 1000000] [--clients 2000]
                                         [--seconds 5] [--connections 32]

The caller is the firm's owner (every client); each request picks one of 500 (client, type,
quarter) combinations, the same sequence for both servers. A second run with 4 connections
shows the latency of one request when the single worker is not saturated. The app's request also
authenticates (JWT + session lookup) and scopes the query. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import time
import uuid
from datetime import date

from api.core.settings import Settings
from bench.clients_seed import seed_firm
from bench.documents_seed import copy_documents
from bench.harness import (
    RequestFactory,
    create_database,
    http_request,
    load,
    postgres_server,
    report,
    serve_baseline,
    serve_comptoir,
)

LIGHT = 4  # connections of the second, unsaturated run

QUARTERS = [
    (date(year, month, 1), date(year + (month == 10), (month + 3) % 12 or 12, 1))
    for year in (2025, 2026)
    for month in (1, 4, 7, 10)
]


def query_strings(clients: list[uuid.UUID], count: int = 500) -> list[str]:
    rng = random.Random(12)
    queries = []
    for _ in range(count):
        start, next_start = rng.choice(QUARTERS)
        end = date.fromordinal(next_start.toordinal() - 1)
        queries.append(
            f"client_id={rng.choice(clients)}&type={rng.choice(['invoice', 'statement'])}"
            f"&date_from={start}&date_to={end}&limit=50"
        )
    return queries


def cycling(url: str, queries: list[str], headers: dict[str, str]) -> RequestFactory:
    requests = itertools.cycle(
        [http_request("GET", f"{url}?{q}", headers=headers) for q in queries]
    )
    return lambda: next(requests)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with postgres_server() as server:
        database = create_database(server, "comptoir_bench_documents")
        seeded = asyncio.run(
            seed_firm(Settings(database_url=database, log_level="WARNING"), args.clients)
        )
        started = time.perf_counter()
        clients = asyncio.run(copy_documents(database, seeded.firm_id, args.documents))
        print(f"COPY of {args.documents} documents: {time.perf_counter() - started:.1f} s")
        queries = query_strings(clients)
        auth = {"Authorization": f"Bearer {seeded.access_token}"}
        with serve_comptoir(database) as app_url:
            url = app_url + "/api/v1/documents"
            probe = __import__("httpx").get(f"{url}?{queries[0]}", headers=auth, timeout=10)
            assert probe.status_code == 200, probe.text
            print(f"sample page: {len(probe.json()['items'])} items, {probe.json()['counts']}")
            app = load(
                "comptoir client+type+quarter",
                url,
                connections=args.connections,
                seconds=args.seconds,
                requests=cycling(url, queries, auth),
            )
            # Firm-wide text search (no client filter): an invoice number, then a supplier.
            searches = [f"q=FA-{rng_index:08d}&limit=50" for rng_index in range(0, 500_000, 997)]
            searches += ["q=leroy%20merlin&limit=50", "q=boulangerie&limit=50"]
            text_search = load(
                f"comptoir firm-wide text search, {LIGHT} connections",
                url,
                connections=LIGHT,
                seconds=args.seconds,
                requests=cycling(url, searches, auth),
            )
            app_light = load(
                f"comptoir, {LIGHT} connections",
                url,
                connections=LIGHT,
                seconds=args.seconds,
                requests=cycling(url, queries, auth),
            )
        with serve_baseline(
            "bench.baseline_documents_list:app",
            database,
            {"BENCH_FIRM_ID": str(seeded.firm_id)},
        ) as raw_url:
            url = raw_url + "/api/v1/documents"
            baseline = load(
                "raw ASGI + asyncpg (same queries)",
                url,
                connections=args.connections,
                seconds=args.seconds,
                requests=cycling(url, queries, {}),
            )
            baseline_light = load(
                f"raw, {LIGHT} connections",
                url,
                connections=LIGHT,
                seconds=args.seconds,
                requests=cycling(url, queries, {}),
            )
    report(
        f"Document list, {args.documents} documents over {len(clients)} clients, client + type "
        f"+ quarter, 1 worker, PostgreSQL, {args.connections} connections",
        app,
        baseline,
    )
    # Saturated, latency is connections / throughput; under a light load it is the request's.
    print(app_light.line())
    print(baseline_light.line())
    print(text_search.line())


if __name__ == "__main__":
    main()
