"""The embedded registry: the local SIRENE tables filled by `comptoir sirene import`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.company_registry.base import AdministrativeState, Company, search_words
from api.models.sirene import SireneEstablishment, SireneUnit

# More words than this only narrow the result further; they would cost a scan each.
MAX_QUERY_WORDS = 6
LOOKUP_CHUNK = 500

_unit = SireneUnit.__table__
_establishment = SireneEstablishment.__table__


class SireneRegistry:
    """Reads the local tables through its own short sessions (never the request's)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def search(self, query: str, limit: int) -> list[Company]:
        """Name search tolerant of case, accents and word order: every word of the query
        must start a word of the name (or of the acronym / usual name)."""
        words = search_words(query)[:MAX_QUERY_WORDS]
        if not words:
            return []
        first_word_leads = _unit.c.search_name.like(f" {words[0]}%")
        statement = (
            _company_select(_establishment.c.siret == _unit.c.head_office_siret)
            .where(and_(*(_unit.c.search_name.like(f"% {word}%") for word in words)))
            .order_by(
                _unit.c.is_active.desc(),
                first_word_leads.desc(),
                func.length(_unit.c.search_name),
                _unit.c.siren,
            )
            .limit(limit)
        )
        return await self._companies(statement)

    async def get_by_siren(self, siren: str) -> Company | None:
        statement = _company_select(_establishment.c.siret == _unit.c.head_office_siret).where(
            _unit.c.siren == siren
        )
        companies = await self._companies(statement)
        return companies[0] if companies else None

    async def get_by_siret(self, siret: str) -> Company | None:
        statement = _company_select(_establishment.c.siren == _unit.c.siren).where(
            _establishment.c.siret == siret
        )
        companies = await self._companies(statement)
        return companies[0] if companies else None

    async def lookup_many(self, identifiers: Sequence[str]) -> dict[str, Company]:
        sirens = sorted({value for value in identifiers if len(value) == 9})
        sirets = sorted({value for value in identifiers if len(value) == 14})
        found: dict[str, Company] = {}
        # Chunks keep each IN list well under SQLite's and asyncpg's bound-parameter limits.
        for start in range(0, len(sirens), LOOKUP_CHUNK):
            chunk = sirens[start : start + LOOKUP_CHUNK]
            statement = _company_select(_establishment.c.siret == _unit.c.head_office_siret).where(
                _unit.c.siren.in_(chunk)
            )
            found.update((company.siren, company) for company in await self._companies(statement))
        for start in range(0, len(sirets), LOOKUP_CHUNK):
            chunk = sirets[start : start + LOOKUP_CHUNK]
            statement = _company_select(_establishment.c.siren == _unit.c.siren).where(
                _establishment.c.siret.in_(chunk)
            )
            found.update(
                (company.siret, company)
                for company in await self._companies(statement)
                if company.siret
            )
        return found

    async def is_empty(self) -> bool:
        async with self._sessionmaker() as session:
            first = await session.scalar(select(_unit.c.siren).limit(1))
        return first is None

    async def _companies(self, statement: Select[Any]) -> list[Company]:
        async with self._sessionmaker() as session:
            rows = (await session.execute(statement)).mappings().all()
        return [_company(row) for row in rows]


def _company_select(establishment_join: Any) -> Select[Any]:
    return select(
        _unit.c.siren,
        _unit.c.diffusible,
        _unit.c.is_active,
        _unit.c.legal_name,
        _unit.c.nature_juridique,
        _unit.c.activite_principale,
        _unit.c.head_office_siret,
        _establishment.c.siret,
        _establishment.c.diffusible.label("establishment_diffusible"),
        _establishment.c.is_active.label("establishment_active"),
        _establishment.c.address_line,
        _establishment.c.postal_code,
        _establishment.c.city,
    ).select_from(_unit.outerjoin(_establishment, establishment_join))


def _state(active: bool) -> AdministrativeState:
    return AdministrativeState.ACTIVE if active else AdministrativeState.CLOSED


def _company(row: Any) -> Company:
    has_establishment = row["siret"] is not None
    diffusible = bool(row["diffusible"]) and (
        not has_establishment or bool(row["establishment_diffusible"])
    )
    return Company(
        siren=row["siren"],
        siret=row["siret"],
        head_office_siret=row["head_office_siret"],
        # Stored NULL for non-diffusible units; checked again so a partial import can't leak.
        legal_name=row["legal_name"] if row["diffusible"] else None,
        address=row["address_line"] if diffusible else None,
        postal_code=row["postal_code"],
        city=row["city"],
        nature_juridique=row["nature_juridique"],
        activite_principale=row["activite_principale"],
        state=_state(bool(row["is_active"])),
        establishment_state=_state(bool(row["establishment_active"]))
        if has_establishment
        else None,
        non_diffusible=not diffusible,
    )
