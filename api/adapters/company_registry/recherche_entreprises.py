"""The public *API Recherche d'entreprises* (https://recherche-entreprises.api.gouv.fr).

`GET /search?q=…`: a 9- or 14-digit `q` is a direct SIREN or SIRET lookup. The service
allows 7 requests/s per client and answers 429 with `Retry-After` beyond it; the slot is
shared by every API process through the database (`RateSlots`), and answers are cached in
the database (`AnswerCache`). Every failure becomes a French 502/503 problem, never a 500.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import time
from collections.abc import Mapping, Sequence
from typing import Annotated

import httpx
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api import __version__
from api.adapters.company_registry.base import (
    AdministrativeState,
    Company,
    CompanyRegistryBadAnswer,
    CompanyRegistryUnavailable,
)
from api.adapters.company_registry.shared_state import AnswerCache, RateSlots
from api.core.settings import Settings

UPSTREAM = "recherche_entreprises"
MAX_PER_PAGE = 25  # the API's own ceiling for `per_page`
_NOT_DIFFUSED_MARKERS = ("NON-DIFFUSIBLE", "[ND]")


class _Establishment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    siret: Annotated[str, Field(pattern=r"^\d{14}$")]
    adresse: str | None = None
    code_postal: str | None = None
    libelle_commune: str | None = None
    etat_administratif: str | None = None
    statut_diffusion_etablissement: str | None = None


class _Result(BaseModel):
    model_config = ConfigDict(extra="ignore")

    siren: Annotated[str, Field(pattern=r"^\d{9}$")]
    nom_complet: str | None = None
    siege: _Establishment | None = None
    matching_etablissements: list[_Establishment] = Field(default_factory=list)
    etat_administratif: str | None = None
    nature_juridique: str | None = None
    activite_principale: str | None = None
    statut_diffusion: str | None = None


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    results: list[_Result]


_cached_results = TypeAdapter(list[_Result])


class RechercheEntreprisesRegistry:
    def __init__(
        self,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._timeout = settings.recherche_entreprises_timeout_seconds
        self._client = httpx.AsyncClient(
            base_url=settings.recherche_entreprises_url,
            timeout=httpx.Timeout(self._timeout),
            headers={"Accept": "application/json", "User-Agent": f"Comptoir/{__version__}"},
            transport=transport,
        )
        self._cache = AnswerCache(sessionmaker, settings.company_registry_cache_ttl_seconds)
        self._slots = RateSlots(
            sessionmaker, UPSTREAM, settings.recherche_entreprises_requests_per_second
        )
        self._max_retries = settings.recherche_entreprises_max_retries
        self._max_wait = settings.recherche_entreprises_max_wait_seconds

    async def aclose(self) -> None:
        await self._client.aclose()

    async def search(self, query: str, limit: int) -> list[Company]:
        per_page = max(1, min(limit, MAX_PER_PAGE))
        results = await self._results({"q": query, "page": "1", "per_page": str(per_page)})
        return [_company(result, result.siege) for result in results[:limit]]

    async def get_by_siren(self, siren: str) -> Company | None:
        for result in await self._results({"q": siren}):
            if result.siren == siren:
                return _company(result, result.siege)
        return None

    async def get_by_siret(self, siret: str) -> Company | None:
        for result in await self._results({"q": siret}):
            if result.siren != siret[:9]:
                continue
            candidates = [*result.matching_etablissements, result.siege]
            for establishment in candidates:
                if establishment is not None and establishment.siret == siret:
                    return _company(result, establishment)
        return None

    async def lookup_many(self, identifiers: Sequence[str]) -> dict[str, Company]:
        """One request per identifier (the public API has no batch lookup); the shared rate
        slots and the answer cache still apply."""
        found: dict[str, Company] = {}
        for identifier in dict.fromkeys(identifiers):
            if len(identifier) == 14:
                company = await self.get_by_siret(identifier)
            else:
                company = await self.get_by_siren(identifier)
            if company is not None:
                found[identifier] = company
        return found

    async def _results(self, params: Mapping[str, str]) -> list[_Result]:
        request = "/search?" + str(httpx.QueryParams(sorted(params.items())))
        cached = await self._cache.get(request)
        if cached is not None:
            return _cached_results.validate_json(cached)
        results = _parse(await self._fetch(params))
        await self._cache.put(request, _cached_results.dump_json(results).decode())
        return results

    async def _fetch(self, params: Mapping[str, str]) -> bytes:
        """One upstream answer, within the shared rate, retrying 429 and 5xx a bounded
        number of times; timeouts are not retried (a user is waiting)."""
        attempt = 0
        while True:
            wait = await self._slots.reserve()
            if wait > self._max_wait:
                raise _unavailable("Trop de recherches en cours : réessayez dans un instant.", wait)
            await asyncio.sleep(wait)
            try:
                response = await self._client.get("/search", params=params)
            except httpx.TimeoutException as error:
                raise CompanyRegistryUnavailable(
                    f"Le registre n'a pas répondu en {self._timeout:g} s."
                ) from error
            except httpx.HTTPError as error:
                raise CompanyRegistryUnavailable("Le registre est injoignable.") from error

            if response.status_code == 429:
                delay = _retry_after_seconds(response.headers.get("Retry-After"))
                if attempt < self._max_retries and delay <= self._max_wait:
                    attempt += 1
                    await asyncio.sleep(delay)
                    continue
                raise _unavailable("Le registre limite le nombre de recherches.", delay)
            if response.status_code >= 500:
                if attempt < self._max_retries:
                    attempt += 1
                    await asyncio.sleep(min(0.25 * 2**attempt, 2.0))
                    continue
                raise CompanyRegistryUnavailable(
                    f"Le registre a répondu par une erreur ({response.status_code})."
                )
            if response.status_code != 200:
                raise CompanyRegistryBadAnswer(
                    f"Le registre a refusé la recherche ({response.status_code})."
                )
            return response.content


def _unavailable(detail: str, delay: float) -> CompanyRegistryUnavailable:
    return CompanyRegistryUnavailable(
        detail, headers={"Retry-After": str(max(1, math.ceil(delay)))}
    )


def _retry_after_seconds(value: str | None) -> float:
    """`Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3); 1 s if unreadable."""
    if not value:
        return 1.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, moment.timestamp() - time.time())


def _parse(body: bytes) -> list[_Result]:
    try:
        return _Answer.model_validate_json(body).results
    except ValidationError as error:
        raise CompanyRegistryBadAnswer(
            "La réponse du registre n'a pas le format attendu."
        ) from error


def _street_only(establishment: _Establishment) -> str | None:
    """The API's `adresse` ends with the postal code and city, which have their own fields."""
    address = establishment.adresse
    if not address:
        return None
    tail = " ".join(
        part for part in (establishment.code_postal, establishment.libelle_commune) if part
    )
    if tail and address.endswith(tail):
        address = address[: -len(tail)]
    return address.strip(" ,") or None


def _company(result: _Result, establishment: _Establishment | None) -> Company:
    name = result.nom_complet
    hidden = result.statut_diffusion == "P" or any(
        marker in (name or "") for marker in _NOT_DIFFUSED_MARKERS
    )
    establishment_hidden = hidden or (
        establishment is not None and establishment.statut_diffusion_etablissement == "P"
    )
    return Company(
        siren=result.siren,
        siret=establishment.siret if establishment else None,
        head_office_siret=result.siege.siret if result.siege else None,
        legal_name=None if hidden else name,
        address=None
        if establishment is None or establishment_hidden
        else _street_only(establishment),
        postal_code=establishment.code_postal if establishment else None,
        city=establishment.libelle_commune if establishment else None,
        nature_juridique=result.nature_juridique,
        activite_principale=result.activite_principale,
        state=AdministrativeState.CLOSED
        if result.etat_administratif == "C"
        else AdministrativeState.ACTIVE,
        establishment_state=None
        if establishment is None
        else AdministrativeState.CLOSED
        if establishment.etat_administratif in {"F", "C"}
        else AdministrativeState.ACTIVE,
        non_diffusible=establishment_hidden,
    )
