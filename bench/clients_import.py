"""Client import of N rows on PostgreSQL: dry run (parse, registry lookup, report) then
confirmation, through the same service calls the HTTP routes make, with the peak RSS.

.venv/bin/python -m bench.clients_import [--rows 10000]

The registry is the local SIRENE table filled with N synthetic companies; the openpyxl
read-only parse is timed alone as the floor. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import resource
import time

import openpyxl
from sqlalchemy import insert, select

from api.adapters.company_registry import SireneRegistry
from api.adapters.company_registry.base import search_name
from api.auth.repository import session_context
from api.clients import service, spreadsheet
from api.core.authz import Principal, PrincipalKind, permissions_of
from api.core.db import create_engine, create_sessionmaker
from api.core.request_context import ClientInfo
from api.core.settings import Settings
from api.models.auth_session import AuthSession
from api.models.sirene import SireneEstablishment, SireneUnit
from bench.clients_seed import random_sirens, seed_firm
from bench.harness import create_database, postgres_server


def workbook(sirens: list[str]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Clients")
    sheet.append([column.header for column in spreadsheet.IMPORT_COLUMNS])
    for index, siren in enumerate(sirens):
        sheet.append([siren, f"Société {index}", "Marie", "Durand", f"m{index}@exemple.fr", None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(database: str, rows: int) -> None:
    settings = Settings(database_url=database, log_level="WARNING")
    seeded = await seed_firm(settings, 0)
    sirens = random_sirens(rows, random.Random(10))
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        units = [
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
            for siren in sirens
        ]
        offices = [
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
            for siren in sirens
        ]
        for start in range(0, rows, 2000):
            await session.execute(insert(SireneUnit), units[start : start + 2000])
            await session.execute(insert(SireneEstablishment), offices[start : start + 2000])
        auth_session_id = await session.scalar(select(AuthSession.id))
        assert auth_session_id is not None
        context = await session_context(session, auth_session_id)
        assert context is not None
        await session.commit()
    _auth, user, _device, membership = context
    assert membership is not None
    principal = Principal(
        kind=PrincipalKind.USER,
        user_id=user.id,
        workspace_id=seeded.firm_id,
        membership_id=membership.id,
        roles=membership.roles,
        permissions=permissions_of(membership.roles),
    )
    data = workbook(sirens)
    before = peak_rss_mb()
    started = time.perf_counter()
    sheet = spreadsheet.read_import_sheet(data, max_rows=settings.client_import_max_rows)
    parse_only = time.perf_counter() - started
    assert len(sheet.rows) == rows
    registry = SireneRegistry(sessionmaker)
    requester = ClientInfo(ip="127.0.0.1", user_agent="bench")
    started = time.perf_counter()
    async with sessionmaker() as session:
        analysed, _ = await service.analyse_import(
            session, registry, settings, principal, requester, data, "bench.xlsx"
        )
        await session.commit()
    dry_run = time.perf_counter() - started
    started = time.perf_counter()
    async with sessionmaker() as session:
        _, results = await service.confirm_import(session, principal, requester, analysed.id)
        await session.commit()
    confirm = time.perf_counter() - started
    await engine.dispose()
    created = sum(1 for row in results if row["outcome"] == "created")
    print(f"\nClient import, {rows} rows, PostgreSQL ({len(data) / 1024:.0f} KiB file)")
    print(f"{'openpyxl read-only parse alone':<34} {parse_only:7.2f} s")
    print(
        f"{'dry run (checks, parse, lookups)':<34} {dry_run:7.2f} s   {rows / dry_run:8.0f} rows/s"
    )
    label = f"confirm ({created} created)"
    print(f"{label:<34} {confirm:7.2f} s   {rows / confirm:8.0f} rows/s")
    print(f"{'dry run + confirm':<34} {dry_run + confirm:7.2f} s")
    print(f"{'peak RSS before / after':<34} {before:7.0f} MB / {peak_rss_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with postgres_server() as server:
        asyncio.run(run(create_database(server, "comptoir_bench_import"), args.rows))


if __name__ == "__main__":
    main()
