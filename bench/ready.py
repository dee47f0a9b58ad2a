"""GET /api/v1/ready on PostgreSQL against the raw ASGI + asyncpg baseline.

.venv/bin/python -m bench.ready [--seconds 5] [--connections 32]
"""

from __future__ import annotations

import argparse

from bench.harness import (
    create_database,
    load,
    postgres_server,
    report,
    serve_baseline,
    serve_comptoir,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with postgres_server() as server:
        database = create_database(server, "comptoir_bench_ready")
        with serve_comptoir(database) as app_url:
            app = load(
                "comptoir /api/v1/ready",
                app_url + "/api/v1/ready",
                connections=args.connections,
                seconds=args.seconds,
            )
        with serve_baseline("bench.baseline_ready:app", database) as raw_url:
            baseline = load(
                "raw ASGI + asyncpg (SELECT 1)",
                raw_url + "/api/v1/ready",
                connections=args.connections,
                seconds=args.seconds,
            )
    report("Readiness probe, 1 worker, PostgreSQL", app, baseline)


if __name__ == "__main__":
    main()
