"""The PPF feed's throughput: status copies sent per second through the `http` adapter (the
worker's outbox passes: claim, read the copy, POST it, record the outcome), against a bare
`httpx` POST loop of the same bodies to the same endpoint in the same run (the baseline: what
the network and the endpoint allow, with no database).

.venv/bin/python -m bench.ppf [--copies 2000] [--concurrency 8]
                              [--postgres | --postgres-server postgresql+asyncpg://…/postgres]

The endpoint is `bench/ppf_endpoint.py` under uvicorn (its own process). SQLite (a file, the
default deployment) unless `--postgres` starts a throwaway cluster. Both sides send with the
same concurrency (the outbox's `outbox_concurrency`, httpx's parallel requests). Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
from pydantic import SecretStr
from sqlalchemy import func, select

from api.core.db import create_engine, create_sessionmaker
from api.core.models import utcnow
from api.core.settings import Settings
from api.models.client import Client
from api.models.flow import AckStatus, Flow, FlowDirection, PpfCopyStatus, PpfStatusCopy
from api.outbox import service as outbox
from api.ppf import service as ppf_service
from api.ppf.feed import HttpFeed
from bench.clients_seed import seed_firm
from bench.harness import create_database, postgres_server, project_path, serve_baseline

MESSAGE = project_path("..", "shared", "data", "afnor", "examples", "UC1").joinpath(
    "UC1_F202500003_01-CDV-200_Deposee.xml"
)


async def seed_copies(settings: Settings, count: int) -> None:
    """A firm, a client, and `count` invoices each with its 200 message and queued copy."""
    seeded = await seed_firm(settings, 1)
    engine = create_engine(settings)
    message = MESSAGE.read_bytes()
    try:
        async with create_sessionmaker(engine)() as session:
            client = await session.scalar(select(Client).where(Client.firm_id == seeded.firm_id))
            assert client is not None
            for start in range(0, count, 500):
                for number in range(start, min(count, start + 500)):
                    invoice = _flow(client, number, None)
                    status = _flow(client, number, invoice.id)
                    session.add_all([invoice, status])
                    await session.flush()
                    await ppf_service.queue_copy(
                        session,
                        settings,
                        status_flow_id=status.id,
                        invoice_flow_id=invoice.id,
                        status_code=200,
                        message=message,
                        invoice_facts=None,
                    )
                await session.commit()
    finally:
        await engine.dispose()


def _flow(client: Client, number: int, related: uuid.UUID | None) -> Flow:
    now = utcnow()
    return Flow(
        id=uuid.uuid4(),
        firm_id=client.firm_id,
        client_id=client.id,
        direction=FlowDirection.IN if related else FlowDirection.OUT,
        syntax="CDAR" if related else "CII",
        name=f"bench-{number}{'-CDV-200' if related else ''}.xml",
        sha256=uuid.uuid4().hex * 2,
        size=1,
        media_type="application/xml",
        blob_key=uuid.uuid4().hex,
        submitted_at=now,
        updated_at=now,
        ack_status=AckStatus.OK,
        lifecycle_status=200,
        invoice_number=f"F{number:08d}",
        related_flow_id=related,
    )


async def run_feed(settings: Settings, count: int) -> float:
    """Outbox passes until every copy is sent; returns the seconds taken."""
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    feed = HttpFeed(settings)
    handlers = {ppf_service.COPY_KIND: ppf_service.delivery(feed, sessionmaker)}
    try:
        started = time.perf_counter()
        sent = 0
        while sent < count:
            report = await outbox.deliver_due(sessionmaker, handlers, settings)
            if report.attempted == 0:
                raise RuntimeError(f"nothing left to send after {sent} of {count}")
            sent += report.sent
        elapsed = time.perf_counter() - started
        async with sessionmaker() as session:
            done = await session.scalar(
                select(func.count())
                .select_from(PpfStatusCopy)
                .where(PpfStatusCopy.status == PpfCopyStatus.SENT)
            )
        assert done == count, (done, count)
        return elapsed
    finally:
        await feed.aclose()
        await engine.dispose()


async def run_baseline(url: str, count: int, concurrency: int) -> float:
    """The same bodies POSTed by `concurrency` httpx tasks, with a key each, nothing else."""
    body = MESSAGE.read_bytes()
    keys = iter(range(count))
    async with httpx.AsyncClient(
        headers={"Content-Type": "application/xml", "Authorization": "Bearer bench"}
    ) as client:

        async def sender() -> None:
            for key in keys:
                response = await client.post(
                    url, content=body, headers={"Idempotency-Key": f"baseline-{key}"}
                )
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        return time.perf_counter() - started


@contextlib.contextmanager
def database(postgres: bool, server: str | None) -> Iterator[str]:
    if server:
        yield create_database(server, "bench_ppf")
        return
    if postgres:
        with postgres_server() as started:
            yield create_database(started, "bench_ppf")
        return
    folder = Path(tempfile.mkdtemp(prefix="comptoir-bench-ppf."))
    yield f"sqlite+aiosqlite:///{folder / 'comptoir.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", action="store_true", help="a throwaway cluster")
    parser.add_argument("--postgres-server", help="or a running server's URL (asyncpg)")
    args = parser.parse_args()
    with (
        database(args.postgres, args.postgres_server) as database_url,
        serve_baseline("bench.ppf_endpoint:app", database_url) as base_url,
    ):
        endpoint = base_url + "/v1/statuts"
        settings = Settings(
            database_url=database_url,
            data_dir=Path(tempfile.mkdtemp(prefix="comptoir-bench-data.")),
            ppf_feed="http",
            ppf_url=endpoint,
            ppf_token=SecretStr("bench"),
            outbox_batch_size=200,
            outbox_concurrency=args.concurrency,
            log_level="WARNING",
        )
        seeding = time.perf_counter()
        asyncio.run(seed_copies(settings, args.copies))
        print(f"seeded {args.copies} queued copies in {time.perf_counter() - seeding:.1f} s")
        asyncio.run(run_baseline(endpoint, 200, args.concurrency))  # warm the endpoint up
        baseline = asyncio.run(run_baseline(endpoint, args.copies, args.concurrency))
        app = asyncio.run(run_feed(settings, args.copies))
    kind = "PostgreSQL" if args.postgres or args.postgres_server else "SQLite"
    print(f"PPF feed, {args.copies} copies, concurrency {args.concurrency}, {kind}")
    feed_rate, bare_rate = args.copies / app, args.copies / baseline
    print(f"  http adapter via the outbox : {feed_rate:8.1f} copies/s ({app:.2f} s)")
    print(f"  bare httpx POST loop        : {bare_rate:8.1f} posts/s ({baseline:.2f} s)")
    print(f"  ratio (feed / baseline)     : {feed_rate / bare_rate:8.2f}")


if __name__ == "__main__":
    main()
