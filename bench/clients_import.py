"""Client import of N rows on PostgreSQL: dry run (checks, parse, registry lookups, report)
then confirmation, through the same service calls the HTTP routes make, with rows/s and the
peak RSS growth of each step.

.venv/bin/python -m bench.clients_import [--rows 10000]

The registry is the local SIRENE table filled with N synthetic companies; the openpyxl
read-only parse is timed alone as the floor. The import runs in a fresh process (spawned
after the seeding) so its peak RSS measures the import alone, not what seeding the registry
left in this process's heap: the growth should not depend on N. Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import resource
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import insert, select

from api.adapters.company_registry import SireneRegistry
from api.adapters.company_registry.base import search_name
from api.auth.repository import session_context
from api.clients import spreadsheet
from api.clients.imports import service
from api.core.actor import Actor
from api.core.authz import Principal, PrincipalKind, permissions_of
from api.core.db import create_engine, create_sessionmaker
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.models.auth_session import AuthSession
from api.models.sirene import SireneEstablishment, SireneUnit
from bench.clients_seed import random_sirens, seed_firm
from bench.harness import create_database, postgres_server


def write_workbook(sirens: list[str], path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Clients")
    sheet.append([column.header for column in spreadsheet.IMPORT_COLUMNS])
    for index, siren in enumerate(sirens):
        sheet.append([siren, f"Société {index}", "Marie", "Durand", f"m{index}@exemple.fr", None])
    book.save(path)


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * resource.getpagesize() / (1024 * 1024)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def seed(settings: Settings, sirens: list[str]) -> uuid.UUID:
    """The firm and its owner, and the registry knowing every SIREN of the file."""
    seeded = await seed_firm(settings, 0)
    engine = create_engine(settings)
    async with create_sessionmaker(engine)() as session:
        for start in range(0, len(sirens), 2000):
            chunk = sirens[start : start + 2000]
            await session.execute(
                insert(SireneUnit),
                [
                    {
                        "siren": siren,
                        "diffusible": True,
                        "is_active": True,
                        "legal_name": f"ENTREPRISE {siren}",
                        "search_name": search_name(f"ENTREPRISE {siren}"),
                        "nature_juridique": "5710",
                        "activite_principale": "62.01Z",
                        "head_office_siret": siren + "00012",
                    }
                    for siren in chunk
                ],
            )
            await session.execute(
                insert(SireneEstablishment),
                [
                    {
                        "siret": siren + "00012",
                        "siren": siren,
                        "diffusible": True,
                        "is_active": True,
                        "is_head_office": True,
                        "address_line": "1 RUE DE LA PAIX",
                        "postal_code": "75002",
                        "city": "PARIS",
                        "activite_principale": "62.01Z",
                    }
                    for siren in chunk
                ],
            )
        await session.commit()
    await engine.dispose()
    return seeded.firm_id


def parse_alone(path: Path, max_rows: int) -> tuple[float, int]:
    started = time.perf_counter()
    with (
        path.open("rb") as upload,
        spreadsheet.open_import_sheet(upload, max_rows=max_rows) as sheet,
    ):
        count = sum(1 for _ in sheet.rows)
    return time.perf_counter() - started, count


def measure(database: str, path: str, firm_id: uuid.UUID) -> dict[str, Any]:
    """Runs in its own process: dry run then confirmation of the file, timed, with the
    peak RSS above the process's RSS just before the dry run."""
    return asyncio.run(_measure(database, Path(path), firm_id))


async def _measure(database: str, path: Path, firm_id: uuid.UUID) -> dict[str, Any]:
    settings = Settings(database_url=database, log_level="WARNING")
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        auth_session_id = await session.scalar(select(AuthSession.id))
        assert auth_session_id is not None
        context = await session_context(session, auth_session_id)
        assert context is not None
    _auth, user, _device, membership = context
    assert membership is not None
    principal = Principal(
        kind=PrincipalKind.USER,
        user_id=user.id,
        workspace_id=firm_id,
        membership_id=membership.id,
        roles=membership.roles,
        permissions=permissions_of(membership.roles),
    )
    registry = SireneRegistry(sessionmaker)
    actor = Actor(principal=principal, origin=RequestOrigin(ip="127.0.0.1", user_agent="bench"))

    baseline = current_rss_mb()
    started = time.perf_counter()
    async with sessionmaker() as session:
        with path.open("rb") as upload:
            analysed = await service.analyse_import(
                session, registry, settings, actor, upload, "bench.xlsx"
            )
        first_page = await service.import_rows(session, analysed)
        await session.commit()
    dry_run = time.perf_counter() - started
    dry_run_peak = peak_rss_mb()

    started = time.perf_counter()
    async with sessionmaker() as session:
        confirmed = await service.confirm_import(session, actor, analysed.id)
        await service.import_rows(session, confirmed.client_import)
        await session.commit()
    confirm = time.perf_counter() - started
    await engine.dispose()
    return {
        "baseline_mb": baseline,
        "dry_run_s": dry_run,
        "dry_run_growth_mb": dry_run_peak - baseline,
        "confirm_s": confirm,
        "confirm_growth_mb": peak_rss_mb() - baseline,
        "created": confirmed.created,
        "first_page": len(first_page.rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    rows: int = args.rows
    sirens = random_sirens(rows, random.Random(10))
    with tempfile.TemporaryDirectory() as folder, postgres_server() as server:
        database = create_database(server, "comptoir_bench_import")
        settings = Settings(database_url=database, log_level="WARNING")
        firm_id = asyncio.run(seed(settings, sirens))
        path = Path(folder) / "clients.xlsx"
        write_workbook(sirens, path)
        file_kib = path.stat().st_size / 1024
        parse_only, parsed = parse_alone(path, settings.client_import_max_rows)
        assert parsed == rows
        # A spawned process inherits nothing of this one's heap (the seeding, the workbook).
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            figures = pool.apply(measure, (database, str(path), firm_id))
    dry_run, confirm = figures["dry_run_s"], figures["confirm_s"]
    print(f"\nClient import, {rows} rows, PostgreSQL ({file_kib:.0f} KiB file)")
    print(f"{'openpyxl read-only parse alone':<34} {parse_only:7.2f} s")
    print(
        f"{'dry run (checks, parse, lookups)':<34} {dry_run:7.2f} s   {rows / dry_run:8.0f} rows/s"
        f"   peak RSS +{figures['dry_run_growth_mb']:.1f} MB"
    )
    label = f"confirm ({figures['created']} created)"
    print(
        f"{label:<34} {confirm:7.2f} s   {rows / confirm:8.0f} rows/s"
        f"   peak RSS +{figures['confirm_growth_mb']:.1f} MB"
    )
    print(f"{'dry run + confirm':<34} {dry_run + confirm:7.2f} s")
    print(
        f"{'import process RSS':<34} {figures['baseline_mb']:7.0f} MB before, "
        f"peak +{max(figures['dry_run_growth_mb'], figures['confirm_growth_mb']):.1f} MB"
    )


if __name__ == "__main__":
    main()
