"""`comptoir sirene import` on PostgreSQL against a raw asyncpg COPY of the same rows.

.venv/bin/python -m bench.sirene_import [--rows 500000]

Writes synthetic StockUniteLegale / StockEtablissement files (official header, valid SIREN and
SIRET, accented names, a share of non-diffusible and closed units) to a temporary folder,
then in the same run on a throwaway PostgreSQL:
  1. the app: `comptoir sirene import` (a child process: parse, normalise, DELETE + COPY per
     batch, commit per batch), its rows/s and peak RSS;
  2. the same import again (the idempotent re-import over a full table);
  3. the raw baseline: the same records, parsed beforehand, sent in one asyncpg
     `copy_records_to_table` into the emptied table (same indexes).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import asyncpg
from stdnum import luhn

from api.adapters.company_registry.sirene_import import read_stock_file
from api.core.settings import PROJECT_ROOT, process_environment
from bench.harness import PYTHON, create_database, postgres_server

SAMPLE = PROJECT_ROOT / "api" / "companies" / "demo_data"
TRADES = ["BOULANGERIE", "ÉLECTRICITÉ", "PLOMBERIE", "CRÉATION", "HÔTEL", "MAÇONNERIE", "CONSEIL"]
NAMES = ["PERRIN", "GUÉRIN", "NOËL", "LEFÈVRE", "MOREAU", "ANDRÉ", "BERNARD", "FAURE", "ROUX"]
SUFFIXES = ["", " ET FILS", " ET FRÈRES", " ET ASSOCIÉS", " SAS"]
CITIES = [("75015", "PARIS"), ("69003", "LYON"), ("44000", "NANTES"), ("21000", "DIJON")]


def _siren(index: int) -> str:
    base = f"{100_000_00 + index:08d}"
    return base + luhn.calc_check_digit(base)


def _siret(siren: str) -> str:
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


def write_stock_files(folder: Path, rows: int) -> tuple[Path, Path]:
    """Synthetic files under the official headers, one head office per unit."""
    random.seed(6)
    units_header = (SAMPLE / "StockUniteLegale_utf8.csv").open().readline().rstrip("\n")
    places_header = (SAMPLE / "StockEtablissement_utf8.csv").open().readline().rstrip("\n")
    unit_columns = units_header.split(",")
    place_columns = places_header.split(",")
    units, places = folder / "StockUniteLegale_utf8.csv", folder / "StockEtablissement_utf8.csv"
    with (
        units.open("w", encoding="utf-8") as unit_file,
        places.open("w", encoding="utf-8") as place_file,
    ):
        unit_file.write(units_header + "\n")
        place_file.write(places_header + "\n")
        for index in range(rows):
            siren = _siren(index)
            hidden = index % 30 == 0
            name = f"{random.choice(TRADES)} {random.choice(NAMES)}{random.choice(SUFFIXES)}"
            unit = dict.fromkeys(unit_columns, "")
            unit.update(
                siren=siren,
                statutDiffusionUniteLegale="P" if hidden else "O",
                etatAdministratifUniteLegale="C" if index % 16 == 0 else "A",
                denominationUniteLegale="[ND]" if hidden else name,
                categorieJuridiqueUniteLegale="5710",
                activitePrincipaleUniteLegale="69.20Z",
                nicSiegeUniteLegale="00013",
            )
            unit_file.write(",".join(unit[column] for column in unit_columns) + "\n")
            postal_code, city = random.choice(CITIES)
            place = dict.fromkeys(place_columns, "")
            place.update(
                siren=siren,
                nic=_siret(siren)[9:],
                siret=_siret(siren),
                statutDiffusionEtablissement="P" if hidden else "O",
                etablissementSiege="true",
                numeroVoieEtablissement=str(index % 200 + 1),
                typeVoieEtablissement="RUE",
                libelleVoieEtablissement="[ND]" if hidden else "DE LA RÉPUBLIQUE",
                codePostalEtablissement=postal_code,
                libelleCommuneEtablissement=city,
                etatAdministratifEtablissement="A",
                activitePrincipaleEtablissement="69.20Z",
            )
            place_file.write(",".join(place[column] for column in place_columns) + "\n")
    return units, places


def run_cli(args: list[str], database_url: str) -> tuple[str, float]:
    environment = process_environment() | {
        "COMPTOIR_DATABASE_URL": database_url,
        "COMPTOIR_LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    output = subprocess.run(
        [PYTHON, "-m", "api.cli", *args],
        env=environment,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output, time.perf_counter() - started


def cli_rates(output: str) -> dict[str, float]:
    """{file name: rows/s} from the command's summary lines."""
    rates = {}
    for line in output.splitlines():
        found = re.match(r"(\S+) : .* \(([\d ]+) lignes/s\)\.$", line)
        if found:
            rates[found.group(1)] = float(found.group(2).replace(" ", ""))
    return rates


async def raw_copy(database_url: str, path: Path) -> tuple[int, float, float]:
    """Parse `path` with the app's reader (timed apart), then one raw COPY of all records."""
    started = time.perf_counter()
    with read_stock_file(path) as stock:
        table, columns, records = stock.table, stock.columns, list(stock.rows)
    parse_seconds = time.perf_counter() - started
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        await connection.execute(f"TRUNCATE {table}")
        started = time.perf_counter()
        await connection.copy_records_to_table(table, records=records, columns=columns)
        copy_seconds = time.perf_counter() - started
    finally:
        await connection.close()
    return len(records), parse_seconds, copy_seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="comptoir-bench-sirene."))
    started = time.perf_counter()
    units, places = write_stock_files(folder, args.rows)
    size_mb = (units.stat().st_size + places.stat().st_size) / 1e6
    print(
        f"generated 2 × {args.rows:,} rows ({size_mb:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    with postgres_server() as server:
        database = create_database(server, "comptoir_bench_sirene")
        run_cli(["migrate"], database)
        first, first_wall = run_cli(["sirene", "import", str(units), str(places)], database)
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        again, again_wall = run_cli(["sirene", "import", str(units), str(places)], database)
        baseline = {path.name: asyncio.run(raw_copy(database, path)) for path in (units, places)}

    print(f"\nSIRENE stock import, PostgreSQL, {args.rows:,} rows per file")
    first_rates, again_rates = cli_rates(first), cli_rates(again)
    for name, (rows, parse_seconds, copy_seconds) in baseline.items():
        raw_rate = rows / copy_seconds
        print(f"\n{name}")
        print(f"  {'comptoir sirene import (first)':<40} {first_rates[name]:>10,.0f} rows/s")
        print(f"  {'comptoir sirene import (re-import)':<40} {again_rates[name]:>10,.0f} rows/s")
        print(
            f"  {'parse + normalise only (app reader)':<40} {rows / parse_seconds:>10,.0f} rows/s"
        )
        print(f"  {'raw asyncpg COPY of parsed rows':<40} {raw_rate:>10,.0f} rows/s")
        print(f"  {'ratio app (first) / raw COPY':<40} {first_rates[name] / raw_rate:>10.2f}")
    print(f"\npeak RSS of the import command: {peak_rss_mb:.0f} MB")
    print(
        f"wall time of the command (2 files, incl. start-up): first {first_wall:.1f} s, "
        f"re-import {again_wall:.1f} s"
    )


if __name__ == "__main__":
    main()
