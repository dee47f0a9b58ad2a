"""A lifecycle status update's latency: `api.lifecycle.service.record` of a buyer's 205
Approuvée (transition checked, history row, CDAR message built and stored as two flows, the
Flow Service and `invoice.status_changed` announcements) in its own transaction, committed —
against a plain read of the same invoice in its own transaction, in the same run (the baseline:
what one database round trip costs here). Target: p99 < 50 ms.

.venv/bin/python -m bench.lifecycle [--invoices 500]
                                    [--postgres | --postgres-server postgresql+asyncpg://…/postgres]

SQLite (a file, the default deployment) unless `--postgres`. One update at a time, each on its
own invoice (made available to the buyer, 203). Figures are printed, never asserted, with this
process's CPU per update and per read (`time.process_time`: the SQLite thread included, a
PostgreSQL server's work not) and the machine's load: on a shared machine the wall-clock p99
follows the load, the ratio to the read and the CPU much less.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from api.adapters.blob_storage import create_blob_storage
from api.audit.service import Author
from api.core.db import create_engine, create_sessionmaker
from api.core.invoice_statuses import Side, Status
from api.core.models import utcnow
from api.core.settings import Settings
from api.lifecycle import service as lifecycle
from api.models.client import Client
from api.models.flow import AckStatus, Flow, FlowDirection
from bench.clients_seed import seed_firm
from bench.harness import create_database, postgres_server

FACTS = {
    "number": "F0",
    "type_code": "380",
    "issue_date": "2025-07-01",
    "currency": "EUR",
    "total_with_vat": "12000.00",
    "seller_name": "VENDEUR",
    "seller_siren": "100000009",
    "buyer_name": "ACHETEUR",
    "buyer_siren": "200000008",
    "seller_electronic_address": "100000009_STATUTS",
    "buyer_electronic_address": "200000008",
}


def _flow(client: Client, number: int, direction: FlowDirection, related: uuid.UUID | None) -> Flow:
    now = utcnow()
    return Flow(
        id=uuid.uuid4(),
        firm_id=client.firm_id,
        client_id=client.id,
        direction=direction,
        flow_type="CustomerInvoice" if related is None else "SupplierInvoice",
        syntax="CII",
        name=f"F{number}.xml",
        sha256=uuid.uuid4().hex * 2,
        size=1000,
        media_type="application/xml",
        blob_key="bench",
        submitted_at=now,
        updated_at=now,
        ack_status=AckStatus.OK,
        lifecycle_status=203,
        invoice_number=f"F{number}",
        invoice_type_code="380",
        issue_date=date(2025, 7, 1),
        sender_siren="100000009",
        recipient_siren="200000008",
        facts=FACTS | {"number": f"F{number}"},
        related_flow_id=related,
    )


async def seed(settings: Settings, count: int) -> list[uuid.UUID]:
    """Two clients of one firm, `count` invoices from one to the other, made available."""
    seeded = await seed_firm(settings, 2)
    engine = create_engine(settings)
    received = []
    try:
        async with create_sessionmaker(engine)() as session:
            seller, buyer = (
                await session.scalars(
                    select(Client).where(Client.firm_id == seeded.firm_id).limit(2)
                )
            ).all()
            for number in range(count):
                issued = _flow(seller, number, FlowDirection.OUT, None)
                session.add(issued)
                await session.flush()
                copy = _flow(buyer, number, FlowDirection.IN, issued.id)
                session.add(copy)
                received.append(copy.id)
            await session.commit()
    finally:
        await engine.dispose()
    return received


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


@dataclass
class Measured:
    updates: list[float] = field(default_factory=list)  # wall-clock seconds, each
    reads: list[float] = field(default_factory=list)
    update_cpu: float = 0.0  # this process's CPU seconds over all updates (the database's
    read_cpu: float = 0.0  # own process, PostgreSQL's, is not in it)


async def measure(settings: Settings, invoices: list[uuid.UUID]) -> Measured:
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    storage = create_blob_storage(settings)
    buyer = lifecycle.Emitter(
        Side.BUYER, Author(kind="user", user_id=uuid.uuid4()), lifecycle.Channel.API
    )
    measured = Measured()
    try:
        for invoice_id in invoices:
            started, cpu = time.perf_counter(), time.process_time()
            async with sessions() as session:
                flow = await session.scalar(select(Flow).where(Flow.id == invoice_id))
                assert flow is not None
                await session.commit()
            measured.reads.append(time.perf_counter() - started)
            measured.read_cpu += time.process_time() - cpu

            started, cpu = time.perf_counter(), time.process_time()
            async with sessions() as session:
                flow = await session.get(Flow, invoice_id)
                assert flow is not None
                await lifecycle.record(
                    session, flow, Status.APPROUVEE, buyer, storage=storage, settings=settings
                )
                await session.commit()
            measured.updates.append(time.perf_counter() - started)
            measured.update_cpu += time.process_time() - cpu
    finally:
        await engine.dispose()
    return measured


@contextlib.contextmanager
def database(postgres: bool, server: str | None) -> Iterator[str]:
    if server:
        yield create_database(server, "bench_lifecycle")
        return
    if postgres:
        with postgres_server() as started:
            yield create_database(started, "bench_lifecycle")
        return
    folder = Path(tempfile.mkdtemp(prefix="comptoir-bench-lifecycle."))
    yield f"sqlite+aiosqlite:///{folder / 'comptoir.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=500)
    parser.add_argument("--postgres", action="store_true", help="a throwaway cluster")
    parser.add_argument("--postgres-server", help="or a running server's URL (asyncpg)")
    args = parser.parse_args()
    with database(args.postgres, args.postgres_server) as database_url:
        settings = Settings(
            database_url=database_url,
            data_dir=Path(tempfile.mkdtemp(prefix="comptoir-bench-data.")),
            log_level="WARNING",
        )
        invoices = asyncio.run(seed(settings, args.invoices + 20))
        asyncio.run(measure(settings, invoices[:20]))  # warm up (connections, statements)
        measured = asyncio.run(measure(settings, invoices[20:]))
    updates, reads = measured.updates, measured.reads
    kind = "PostgreSQL" if args.postgres or args.postgres_server else "SQLite"
    print(f"Lifecycle status update (205 Approuvée by the buyer), {len(updates)} invoices, {kind}")
    for title, values, cpu in (
        ("record() + commit", updates, measured.update_cpu),
        ("plain read (baseline)", reads, measured.read_cpu),
    ):
        milliseconds = [value * 1000 for value in values]
        print(
            f"  {title:24}: p50 {statistics.median(milliseconds):7.2f} ms"
            f"   p99 {_percentile(milliseconds, 0.99):7.2f} ms"
            f"   mean {statistics.fmean(milliseconds):7.2f} ms"
            f"   CPU {cpu * 1000 / len(values):6.2f} ms each"
        )
    ratio = _percentile(updates, 0.99) / _percentile(reads, 0.99)
    print(f"  p99 ratio (update / read) : {ratio:7.1f}   target: update p99 < 50 ms")
    load = os.getloadavg()[0]
    print(f"  machine load (1 min)      : {load:7.2f}   (CPU: this process only, not the server's)")


if __name__ == "__main__":
    main()
