"""Where a Flow Service request spends its CPU, in process (no HTTP server, no load generator).

The app is called as an ASGI callable, one request after another, and the process's own CPU
time (`time.process_time`, and the event loop thread's alone: the rest is the file's parse and
its write, in worker threads) is read around `--requests` calls of each endpoint: the deposit, the
search, and the service's healthcheck (the floor: routing, middleware, two headers, no
database). `--profile` prints cProfile's top functions for the deposit and the search.

.venv/bin/python -m bench.flows_profile [--server postgresql+asyncpg://…/postgres]
                                        [--flows 20000] [--requests 400] [--profile]

Without `--server` a throwaway cluster is started. Figures are printed, never asserted; the
CPU of the server under real HTTP load is `bench.flows`'s to measure.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import io
import json
import pstats
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from api.app import create_app
from api.core.settings import Settings
from bench.flows import APP_ENV, BOUNDARY, EXAMPLE_SELLER_SIREN, INVOICE, search_bodies
from bench.flows_seed import copy_flows, seed_software
from bench.harness import create_database, postgres_server

ASGIApp = Callable[..., Any]


async def call(
    app: ASGIApp, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, bytes]:
    """One request through the ASGI app, as uvicorn would hand it over."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()]
        + [(b"content-length", str(len(body)).encode()), (b"host", b"127.0.0.1:8000")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def deposit_body(seller_siren: str, number: int) -> bytes:
    invoice = INVOICE.read_bytes().replace(EXAMPLE_SELLER_SIREN, seller_siren.encode())
    content = invoice + f"\n<!-- profile {time.time_ns()} {number} -->\n".encode()
    info = json.dumps({"name": f"profile-{number}.xml", "flowSyntax": "CII"})
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="flowInfo"\r\n'
            f"Content-Type: application/json\r\n\r\n{info}\r\n"
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="profile-{number}.xml"\r\nContent-Type: application/xml\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@contextmanager
def database(server: str | None) -> Iterator[str]:
    if server is not None:
        yield create_database(server, "comptoir_profile_flows")
        return
    with postgres_server() as started:
        yield create_database(started, "comptoir_profile_flows")


async def run(database_url: str, args: argparse.Namespace) -> None:
    settings = Settings(database_url=database_url, log_level="WARNING")
    seeded = await seed_software(settings, 20)
    _, tracking_ids = await copy_flows(
        database_url, seeded.firm_id, seeded.client_id, args.flows, share=0.2
    )
    app = create_app(
        Settings(
            database_url=database_url,
            log_level="WARNING",
            outbox_worker="off",
            rate_limit_api_key_requests_per_minute=int(
                APP_ENV["COMPTOIR_RATE_LIMIT_API_KEY_REQUESTS_PER_MINUTE"]
            ),
        )
    )
    async with app.router.lifespan_context(app):
        basic = base64.b64encode(f"{seeded.key_id}:{seeded.secret}".encode()).decode()
        status, body = await call(
            app,
            "POST",
            "/oauth2/token",
            {
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            b"grant_type=client_credentials",
        )
        assert status == 200, body
        auth = {
            "Authorization": f"Bearer {json.loads(body)['access_token']}",
            "Organization-Id": seeded.client_siren,
        }
        searches = search_bodies(tracking_ids)
        json_headers = auth | {"Content-Type": "application/json"}
        deposit_headers = auth | {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        counter = iter(range(10**9))

        async def health() -> None:
            status, _ = await call(app, "GET", "/afnor-flow/v1/healthcheck", auth)
            assert status == 200

        async def search() -> None:
            body = searches[next(counter) % len(searches)]
            status, answer = await call(
                app, "POST", "/afnor-flow/v1/flows/search", json_headers, body
            )
            assert status == 200, answer

        async def deposit() -> None:
            body = deposit_body(seeded.client_siren, next(counter))
            status, answer = await call(app, "POST", "/afnor-flow/v1/flows", deposit_headers, body)
            assert status == 202, answer

        for name, request in (("healthcheck", health), ("search", search), ("deposit", deposit)):
            for _ in range(50):  # warm-up: caches, pools, code paths
                await request()
            # The least of a few rounds: what else the machine runs only ever adds.
            rounds = []
            for _ in range(args.rounds):
                cpu, loop = time.process_time(), time.thread_time()
                for _ in range(args.requests):
                    await request()
                rounds.append((time.process_time() - cpu, time.thread_time() - loop))
            cpu, loop = min(rounds)
            print(
                f"{name:<12} CPU {cpu * 1000 / args.requests:6.3f} ms/req   "
                f"of which the event loop's thread {loop * 1000 / args.requests:6.3f} ms/req   "
                f"(least of {args.rounds} rounds of {args.requests} requests)"
            )
            if args.profile and name != "healthcheck":
                profiler = cProfile.Profile(time.process_time)
                profiler.enable()
                for _ in range(args.requests):
                    await request()
                profiler.disable()
                for order in ("tottime", "cumulative"):
                    out = io.StringIO()
                    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
                    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", help="asyncpg URL of a running cluster's postgres database")
    parser.add_argument("--flows", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    with database(args.server) as url:
        asyncio.run(run(url, args))


if __name__ == "__main__":
    main()
