"""`comptoir sirene import FILE…`: load the INSEE SIRENE stock files into the local registry."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from api.adapters.company_registry.sirene_import import (
    DEFAULT_BATCH_SIZE,
    ImportReport,
    SireneImportError,
    StockKind,
    import_stock_file,
)
from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings, get_settings

PROGRESS_EVERY_SECONDS = 2.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sirene = subparsers.add_parser("sirene", help="registre SIRENE local (fichiers INSEE)")
    commands = sirene.add_subparsers(dest="sirene_command", required=True)
    load = commands.add_parser(
        "import",
        help="charger StockUniteLegale_utf8.csv et/ou StockEtablissement_utf8.csv",
        description="Charge les fichiers stock SIRENE de l'INSEE (ré-importer remplace les "
        "lignes existantes ; les colonnes inconnues sont ignorées).",
    )
    load.add_argument("files", nargs="+", type=Path, metavar="FICHIER")
    load.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    load.set_defaults(handler=_cmd_import)


def _cmd_import(args: argparse.Namespace) -> int:
    from api.migrate import upgrade_to_head

    upgrade_to_head()
    try:
        reports = asyncio.run(import_files(get_settings(), args.files, args.batch_size))
    except SireneImportError as error:
        print(f"Import interrompu : {error}", file=sys.stderr)
        return 2
    for report in reports:
        print(
            f"{report.path.name} : {report.rows:,} {report.kind} importé(e)s en "
            f"{report.seconds:.1f} s ({report.rows_per_second:,.0f} lignes/s).".replace(",", " ")
        )
    return 0


async def import_files(
    settings: Settings, paths: list[Path], batch_size: int = DEFAULT_BATCH_SIZE
) -> list[ImportReport]:
    engine = create_engine(settings)
    reports = []
    try:
        for path in paths:
            started = last_print = time.perf_counter()

            def progress(
                kind: StockKind, rows: int, *, name: str = path.name, started: float = started
            ) -> None:
                nonlocal last_print
                now = time.perf_counter()
                if now - last_print >= PROGRESS_EVERY_SECONDS:
                    last_print = now
                    rate = rows / (now - started)
                    print(f"{name} : {rows:,} {kind}… ({rate:,.0f} lignes/s)".replace(",", " "))

            async with create_sessionmaker(engine)() as session:
                reports.append(
                    await import_stock_file(
                        session, path, batch_size=batch_size, on_progress=progress
                    )
                )
    finally:
        await engine.dispose()
    return reports
