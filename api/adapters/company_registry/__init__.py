"""The company registry: one interface (`CompanyRegistry`), two real implementations chosen
by `COMPTOIR_COMPANY_REGISTRY`: the local SIRENE tables (embedded default) or the public
API Recherche d'entreprises."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.company_registry.base import (
    AdministrativeState,
    Company,
    CompanyRegistry,
    CompanyRegistryBadAnswer,
    CompanyRegistryUnavailable,
    vat_number_from_siren,
)
from api.adapters.company_registry.recherche_entreprises import RechercheEntreprisesRegistry
from api.adapters.company_registry.sirene import SireneRegistry
from api.core.settings import Settings

__all__ = [
    "AdministrativeState",
    "Company",
    "CompanyRegistry",
    "CompanyRegistryBadAnswer",
    "CompanyRegistryUnavailable",
    "RechercheEntreprisesRegistry",
    "SireneRegistry",
    "build_company_registry",
    "vat_number_from_siren",
]


def build_company_registry(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> CompanyRegistry:
    if settings.company_registry == "recherche_entreprises":
        return RechercheEntreprisesRegistry(settings, sessionmaker)
    return SireneRegistry(sessionmaker)
