"""Deciding what a company query is, and refusing malformed identifiers in French."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import Request

from api.adapters.company_registry import (
    CompanyRegistryUnavailable,
    RechercheEntreprisesRegistry,
    SireneRegistry,
)
from api.companies.dependencies import get_company_registry
from api.companies.schemas import CompanyOut
from api.companies.service import (
    InvalidCompanyQuery,
    InvalidSiren,
    InvalidSiret,
    search_companies,
    validate_siren,
    validate_siret,
)
from api.core.errors import AppError
from api.core.state import state_of


@pytest.mark.parametrize(
    ("query", "error", "detail"),
    [
        ("356000001", InvalidSiren, "Ce SIREN n'existe pas : sa clé de contrôle est fausse."),
        ("35600000010018", InvalidSiret, "Ce SIRET n'existe pas : sa clé de contrôle est fausse."),
        ("1234567", InvalidCompanyQuery, "Un SIREN compte 9 chiffres et un SIRET 14"),
        ("la", InvalidCompanyQuery, "Saisissez au moins 3 caractères"),
        ("FR00356000000", InvalidCompanyQuery, "Ce numéro de TVA intracommunautaire est invalide"),
    ],
)
async def test_malformed_query_is_a_french_422(
    sirene_registry: SireneRegistry, query: str, error: type[AppError], detail: str
) -> None:
    with pytest.raises(error) as raised:
        await search_companies(sirene_registry, query)

    assert raised.value.status == 422
    assert raised.value.detail is not None
    assert raised.value.detail.startswith(detail)
    assert raised.value.errors is not None
    assert raised.value.errors[0].pointer == "/query/q"


async def test_a_vat_number_finds_its_company(sirene_registry: SireneRegistry) -> None:
    [company] = await search_companies(sirene_registry, "FR 39 356000000")

    assert company.legal_name == "LA POSTE"


def test_identifier_validators_return_the_compact_number() -> None:
    assert validate_siren("356 000 000") == "356000000"
    assert validate_siret("356.000.000.10019") == "35600000010019"


async def test_company_out_shows_the_computed_vat_and_label(
    sirene_registry: SireneRegistry,
) -> None:
    company = await sirene_registry.get_by_siren("356000000")
    assert company is not None

    shown = CompanyOut.from_company(company).model_dump()

    assert shown["vat_number"] == "FR39356000000"
    assert shown["nature_juridique_label"] == "SA nationale à conseil d'administration"
    assert shown["state"] == "active"


def _request_for(app: FastAPI) -> Request:
    return Request({"type": "http", "app": app, "headers": []})


def test_the_dependency_builds_the_configured_registry_once(app: FastAPI) -> None:
    first = get_company_registry(_request_for(app))

    assert isinstance(first, SireneRegistry)
    assert get_company_registry(_request_for(app)) is first


async def test_the_dependency_can_choose_the_public_api(app: FastAPI) -> None:
    state_of(app).settings = state_of(app).settings.model_copy(
        update={
            "company_registry": "recherche_entreprises",
            "recherche_entreprises_url": "http://127.0.0.1:9",
        }
    )

    registry = get_company_registry(_request_for(app))

    assert isinstance(registry, RechercheEntreprisesRegistry)
    with pytest.raises(CompanyRegistryUnavailable):
        await registry.get_by_siren("356000000")
    await registry.aclose()


async def test_registry_errors_reach_the_user_as_french_problems(app: FastAPI) -> None:
    @app.get("/probe-registry-error")
    async def probe() -> None:
        raise CompanyRegistryUnavailable("Le registre est injoignable.")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/probe-registry-error")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Le registre des entreprises est momentanément indisponible"
    assert response.json()["code"] == "company-registry-unavailable"
