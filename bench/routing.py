"""Routing throughput on one platform against the validation throughput, same run, same data.

.venv/bin/python -m bench.routing [--invoices 60] [--database-url URL]

One seller and one buyer, client companies of two firms, both registered in the embedded
directory of this platform. `--invoices` distinct invoices (the UC1 CII, one number each) are
stored as deposited flows, then, one flow at a time and in the worker's own code:
  1. validation: `FlowPipeline.process` with the worker's steps (the engine in a thread: XSD,
     EN 16931, BR-FR; acknowledgement, 200 Déposée and its message, the document, the
     routing job queued) — the throughput routing must keep up with;
  2. routing: `InvoiceRouting.handle` for each routing job: the directory looked up, the buyer's
     copy stored and filed as its document, 202 Reçue and 203 Mise à disposition recorded with
     their messages, the webhooks announced.
The rule files are compiled before timing. Prints flows/s and ms per flow for both, and the
ratio routing / validation (target ≥ 0.7). SQLite in a temporary folder by default. Figures
are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import create_blob_storage
from api.adapters.directory import build_directory
from api.adapters.transport import HttpTransport
from api.core.db import create_engine, create_sessionmaker
from api.core.settings import PROJECT_ROOT, Settings
from api.flows.pipeline import FlowPipeline
from api.migrate import upgrade_to_head
from api.models.client import Client, ClientStatus, PaStatus
from api.models.directory_line import DirectoryLineRecord
from api.models.flow import AckStatus, Flow, FlowDirection
from api.models.invoice_route import InvoiceRoute, RouteKind
from api.models.workspace import Workspace, WorkspaceKind
from api.routing.service import InvoiceRouting
from api.validation import shared_engine
from api.worker import flow_steps

INVOICE = PROJECT_ROOT.parent / "shared" / "data" / "afnor" / "examples" / "UC1"
UC1 = INVOICE / "UC1_F202500003_00-INV_20250701_CII.xml"
SELLER, BUYER = "610869075", "414617811"


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    yield content


async def _seed(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, count: int
) -> list[uuid.UUID]:
    """Two firms with one registered client each, their directory lines, and `count`
    deposited (pending) invoice flows of the seller."""
    storage = create_blob_storage(settings)
    template = UC1.read_bytes().replace(b"100000009", SELLER.encode())
    template = template.replace(b"200000008", BUYER.encode())
    flow_ids = []
    async with sessionmaker() as session:
        clients = {}
        for siren in (SELLER, BUYER):
            firm = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.FIRM, name=f"Cabinet {siren}")
            session.add(firm)
            await session.flush()
            client = Client(
                id=uuid.uuid4(),
                firm_id=firm.id,
                siren=siren,
                legal_name=f"Entreprise {siren}",
                search_name=f" entreprise {siren}",
                sort_name=f"entreprise {siren}",
                status=ClientStatus.ACTIVE,
                pa_status=PaStatus.REGISTERED,
            )
            session.add(client)
            session.add(
                DirectoryLineRecord(
                    addressing_identifier=siren,
                    siren=siren,
                    platform_id=settings.directory_platform_id,
                    date_from=date(2020, 1, 1),
                )
            )
            clients[siren] = client
        await session.flush()
        seller = clients[SELLER]
        for index in range(count):
            content = template.replace(b"F202500003", f"F2025B{index:05d}".encode())
            blob = await storage.put(_chunks(content), max_size=len(content) + 1)
            flow = Flow(
                id=uuid.uuid4(),
                firm_id=seller.firm_id,
                client_id=seller.id,
                direction=FlowDirection.OUT,
                syntax="CII",
                name=f"F2025B{index:05d}.xml",
                sha256=blob.sha256,
                size=blob.size,
                media_type="application/xml",
                blob_key=blob.key,
                ack_status=AckStatus.PENDING,
            )
            session.add(flow)
            flow_ids.append(flow.id)
        await session.commit()
    return flow_ids


def _figures(label: str, durations: list[float]) -> float:
    total = sum(durations)
    rate = len(durations) / total if total else 0.0
    print(
        f"{label:<11} {len(durations):>5} flows  {rate:8.1f} flows/s  "
        f"median {statistics.median(durations) * 1000:7.1f} ms  "
        f"p90 {statistics.quantiles(durations, n=10)[-1] * 1000:7.1f} ms"
    )
    return rate


async def main(count: int, database_url: str | None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-routing-"))
    settings = Settings(
        environment="test",
        database_url=database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}",
        data_dir=folder,
        log_level="WARNING",
    )
    engine = create_engine(settings)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to_head)
    sessionmaker = create_sessionmaker(engine)
    flow_ids = await _seed(sessionmaker, settings, count)
    storage = create_blob_storage(settings)
    validation_engine = shared_engine()
    await asyncio.to_thread(validation_engine.warm_up)
    pipeline = FlowPipeline(sessionmaker, storage, settings, validation_engine, steps=flow_steps())
    routing = InvoiceRouting(
        sessionmaker,
        storage,
        settings,
        build_directory(settings, sessionmaker),
        HttpTransport(settings),
    )
    # One flow through both, untimed: the first CDAR rules and connections are warm.
    await pipeline.process(flow_ids[0])
    await routing.handle(flow_ids[0])

    validated: list[float] = []
    for flow_id in flow_ids[1:]:
        started = time.perf_counter()
        flow = await pipeline.process(flow_id)
        validated.append(time.perf_counter() - started)
        if flow is None or flow.ack_status != AckStatus.OK:
            raise SystemExit(f"a bench invoice was not valid: {flow and flow.ack_details}")
    routed: list[float] = []
    for flow_id in flow_ids[1:]:
        started = time.perf_counter()
        await routing.handle(flow_id)
        routed.append(time.perf_counter() - started)
    async with sessionmaker() as session:
        delivered = await session.scalar(
            select(func.count())
            .select_from(InvoiceRoute)
            .where(InvoiceRoute.kind == RouteKind.LOCAL, InvoiceRoute.delivered_at.is_not(None))
        )
    await engine.dispose()
    await routing.transport.aclose()

    print(f"database: {settings.database_url.split('://')[0]}, {count - 1} timed invoices")
    validation_rate = _figures("validation", validated)
    routing_rate = _figures("routing", routed)
    print(f"delivered to the buyer: {delivered}")
    print(f"ratio routing / validation: {routing_rate / validation_rate:.2f} (target >= 0.7)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=60)
    parser.add_argument("--database-url", default=None)
    arguments = parser.parse_args()
    asyncio.run(main(max(3, arguments.invoices), arguments.database_url))
