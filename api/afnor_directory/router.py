"""AFNOR XP Z12-013 annex B, Directory Service 1.3.0 (read-only for software), at
/afnor-directory/v1 (docs/flows.md). Its OpenAPI document is /afnor-directory/v1/openapi.json."""

from __future__ import annotations

import typing
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from api.afnor_directory import schemas, service
from api.afnor_directory.service import DirectorySearchRefused
from api.companies.dependencies import CompanyRegistryDep
from api.core.authz import Permission
from api.core.db import DbSession
from api.core.input import MachineText
from api.core.standard_api import DIRECTORY_SERVICE_PREFIX, served_openapi
from api.flows.schemas import Error
from api.oauth2.dependencies import authenticated
from api.oauth2.service import SoftwareCaller

router = APIRouter(prefix=DIRECTORY_SERVICE_PREFIX + "/v1")

ANNEX = FilePath(__file__).resolve().parent / "annex" / "directory-service-1.3.0.json"
# Starlette path parameters are identifiers; the annex's have hyphens.
PATH_PARAMETER_NAMES = {
    "routing_identifier": "routing-identifier",
    "addressing_identifier": "addressing-identifier",
}

Reader = Annotated[SoftwareCaller, Depends(authenticated(Permission.DIRECTORY_READ))]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Error, "description": f"Error {code}"}
    for code in (400, 401, 403, 404, 408, 422, 429, 500, 501, 503)
}
ERRORS["default"] = {
    "description": "An error has occurred - See the status code and json response for more "
    "information.",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _ok(description: str, annex_schema: str) -> dict[str, Any]:
    """A 200 answering one of the annex's payload objects (built by `service`, checked
    against the annex's schema by tests/afnor_directory)."""
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{annex_schema}"}}
        },
    }


def _fields_query(choices: Any, description: str) -> Any:
    return Query(
        description=description,
        json_schema_extra={"items": {"type": "string", "enum": list(typing.get_args(choices))}},
    )


def _parsed(values: list[str] | None, allowed: Any, name: str) -> list[str] | None:
    """`explode: false` arrays arrive comma-separated (`fields=siren,businessName`); repeated
    parameters are accepted too."""
    if not values:
        return None
    parsed = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [part for part in parsed if part not in typing.get_args(allowed)]
    if unknown:
        raise DirectorySearchRefused(f"Valeur inconnue pour {name} : {', '.join(unknown)}.")
    return parsed


def _answer(payload: dict[str, Any]) -> JSONResponse:
    return JSONResponse(payload)


IncludeSiren = typing.Literal["siren"]
IncludeSirenSiret = typing.Literal["siren", "siret"]
IncludeAll = typing.Literal["siren", "siret", "routingCode"]


@router.post(
    "/siren/search",
    operation_id="searchCompanyBySiren",
    tags=["SIREN"],
    response_model=None,
    responses={200: _ok("Returns one or more companies.", "sirenSearchPost200Response"), **ERRORS},
)
async def search_siren(
    search: schemas.SearchSiren, registry: CompanyRegistryDep, caller: Reader
) -> JSONResponse:
    """SIREN search (or legal unit)"""
    return _answer(await service.search_siren(registry, search))


@router.get(
    "/siren/code-insee:{siren}",
    operation_id="getCompanyBySiren",
    tags=["SIREN"],
    response_model=None,
    responses={200: _ok("Returns a company.", "legalUnitPayloadHistory"), **ERRORS},
)
async def get_siren(
    siren: Annotated[MachineText, Path(max_length=9, pattern=r"^([0-9]{9})$")],
    registry: CompanyRegistryDep,
    caller: Reader,
    fields: Annotated[
        list[MachineText] | None, _fields_query(schemas.SirenField, "Fields of the SIREN resource.")
    ] = None,
) -> JSONResponse:
    """Consult a SIREN (legal unit)"""
    wanted = _parsed(fields, schemas.SirenField, "fields")
    return _answer(await service.get_siren(registry, siren, wanted))


@router.post(
    "/siret/search",
    operation_id="searchFacilityBySiret",
    tags=["SIRET"],
    response_model=None,
    responses={200: _ok("Returns one or more facilities.", "siretSearchPost200Response"), **ERRORS},
)
async def search_siret(
    search: schemas.SearchSiret, registry: CompanyRegistryDep, caller: Reader
) -> JSONResponse:
    """SIRET search (or facility)"""
    return _answer(await service.search_siret(registry, search))


