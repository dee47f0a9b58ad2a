"""The Directory Service answered from what Comptoir knows: legal units and facilities from the
company registry (`COMPTOIR_COMPANY_REGISTRY`), directory lines and routing codes from the
directory lines Comptoir holds (`directory_lines`, the embedded directory). Read-only.

What the registry cannot list (every company, every facility) is searched by the criteria it
can answer: a SIREN, a SIRET, or a name. Routing codes exist here only as part of a directory
line: Comptoir keeps no other routing-code register.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.company_registry import CompanyRegistry
from api.adapters.company_registry.base import AdministrativeState, Company
from api.afnor_directory import repository, schemas
from api.core.errors import AppError, NotFound
from api.models.directory_line import DirectoryLineRecord

Payload = dict[str, Any]
_DIGITS = re.compile(r"^\d+$")
# Legal forms of category 7 (INSEE): public-law legal persons (State, local authorities…).
PUBLIC_LEGAL_FORM_PREFIX = "7"
ROUTING_IDENTIFIER_TYPE = "0224"  # the directory's scheme for a routing code


class DirectoryResourceNotFound(NotFound):
    code = "MISSING_RESOURCE"
    title = "Ressource introuvable dans l'annuaire"


class DirectorySearchRefused(AppError):
    status = 400
    code = "INVALID_REQUEST"
    title = "Critères de recherche insuffisants"


def _today() -> date:
    return date.today()


def _status(state: AdministrativeState | None) -> str | None:
    if state is None:
        return None
    return "C" if state is AdministrativeState.CLOSED else "A"


def legal_unit(company: Company) -> Payload:
    return {
        "siren": company.siren,
        "businessName": company.legal_name,
        "entityType": "Public"
        if (company.nature_juridique or "").startswith(PUBLIC_LEGAL_FORM_PREFIX)
        else "PrivateVatRegistered",
        "administrativeStatus": _status(company.state),
    }


def _address(company: Company) -> Payload:
    return {
        "addressLine1": company.address,
        "postalCode": company.postal_code,
        "locality": company.city,
        "countryCode": "FR",
        "countryName": "France",
    }


def facility(company: Company, *, with_legal_unit: bool = False) -> Payload:
    payload: Payload = {
        "siret": company.siret,
        "siren": company.siren,
        "name": company.legal_name,
        "facilityType": "P" if company.siret == company.head_office_siret else "S",
        "administrativeStatus": _status(company.establishment_state or company.state),
        "address": _address(company),
    }
    if with_legal_unit:
        payload["legalUnit"] = legal_unit(company)
    return payload


def _line_status(line: DirectoryLineRecord, today: date) -> str:
    if line.date_from > today:
        return "Upcoming"
    if line.date_to is not None and line.date_to < today:
        return "Disabled"
    return "Enabled"


def routing_code(line: DirectoryLineRecord) -> Payload:
    return {
        "routingIdentifier": line.routing_identifier,
        "siret": line.siret,
        "routingIdentifierType": ROUTING_IDENTIFIER_TYPE,
        "routingCodeName": line.routing_identifier,
        "managesLegalCommitmentCode": False,
        "administrativeStatus": "A",
    }


def directory_line(line: DirectoryLineRecord, today: date) -> Payload:
    payload: Payload = {
        "addressingIdentifier": line.addressing_identifier,
        "platformType": "WK",
        "directoryLineStatus": _line_status(line, today),
        "siren": line.siren,
        "siret": line.siret,
        "routingIdentifier": line.routing_identifier,
        "addressingSuffix": line.addressing_suffix,
    }
    if line.routing_identifier:
        payload["routingCode"] = {
            key: value for key, value in routing_code(line).items() if key != "siret"
        } | {"managesLegalCommitment": False}
        payload["routingCode"].pop("managesLegalCommitmentCode", None)
    return payload


def _compact(payload: Payload) -> Payload:
    """Members without a value are left out (the annex marks none as required)."""
    return {key: value for key, value in payload.items() if value is not None}


def _project(payload: Payload, fields: Sequence[str] | None) -> Payload:
    if not fields:
        return _compact(payload)
    return _compact({key: value for key, value in payload.items() if key in fields})


def _matches(value: str | None, criterion: Any) -> bool:
    if criterion is None or criterion.value is None:
        return True
    if value is None:
        return False
    op = getattr(criterion, "op", "strict")
    wanted, actual = str(criterion.value).casefold(), value.casefold()
    if op == "contains":
        return wanted in actual
    if op == "startWith":
        return actual.startswith(wanted)
    return wanted == actual


def _sorted(payloads: list[Payload], sorting: Sequence[schemas._Sorting] | None) -> list[Payload]:
    for sort in reversed(sorting or []):
        field: str | None = getattr(sort, "field")  # noqa: B009  (each class names its own)
        if field is None:
            continue

        def key(payload: Payload, field: str = field) -> tuple[bool, str]:
            return payload.get(field) is None, str(payload.get(field) or "")

        payloads.sort(key=key, reverse=sort.order == "descending")
    return payloads


def _page(
    search: schemas._Search, payloads: list[Payload], fields: Sequence[str] | None
) -> tuple[int, list[Payload]]:
    window = payloads[search.ignore : search.ignore + search.limit]
    return len(payloads), [_project(payload, fields) for payload in window]


def _answer(search: schemas._Search, total: int, results: list[Payload]) -> Payload:
    return {
        "search": search.model_dump(exclude_none=True),
        "totalNumberOfResults": total,
        "results": results,
    }


def _valid_identifier(value: str, length: int, label: str) -> str:
    compact = value.replace(" ", "")
    if len(compact) != length or not _DIGITS.match(compact):
        raise DirectorySearchRefused(f"Un {label} compte {length} chiffres.")
    return compact


async def _companies_by(
    registry: CompanyRegistry, *, siren: str | None, siret: str | None, name: str | None
) -> list[Company]:
    if siret is not None:
        found = await registry.get_by_siret(_valid_identifier(siret, 14, "SIRET"))
        return [found] if found else []
    if siren is not None:
        found = await registry.get_by_siren(_valid_identifier(siren, 9, "SIREN"))
        return [found] if found else []
    if name is not None and len(name.strip()) >= 3:
        return await registry.search(name.strip(), 200)
    raise DirectorySearchRefused(
        "Indiquez un SIREN, un SIRET ou au moins 3 caractères du nom : le registre ne se "
        "parcourt pas en entier."
    )


async def search_siren(registry: CompanyRegistry, search: schemas.SearchSiren) -> Payload:
    filters = search.filters
    companies = await _companies_by(
        registry,
        siren=filters.siren.value if filters.siren else None,
        siret=None,
        name=filters.businessName.value if filters.businessName else None,
    )
    payloads = [
        legal_unit(company)
        for company in companies
        if _matches(company.legal_name, filters.businessName)
        and _matches(legal_unit(company)["entityType"], filters.entityType)
        and _matches(_status(company.state), filters.administrativeStatus)
    ]
    total, results = _page(search, _sorted(payloads, search.sorting), search.fields)
    return _answer(search, total, results)


async def get_siren(registry: CompanyRegistry, siren: str, fields: Sequence[str] | None) -> Payload:
    company = await registry.get_by_siren(_valid_identifier(siren, 9, "SIREN"))
    if company is None:
        raise DirectoryResourceNotFound("Aucune unité légale n'a ce SIREN.")
    return _project(legal_unit(company), fields)


def _facility_matches(company: Company, filters: schemas.SearchSiretFilters) -> bool:
    payload = facility(company)
    address = payload["address"]
    return (
        _matches(company.siren, filters.siren)
        and _matches(payload["facilityType"], filters.facilityType)
        and _matches(company.legal_name, filters.name)
        and _matches(address.get("addressLine1"), filters.addressLines)
        and _matches(address.get("postalCode"), filters.postalCode)
        and _matches(address.get("locality"), filters.locality)
        and _matches(payload["administrativeStatus"], filters.administrativeStatus)
    )


async def search_siret(registry: CompanyRegistry, search: schemas.SearchSiret) -> Payload:
    filters = search.filters
    companies = await _companies_by(
        registry,
        siren=filters.siren.value if filters.siren else None,
        siret=filters.siret.value if filters.siret else None,
        name=filters.name.value if filters.name else None,
    )
    with_unit = "siren" in (search.include or [])
    payloads = [
        facility(company, with_legal_unit=with_unit)
        for company in companies
        if company.siret and _facility_matches(company, filters)
    ]
    fields = [*search.fields, "legalUnit"] if search.fields and with_unit else search.fields
    total, results = _page(search, _sorted(payloads, search.sorting), fields)
    return _answer(search, total, results)


async def get_siret(
    registry: CompanyRegistry, siret: str, fields: Sequence[str] | None, include: Iterable[str]
) -> Payload:
    company = await registry.get_by_siret(_valid_identifier(siret, 14, "SIRET"))
    if company is None or company.siret is None:
        raise DirectoryResourceNotFound("Aucun établissement n'a ce SIRET.")
    with_unit = "siren" in include
    payload = facility(company, with_legal_unit=with_unit)
    return _project(payload, [*fields, "legalUnit"] if fields and with_unit else fields)


def _line_matches(line: DirectoryLineRecord, filters: schemas.SearchDirectoryLineFilters) -> bool:
    return (
        _matches(line.addressing_identifier, filters.addressingIdentifier)
        and _matches(line.siren, filters.siren)
        and _matches(line.siret, filters.siret)
        and _matches(line.routing_identifier, filters.routingIdentifier)
        and _matches(line.addressing_suffix, filters.addressingSuffix)
    )


async def _with_relations(
    registry: CompanyRegistry, payload: Payload, line: DirectoryLineRecord, include: Iterable[str]
) -> Payload:
    wanted = set(include)
    if "siren" in wanted:
        company = await registry.get_by_siren(line.siren)
        if company is not None:
            payload["legalUnit"] = legal_unit(company)
    if "siret" in wanted and line.siret:
        company = await registry.get_by_siret(line.siret)
        if company is not None:
            payload["facility"] = _compact(facility(company))
    if "routingCode" not in wanted:
        payload.pop("routingCode", None)
    return payload


def _needs(fields: Sequence[str] | None, include: Iterable[str]) -> list[str] | None:
    if not fields:
        return None
    relations = {"siren": "legalUnit", "siret": "facility", "routingCode": "routingCode"}
    return [*fields, *(relations[name] for name in include)]


async def search_directory_lines(
    session: AsyncSession, registry: CompanyRegistry, search: schemas.SearchDirectoryLine
) -> Payload:
    filters = search.filters
    lines = await repository.lines(
        session,
        siren=filters.siren.value if filters.siren else None,
        siret=filters.siret.value if filters.siret else None,
    )
    today = _today()
    matching = [line for line in lines if _line_matches(line, filters)]
    include = search.include or []
    payloads = [directory_line(line, today) for line in matching]
    total = len(payloads)
    ordered = _sorted(payloads, search.sorting)
    by_identifier = {line.addressing_identifier: line for line in matching}
    window = ordered[search.ignore : search.ignore + search.limit]
    results = [
        _project(
            await _with_relations(
                registry, payload, by_identifier[payload["addressingIdentifier"]], include
            ),
            _needs(search.fields, include),
        )
        for payload in window
    ]
    return _answer(search, total, results)


async def get_directory_line(
    session: AsyncSession,
    registry: CompanyRegistry,
    addressing_identifier: str,
    fields: Sequence[str] | None,
    include: Iterable[str],
) -> Payload:
    line = await repository.current_line(session, addressing_identifier, _today())
    if line is None:
        raise DirectoryResourceNotFound("Aucune ligne d'annuaire n'a cet identifiant d'adressage.")
    payload = directory_line(line, _today())
    payload["directoryLineStatus"] = (
        "Enabled" if payload["directoryLineStatus"] == "Enabled" else "Disabled"
    )
    include = list(include)
    payload = await _with_relations(registry, payload, line, include)
    return _project(payload, _needs(fields, include))


def _routing_matches(line: DirectoryLineRecord, filters: schemas.RoutingCodeSearchFilters) -> bool:
    return (
        _matches(line.routing_identifier, filters.routingIdentifier)
        and _matches(line.siret, filters.siret)
        and _matches(line.routing_identifier, filters.routingCodeName)
        and _matches("A", filters.administrativeStatus)
        and filters.addressLines is None
        and filters.postalCode is None
        and filters.locality is None
    )


async def _routing_payload(
    registry: CompanyRegistry, line: DirectoryLineRecord, include: Iterable[str]
) -> Payload:
    payload = routing_code(line)
    wanted = set(include)
    if "siren" in wanted:
        company = await registry.get_by_siren(line.siren)
        if company is not None:
            payload["legalUnit"] = legal_unit(company)
    if "siret" in wanted and line.siret:
        company = await registry.get_by_siret(line.siret)
        if company is not None:
            payload["facility"] = _compact(facility(company))
    return payload


async def search_routing_codes(
    session: AsyncSession, registry: CompanyRegistry, search: schemas.RoutingCodeSearch
) -> Payload:
    filters = search.filters
    lines = await repository.lines(
        session, siret=filters.siret.value if filters.siret else None, routed_only=True
    )
    unique: dict[tuple[str | None, str | None], DirectoryLineRecord] = {}
    for line in lines:
        if _routing_matches(line, filters):
            unique.setdefault((line.siret, line.routing_identifier), line)
    include = search.include or []
    payloads = [routing_code(line) for line in unique.values()]
    ordered = _sorted(payloads, search.sorting)
    window = ordered[search.ignore : search.ignore + search.limit]
    results = []
    for payload in window:
        line = unique[(payload["siret"], payload["routingIdentifier"])]
        results.append(
            _project(
                await _routing_payload(registry, line, include),
                _needs(search.fields, include),
            )
        )
    return _answer(search, len(payloads), results)


async def get_routing_code(
    session: AsyncSession,
    registry: CompanyRegistry,
    siret: str,
    routing_identifier: str,
    fields: Sequence[str] | None,
    include: Iterable[str],
) -> Payload:
    lines = await repository.lines(
        session, siret=_valid_identifier(siret, 14, "SIRET"), routed_only=True
    )
    line = next((line for line in lines if line.routing_identifier == routing_identifier), None)
    if line is None:
        raise DirectoryResourceNotFound(
            "Aucun code routage de cet établissement n'a cet identifiant."
        )
    include = list(include)
    payload = await _routing_payload(registry, line, include)
    return _project(payload, _needs(fields, include))


FieldsParser = Callable[[str | None], list[str] | None]
