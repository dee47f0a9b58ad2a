"""Demo step: the SIRENE sample in the local registry, so a fresh install can search companies.

The two small stock files ship inside the package (`demo_data/`): the product never reads
the repository's shared test data at run time.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.company_registry.sirene_import import import_stock_file
from api.core.settings import Settings
from api.models.sirene import SireneUnit

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DEMO_FILES = ("StockUniteLegale_utf8.csv", "StockEtablissement_utf8.csv")


async def load_sirene_sample(session: AsyncSession, _settings: Settings) -> list[str]:
    if await session.scalar(select(SireneUnit.siren).limit(1)) is not None:
        return []
    counts = []
    for name in DEMO_FILES:
        report = await import_stock_file(session, DEMO_DATA / name, commit_every_batch=False)
        counts.append(report.rows)
    return [
        f"Registre SIRENE local : {counts[0]} unités légales et {counts[1]} établissements "
        "d'exemple chargés (essayez « La Poste » ou le SIREN 356000000)."
    ]
