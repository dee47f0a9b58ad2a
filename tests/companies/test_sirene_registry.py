"""The embedded registry, loaded from the official-format SIRENE sample."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from stdnum import luhn

from api.adapters.company_registry import AdministrativeState, SireneRegistry
from api.adapters.company_registry.sirene_import import SireneImportError, import_stock_file
from api.companies.demo import DEMO_DATA, load_sirene_sample
from api.companies.service import search_companies
from api.core.settings import Settings, process_environment
from api.models.sirene import SireneEstablishment, SireneUnit
from tests.companies.conftest import ESTABLISHMENTS_FILE, UNITS_FILE
from tests.companies.conftest import load_sirene_sample as load

LA_POSTE = "356000000"
NON_DIFFUSIBLE_SIREN = "971624275"
CLOSED_PERRIN_SIREN = "948662838"


@pytest.mark.parametrize(
    "query", ["électricité perrin", "PERRIN electricite", "Electricite   Perrin", "perr élec"]
)
async def test_name_search_ignores_accents_case_and_word_order(
    sirene_registry: SireneRegistry, query: str
) -> None:
    companies = await search_companies(sirene_registry, query)

    assert {company.legal_name for company in companies} == {"ÉLECTRICITÉ PERRIN"}
    assert len(companies) == 3


async def test_name_search_lists_active_companies_before_closed_ones(
    sirene_registry: SireneRegistry,
) -> None:
    companies = await search_companies(sirene_registry, "electricite perrin")

    assert [company.state for company in companies] == ["active", "active", "closed"]
    assert companies[-1].siren == CLOSED_PERRIN_SIREN


async def test_name_search_finds_a_company_by_its_acronym(
    sirene_registry: SireneRegistry,
) -> None:
    companies = await search_companies(sirene_registry, "IA informatique")

    assert "INFORMATIQUE ANDRÉ" in {company.legal_name for company in companies}


async def test_siren_lookup_describes_the_head_office_with_vat_and_legal_form(
    sirene_registry: SireneRegistry,
) -> None:
    [company] = await search_companies(sirene_registry, "356 000 000")

    assert company.legal_name == "LA POSTE"
    assert company.siret == company.head_office_siret == "35600000000048"
    assert (company.address, company.postal_code, company.city) == (
        "9 RUE DU COLONEL PIERRE AVIA",
        "75015",
        "PARIS",
    )
    assert company.vat_number == "FR39356000000"
    assert company.nature_juridique == "5510"
    assert company.nature_juridique_label == "SA nationale à conseil d'administration"
    assert company.activite_principale == "53.10Z"
    assert company.state is AdministrativeState.ACTIVE


async def test_la_poste_secondary_siret_is_accepted_without_luhn(
    sirene_registry: SireneRegistry,
) -> None:
    assert not luhn.is_valid("35600000010019")  # the digit-sum-multiple-of-5 rule applies

    [company] = await search_companies(sirene_registry, "35600000010019")

    assert company.siret == "35600000010019"
    assert company.head_office_siret == "35600000000048"
    assert (company.address, company.city) == ("RUE DE LA POSTE", "DIJON")


async def test_secondary_establishment_is_described_by_its_own_address(
    sirene_registry: SireneRegistry,
) -> None:
    [company] = await search_companies(sirene_registry, "15881399858444")

    assert company.legal_name == "CABINET BERNARD ET FILS"
    assert (company.address, company.city) == ("88 ROUTE DE LYON", "NANTES")
    assert company.siret != company.head_office_siret


async def test_closed_establishment_of_an_active_company_is_flagged(
    sirene_registry: SireneRegistry,
) -> None:
    company = await sirene_registry.get_by_siret("15881399823091")

    assert company is not None
    assert company.state is AdministrativeState.ACTIVE
    assert company.establishment_state is AdministrativeState.CLOSED


async def test_closed_company_is_returned_flagged_closed(
    sirene_registry: SireneRegistry,
) -> None:
    [company] = await search_companies(sirene_registry, CLOSED_PERRIN_SIREN)

    assert company.is_closed
    assert company.legal_name == "ÉLECTRICITÉ PERRIN"


async def test_non_diffusible_company_shows_neither_name_nor_street(
    sirene_registry: SireneRegistry, session: AsyncSession
) -> None:
    [company] = await search_companies(sirene_registry, NON_DIFFUSIBLE_SIREN)

    assert company.non_diffusible
    assert company.legal_name is None
    assert company.address is None
    assert (company.postal_code, company.city) == ("44000", "NANTES")  # diffused by INSEE
    assert await search_companies(sirene_registry, "[ND]") == []
    leaked = await session.scalar(
        select(func.count())
        .select_from(SireneUnit)
        .where(or_(SireneUnit.legal_name.contains("[ND]"), SireneUnit.search_name.like("% nd%")))
    )
    assert leaked == 0
    hidden_streets = await session.scalar(
        select(func.count())
        .select_from(SireneEstablishment)
        .where(SireneEstablishment.address_line.contains("[ND]"))
    )
    assert hidden_streets == 0


async def test_unknown_siren_finds_nothing(sirene_registry: SireneRegistry) -> None:
    assert await search_companies(sirene_registry, "732829320") == []


async def test_reimporting_the_stock_files_changes_nothing(
    sirene_registry: SireneRegistry, session: AsyncSession
) -> None:
    await load(session)

    assert await session.scalar(select(func.count()).select_from(SireneUnit)) == 1000
    assert await session.scalar(select(func.count()).select_from(SireneEstablishment)) == 1665


async def test_import_ignores_unknown_columns_and_column_order(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    lines = ESTABLISHMENTS_FILE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    wanted = [line for line in lines[1:] if line.startswith(LA_POSTE)]
    shuffled = [*reversed(header), "identifiantAdresseEtablissement"]
    newer = tmp_path / "StockEtablissement_utf8.csv"
    rows = [",".join(shuffled)]
    for line in wanted:
        values = dict(zip(header, line.split(","), strict=True))
        rows.append(",".join([*(values[name] for name in reversed(header)), "ADR-1"]))
    newer.write_text("\n".join(rows) + "\n", encoding="utf-8")

    await import_stock_file(session, UNITS_FILE)
    report = await import_stock_file(session, newer)

    assert report.rows == len(wanted)
    company = await SireneRegistry(sessionmaker).get_by_siret("35600000010019")
    assert company is not None
    assert company.city == "DIJON"


async def test_a_file_that_is_not_a_stock_file_is_refused(
    session: AsyncSession, tmp_path: Path
) -> None:
    other = tmp_path / "clients.csv"
    other.write_text("nom,email\nDupont,d@example.com\n", encoding="utf-8")

    with pytest.raises(SireneImportError, match="en-tête inconnu"):
        await import_stock_file(session, other)


async def test_demo_step_loads_the_packaged_sample_once(
    session: AsyncSession, settings: Settings
) -> None:
    first = await load_sirene_sample(session, settings)
    second = await load_sirene_sample(session, settings)

    assert first == [
        "Registre SIRENE local : 1000 unités légales et 1665 établissements d'exemple chargés "
        "(essayez « La Poste » ou le SIREN 356000000)."
    ]
    assert second == []
    assert (DEMO_DATA / "StockUniteLegale_utf8.csv").read_bytes() == UNITS_FILE.read_bytes()


def test_sirene_import_command_prints_what_it_loaded(tmp_path: Path, settings: Settings) -> None:
    if not settings.is_sqlite:
        pytest.skip("the command is exercised once, on its embedded SQLite default")
    environment = process_environment() | {
        "COMPTOIR_DATA_DIR": str(tmp_path),
        "COMPTOIR_DATABASE_URL": "",
        "COMPTOIR_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "api.cli", "sirene", "import", str(UNITS_FILE)]

    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert "StockUniteLegale_utf8.csv : 1 000 unités légales importé(e)s" in result.stdout
