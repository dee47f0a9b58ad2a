"""The Directory Service 1.3.0 search requests (AFNOR XP Z12-013 annex B), as the annex names
their members. Answers are built as the annex's payload objects by the service."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from api.core.input import HumanText, RequestModel

Strict = Literal["strict"]
ContainsOrStrict = Literal["contains", "strict"]
ContainsOrStartWith = Literal["contains", "startWith"]
ContainsOrStrictOrStartWith = Literal["contains", "strict", "startWith"]
StrictOrStartWith = Literal["strict", "startWith"]

SirenField = Literal["siren", "businessName", "entityType", "administrativeStatus", "instructions"]
SiretField = Literal[
    "siret",
    "siren",
    "name",
    "facilityType",
    "administrativeStatus",
    "siretInstructions",
    "address",
    "pmStatus",
    "pmOnly",
    "managesPaymentStatus",
    "managesLegalCommitment",
    "managesLegalCommitmentOrService",
    "serviceCodeStatus",
]
RoutingCodeField = Literal[
    "siret",
    "routingIdentifierType",
    "routingCodeName",
    "routingIdentifier",
    "managesLegalCommitmentCode",
    "administrativeStatus",
    "address",
]
DirectoryLineField = Literal[
    "addressingIdentifier", "siren", "siret", "routingIdentifier", "addressingSuffix"
]
Order = Literal["ascending", "descending"]


class _Annex(RequestModel):
    """The search bodies of the standard: strict JSON types like every body of this API, but
    members the annex may add in a later minor version are ignored, not refused."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class _Criterion(_Annex):
    value: HumanText | None = Field(None, max_length=400)


class AdministrativeStatusCriterion(_Annex):
    op: Strict = "strict"
    value: Literal["A", "C"] | None = None


class EntityTypeCriterion(_Annex):
    op: Strict = "strict"
    value: Literal["Public", "PrivateVatRegistered"] | None = None


class FacilityTypeCriterion(_Annex):
    op: Strict = "strict"
    value: Literal["P", "S"] | None = None


class StrictCriterion(_Criterion):
    op: Strict = "strict"


class ContainsOrStrictCriterion(_Criterion):
    op: ContainsOrStrict = "strict"


class ContainsOrStartWithCriterion(_Criterion):
    op: ContainsOrStartWith = "contains"


class ContainsOrStrictOrStartWithCriterion(_Criterion):
    op: ContainsOrStrictOrStartWith = "contains"


class StrictOrStartWithCriterion(_Criterion):
    op: StrictOrStartWith = "strict"


class _Sorting(_Annex):
    order: Order = "ascending"


class SirenSorting(_Sorting):
    field: SirenField | None = None


class SiretSorting(_Sorting):
    field: SiretField | None = None


class RoutingCodeSorting(_Sorting):
    field: RoutingCodeField | None = None


class DirectoryLineSorting(_Sorting):
    field: DirectoryLineField | None = None


class _Search(_Annex):
    limit: int = Field(50, ge=1, le=1000)
    ignore: int = Field(0, ge=0)


class SearchSirenFilters(_Annex):
    siren: StrictCriterion | None = None
    businessName: ContainsOrStrictOrStartWithCriterion | None = None
    entityType: EntityTypeCriterion | None = None
    administrativeStatus: AdministrativeStatusCriterion | None = None


class SearchSiren(_Search):
    filters: SearchSirenFilters = Field(default_factory=SearchSirenFilters)
    sorting: list[SirenSorting] | None = None
    fields: list[SirenField] | None = None


class SearchSiretFilters(_Annex):
    siret: StrictCriterion | None = None
    siren: StrictCriterion | None = None
    facilityType: FacilityTypeCriterion | None = None
    name: ContainsOrStrictOrStartWithCriterion | None = None
    addressLines: ContainsOrStartWithCriterion | None = None
    postalCode: StrictOrStartWithCriterion | None = None
    countrySubdivision: StrictCriterion | None = None
    locality: ContainsOrStrictOrStartWithCriterion | None = None
    administrativeStatus: AdministrativeStatusCriterion | None = None


class SearchSiret(_Search):
    filters: SearchSiretFilters = Field(default_factory=SearchSiretFilters)
    sorting: list[SiretSorting] | None = None
    fields: list[SiretField] | None = None
    include: list[Literal["siren"]] | None = None


class RoutingCodeSearchFilters(_Annex):
    routingIdentifier: ContainsOrStrictCriterion | None = None
    siret: StrictCriterion | None = None
    routingCodeName: ContainsOrStrictCriterion | None = None
    administrativeStatus: AdministrativeStatusCriterion | None = None
    addressLines: ContainsOrStartWithCriterion | None = None
    postalCode: StrictOrStartWithCriterion | None = None
    locality: ContainsOrStrictOrStartWithCriterion | None = None


class RoutingCodeSearch(_Search):
    filters: RoutingCodeSearchFilters = Field(default_factory=RoutingCodeSearchFilters)
    sorting: list[RoutingCodeSorting] | None = None
    fields: list[RoutingCodeField] | None = None
    include: list[Literal["siren", "siret"]] | None = None


class SearchDirectoryLineFilters(_Annex):
    addressingIdentifier: ContainsOrStrictCriterion | None = None
    siren: StrictCriterion | None = None
    siret: StrictCriterion | None = None
    routingIdentifier: ContainsOrStrictCriterion | None = None
    addressingSuffix: ContainsOrStrictCriterion | None = None


class SearchDirectoryLine(_Search):
    filters: SearchDirectoryLineFilters = Field(default_factory=SearchDirectoryLineFilters)
    sorting: list[DirectoryLineSorting] | None = None
    fields: list[DirectoryLineField] | None = None
    include: list[Literal["siren", "siret", "routingCode"]] | None = None
