"""Company registry lookup for the people who add clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth.dependencies import acting
from api.companies import service
from api.companies.dependencies import CompanyRegistryDep
from api.companies.schemas import CompanyOut, CompanySearchOut
from api.core.actor import Actor
from api.core.authz import Permission
from api.core.errors import problem_responses
from api.core.input import HumanText

router = APIRouter(prefix="/companies", tags=["companies"])

ClientsWrite = Annotated[Actor, Depends(acting(Permission.CLIENTS_MANAGE))]


@router.get(
    "/search", response_model=CompanySearchOut, responses=problem_responses(401, 404, 422, 502, 503)
)
async def search(
    registry: CompanyRegistryDep,
    _actor: ClientsWrite,
    q: Annotated[
        HumanText, Query(min_length=1, max_length=100, description="SIREN, SIRET or name.")
    ],
    limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = service.DEFAULT_LIMIT,
) -> CompanySearchOut:
    """Find a company in the registry by SIREN, SIRET, VAT number or name."""
    companies = await service.search_companies(registry, q, limit)
    return CompanySearchOut(items=[CompanyOut.from_company(company) for company in companies])
