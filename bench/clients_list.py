"""GET /api/v1/clients (first page of 50, sorted by name) for a firm of 20,000 clients on
PostgreSQL, against a raw ASGI + asyncpg handler running the same list query, same run.

.venv/bin/python -m bench.clients_list [--clients 20000] [--seconds 5] [--connections 32]

The app's request also authenticates (JWT + one session lookup) and scopes the query to the
caller; the raw handler runs the list query alone. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio

from api.core.settings import Settings
from bench.clients_seed import seed_firm
from bench.harness import (
    PYTHON,
    create_database,
    free_port,
    load,
    postgres_server,
    report,
    serve,
    serve_comptoir,
)

# Label → (the app's path, the raw baseline's path running the same query).
PATHS = {
    "first page, by name": ("/api/v1/clients?limit=50", "/api/v1/clients"),
    "search « garage martin »": (
        "/api/v1/clients?limit=50&q=garage%20martin",
        "/api/v1/clients/search",
    ),
    "filter plan=premium, newest first": (
        "/api/v1/clients?limit=50&plan=premium&sort=-created_at",
        "/api/v1/clients/plan",
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with postgres_server() as server:
        database = create_database(server, "comptoir_bench_clients")
        seeded = asyncio.run(
            seed_firm(Settings(database_url=database, log_level="WARNING"), args.clients)
        )
        auth = {"Authorization": f"Bearer {seeded.access_token}"}
        results = {}
        with serve_comptoir(database) as app_url:
            for label, (path, _raw_path) in PATHS.items():
                results[label] = load(
                    f"comptoir {label}",
                    app_url + path,
                    connections=args.connections,
                    seconds=args.seconds,
                    headers=auth,
                )
        port = free_port()
        raw_args = [
            PYTHON,
            "-m",
            "uvicorn",
            "bench.baseline_clients_list:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        env = {"BENCH_DATABASE_URL": database, "BENCH_FIRM_ID": str(seeded.firm_id)}
        baselines = {}
        with serve(raw_args, port, env) as raw_url:
            for label, (_path, raw_path) in PATHS.items():
                baselines[label] = load(
                    "raw ASGI + asyncpg (same query)",
                    raw_url + raw_path,
                    connections=args.connections,
                    seconds=args.seconds,
                )
    for label in PATHS:
        report(
            f"Client list, {label}: {args.clients} clients, 1 worker, PostgreSQL, "
            f"{args.connections} connections",
            results[label],
            baselines[label],
        )


if __name__ == "__main__":
    main()
