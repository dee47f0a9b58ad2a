"""The Flow Service under load, side by side with raw baselines in the same run (PostgreSQL):

1. deposit acknowledgement: POST /afnor-flow/v1/flows, a distinct CII invoice each time
   (multipart, bearer token + Organization-Id), against a raw ASGI + asyncpg handler that
   reads, hashes and fsyncs the body and inserts one row. Target: p99 < 100 ms at 32
   connections. The API process runs no worker (COMPTOIR_OUTBOX_WORKER=off): validation is a
   worker's job, off the request path, on its own processes in production.
2. search: POST /afnor-flow/v1/flows/search over `--flows` flows (a fifth of them the searched
   client's), a mix of the annex's criteria, against the same SQL run by the raw baseline.

.venv/bin/python -m bench.flows [--flows 1000000] [--clients 200] [--seconds 5]
                                [--connections 32] [--workers 1[,2…]]

`--workers N` serves the app (`comptoir run --workers N`) and the baseline (uvicorn --workers N)
with N processes each: the ratio compares like with like (`--workers 1,2`: both, one corpus).
The machine's load average is printed with each load: the absolute latencies are only as good
as the cores the run got; the server's CPU per request is the figure to compare.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import httpx

from api.core.settings import Settings
from bench.flows_seed import (
    FIRST_UPDATE,
    SPAN_SECONDS,
    SeededSoftware,
    copy_flows,
    seed_software,
)
from bench.harness import (
    LoadResult,
    RequestFactory,
    create_database,
    http_request,
    load,
    postgres_server,
    project_path,
    report,
    serve_baseline,
    serve_comptoir,
)

INVOICE = project_path("..", "shared", "data", "afnor", "examples", "UC1").joinpath(
    "UC1_F202500003_00-INV_20250701_CII.xml"
)
EXAMPLE_SELLER_SIREN = b"100000009"
BOUNDARY = "comptoirbenchboundary"
APP_ENV = {
    "COMPTOIR_OUTBOX_WORKER": "off",
    # One key sends every request of the run: its per-minute quota is not what is measured.
    "COMPTOIR_RATE_LIMIT_API_KEY_REQUESTS_PER_MINUTE": "100000000",
}


def deposit_requests(url: str, headers: dict[str, str], seller_siren: str) -> RequestFactory:
    """A distinct file each time (an XML comment with a counter): every request is a new flow.
    The example invoice's seller becomes the bench's client: only an invoice's issuer may
    deposit it."""
    invoice = INVOICE.read_bytes().replace(EXAMPLE_SELLER_SIREN, seller_siren.encode())
    parts = urlsplit(url)
    counter = itertools.count()
    run = uuid.uuid4().hex[:8]

    def next_request() -> bytes:
        number = next(counter)
        content = invoice + f"\n<!-- bench {run} {number} -->\n".encode()
        info = json.dumps({"name": f"bench-{number}.xml", "flowSyntax": "CII"})
        body = (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="flowInfo"\r\n'
                f"Content-Type: application/json\r\n\r\n{info}\r\n"
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="bench-{number}.xml"\r\nContent-Type: application/xml\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )
        lines = [
            f"POST {parts.path} HTTP/1.1",
            f"Host: {parts.hostname}:{parts.port}",
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    return next_request


def search_bodies(tracking_ids: list[str], count: int = 400) -> list[bytes]:
    rng = random.Random(23)
    bodies = []
    for index in range(count):
        moment = FIRST_UPDATE + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        stamp = moment.isoformat().replace("+00:00", "Z")
        choices: list[dict[str, object]] = [
            {"updatedAfter": stamp},
            {"trackingId": rng.choice(tracking_ids)},
            {"ackStatus": "Error", "updatedAfter": stamp},
            {"flowDirection": ["In"], "flowType": ["CustomerInvoiceLC"], "updatedAfter": stamp},
            {"processingRule": ["B2B"], "updatedBefore": stamp},
        ]
        where = choices[index % 5]
        bodies.append(json.dumps({"limit": 25, "where": where}).encode())
    return bodies


def cycling(url: str, bodies: list[bytes], headers: dict[str, str]) -> RequestFactory:
    requests = itertools.cycle(
        [http_request("POST", url, body=body, headers=headers) for body in bodies]
    )
    return lambda: next(requests)


def token(base: str, key_id: str, secret: str) -> str:
    response = httpx.post(
        f"{base}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(key_id, secret),
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def free_machine(app: LoadResult, connections: int, workers: int) -> None:
    """What the same load would wait on a machine giving the app `workers` whole cores: a
    closed loop of `connections` clients, each request needing the server's CPU per request,
    queues ≈ connections × CPU per request ÷ cores before any other wait. An estimate from the
    one figure a shared machine does not distort, printed as such, never asserted."""
    cpu = app.cpu_ms_per_request
    if cpu is None:
        return
    cores = min(workers, os.cpu_count() or 1)
    print(
        f"{'free machine (estimate)':<34} ≈ {connections} × {cpu:.2f} ms ÷ {cores} core(s) = "
        f"{connections * cpu / cores:.1f} ms per request in the closed loop, plus queueing"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flows", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--workers",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1],
        help="processes of the app and of the baseline; several runs: --workers 1,2",
    )
    args = parser.parse_args()
    with postgres_server() as server:
        database = create_database(server, "comptoir_bench_flows")
        seeded = asyncio.run(
            seed_software(Settings(database_url=database, log_level="WARNING"), args.clients)
        )
        started = time.perf_counter()
        mine, tracking_ids = asyncio.run(
            copy_flows(database, seeded.firm_id, seeded.client_id, args.flows, share=0.2)
        )
        print(
            f"COPY of {args.flows} flows ({mine} of the searched client): "
            f"{time.perf_counter() - started:.1f} s"
        )
        bodies = search_bodies(tracking_ids)
        for workers in args.workers:
            run_with(workers, database, seeded, bodies, tracking_ids, mine, args)


def run_with(
    workers: int,
    database: str,
    seeded: SeededSoftware,
    bodies: list[bytes],
    tracking_ids: list[str],
    mine: int,
    args: argparse.Namespace,
) -> None:
    """The app and the baseline, each with `workers` processes, on the same corpus."""
    with serve_comptoir(database, APP_ENV, workers=workers) as app_url:
        auth = {
            "Authorization": f"Bearer {token(app_url, seeded.key_id, seeded.secret)}",
            "Organization-Id": seeded.client_siren,
        }
        search_url = app_url + "/afnor-flow/v1/flows/search"
        probe = httpx.post(search_url, content=bodies[0], headers=auth | {
            "Content-Type": "application/json"}, timeout=30)  # fmt: skip
        assert probe.status_code == 200, probe.text
        app_search = load(
            "comptoir search",
            search_url,
            connections=args.connections,
            seconds=args.seconds,
            requests=cycling(search_url, bodies, auth),
        )
        deposit_url = app_url + "/afnor-flow/v1/flows"
        app_deposit = load(
            "comptoir deposit (202 Pending)",
            deposit_url,
            connections=args.connections,
            seconds=args.seconds,
            requests=deposit_requests(deposit_url, auth, seeded.client_siren),
        )
    with serve_baseline(
        "bench.baseline_flows:app",
        database,
        {"BENCH_CLIENT_ID": str(seeded.client_id)},
        workers=workers,
    ) as raw_url:
        search_url = raw_url + "/afnor-flow/v1/flows/search"
        raw_search = load(
            "raw ASGI + asyncpg (same SQL)",
            search_url,
            connections=args.connections,
            seconds=args.seconds,
            requests=cycling(search_url, bodies, {}),
        )
        deposit_url = raw_url + "/afnor-flow/v1/flows"
        raw_deposit = load(
            "raw read + fsync + INSERT",
            deposit_url,
            connections=args.connections,
            seconds=args.seconds,
            requests=deposit_requests(deposit_url, {}, seeded.client_siren),
        )
    print(f"\nmachine: {os.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f}")
    report(
        f"Deposit acknowledgement, {workers} process(es) each, PostgreSQL, "
        f"{args.connections} connections",
        app_deposit,
        raw_deposit,
    )
    free_machine(app_deposit, args.connections, workers)
    report(
        f"Search, {args.flows} flows ({mine} of the client), {workers} process(es) each, "
        f"PostgreSQL, {args.connections} connections",
        app_search,
        raw_search,
    )
    free_machine(app_search, args.connections, workers)


if __name__ == "__main__":
    main()
