"""Company registry fixtures: the shared SIRENE sample loaded into the local tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.company_registry import SireneRegistry
from api.adapters.company_registry.sirene_import import import_stock_file
from tests.shared_data import SHARED_DATA, require_shared

# The repository's sibling `shared/` folder: official INSEE layout, invented companies.
SIRENE_SAMPLE = SHARED_DATA / "sirene"
UNITS_FILE = SIRENE_SAMPLE / "StockUniteLegale_utf8.csv"
ESTABLISHMENTS_FILE = SIRENE_SAMPLE / "StockEtablissement_utf8.csv"


async def load_sirene_sample(session: AsyncSession, *files: Path) -> None:
    require_shared(SIRENE_SAMPLE)
    for path in files or (UNITS_FILE, ESTABLISHMENTS_FILE):
        await import_stock_file(session, path)


@pytest.fixture
async def sirene_registry(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession]
) -> SireneRegistry:
    await load_sirene_sample(session)
    return SireneRegistry(sessionmaker)