@router.get(
    "/siret/code-insee:{siret}",
    operation_id="getFacilityBySiret",
    tags=["SIRET"],
    response_model=None,
    responses={200: _ok("Returns a facility.", "facilityPayloadHistory"), **ERRORS},
)
async def get_siret(
    siret: Annotated[MachineText, Path(max_length=14, pattern=r"^([0-9]{14})$")],
    registry: CompanyRegistryDep,
    caller: Reader,
    fields: Annotated[
        list[MachineText] | None, _fields_query(schemas.SiretField, "Fields of the SIRET resource.")
    ] = None,
    include: Annotated[
        list[MachineText] | None,
        _fields_query(IncludeSiren, "Relations to include in the response."),
    ] = None,
) -> JSONResponse:
    """Consult a SIRET (facility)"""
    wanted = _parsed(fields, schemas.SiretField, "fields")
    relations = _parsed(include, IncludeSiren, "include") or []
    return _answer(await service.get_siret(registry, siret, wanted, relations))


@router.post(
    "/routing-code/search",
    operation_id="searchRoutingCode",
    tags=["Routing code"],
    response_model=None,
    responses={
        200: _ok("Returns one or more routing codes.", "routingCodeSearchPost200Response"),
        **ERRORS,
    },
)
async def search_routing_codes(
    search: schemas.RoutingCodeSearch,
    session: DbSession,
    registry: CompanyRegistryDep,
    caller: Reader,
) -> JSONResponse:
    """Search for a routing code"""
    return _answer(await service.search_routing_codes(session, registry, search))


@router.get(
    "/routing-code/siret:{siret}/code:{routing_identifier}",
    operation_id="getRoutingCodeBySiretAndId",
    tags=["Routing code"],
    response_model=None,
    responses={
        200: _ok("Returns a routing code.", "routingCodePayloadHistoryLegalUnitFacility"),
        **ERRORS,
    },
)
async def get_routing_code(
    siret: Annotated[MachineText, Path(max_length=14, pattern=r"^([0-9]{14})$")],
    routing_identifier: Annotated[MachineText, Path(max_length=100)],
    session: DbSession,
    registry: CompanyRegistryDep,
    caller: Reader,
    include: Annotated[
        list[MachineText] | None,
        _fields_query(IncludeSirenSiret, "Relations to include in the response."),
    ] = None,
    fields: Annotated[
        list[MachineText] | None,
        _fields_query(schemas.RoutingCodeField, "Fields of the Routing Code resource"),
    ] = None,
) -> JSONResponse:
    """Consult a Routing code"""
    wanted = _parsed(fields, schemas.RoutingCodeField, "fields")
    relations = _parsed(include, IncludeSirenSiret, "include") or []
    return _answer(
        await service.get_routing_code(
            session, registry, siret, routing_identifier, wanted, relations
        )
    )


@router.post(
    "/directory-line/search",
    operation_id="searchDirectoryLine",
    tags=["Directory line"],
    response_model=None,
    responses={
        200: _ok("Returns one or more directory lines.", "directoryLineSearchPost200Response"),
        **ERRORS,
    },
)
async def search_directory_lines(
    search: schemas.SearchDirectoryLine,
    session: DbSession,
    registry: CompanyRegistryDep,
    caller: Reader,
) -> JSONResponse:
    """Search for a directory line"""
    return _answer(await service.search_directory_lines(session, registry, search))


@router.get(
    "/directory-line/code:{addressing_identifier}",
    operation_id="getDirectoryLineById",
    tags=["Directory line"],
    response_model=None,
    responses={
        200: _ok("Returns a directory line.", "directoryLinePayloadLegalUnitFacilityRoutingCode"),
        **ERRORS,
    },
)
async def get_directory_line(
    addressing_identifier: Annotated[MachineText, Path(max_length=125)],
    session: DbSession,
    registry: CompanyRegistryDep,
    caller: Reader,
    include: Annotated[
        list[MachineText] | None,
        _fields_query(IncludeAll, "Relations to include in the response.."),
    ] = None,
    fields: Annotated[
        list[MachineText] | None,
        _fields_query(schemas.DirectoryLineField, "Fields of the Directory Line resource"),
    ] = None,
) -> JSONResponse:
    """Consult a directory line"""
    wanted = _parsed(fields, schemas.DirectoryLineField, "fields")
    relations = _parsed(include, IncludeAll, "include") or []
    return _answer(
        await service.get_directory_line(
            session, registry, addressing_identifier, wanted, relations
        )
    )


@router.get(
    "/healthcheck",
    operation_id="getHealth",
    tags=["Healthcheck"],
    response_class=Response,
    responses={
        200: {"description": "OK"},
        500: {"description": "Internal error"},
        503: {"description": "Service unavailable"},
    },
)
async def get_health() -> Response:
    """Check whether the API service is up and running."""
    return Response(status_code=status.HTTP_200_OK)


@router.get("/openapi.json", include_in_schema=False)
async def openapi_document(request: Request) -> JSONResponse:
    """This service's own OpenAPI document (the annex's shapes, our base URL)."""
    return JSONResponse(
        served_openapi(
            request, router, ANNEX, DIRECTORY_SERVICE_PREFIX, renames=PATH_PARAMETER_NAMES
        )
    )
