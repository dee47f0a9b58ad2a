"""What the API shows of a company found in the registry."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.adapters.company_registry import AdministrativeState, Company


class CompanyOut(BaseModel):
    """A company as the registry describes it (through its head office unless looked up by
    the SIRET of another establishment)."""

    siren: str = Field(examples=["356000000"])
    siret: str | None = Field(
        description="The establishment described: the head office unless looked up by SIRET."
    )
    head_office_siret: str | None
    legal_name: str | None = Field(description="None when the company is non-diffusible.")
    address: str | None = Field(description="Street line; None when non-diffusible.")
    postal_code: str | None
    city: str | None
    nature_juridique: str | None = Field(description="INSEE legal category code, e.g. 5710.")
    nature_juridique_label: str | None
    activite_principale: str | None = Field(description="NAF code, e.g. 69.20Z.")
    state: AdministrativeState
    establishment_state: AdministrativeState | None
    vat_number: str = Field(description="French VAT number computed from the SIREN.")
    non_diffusible: bool = Field(
        description="INSEE partial diffusion: the name and street address are withheld."
    )

    @classmethod
    def from_company(cls, company: Company) -> CompanyOut:
        return cls(
            siren=company.siren,
            siret=company.siret,
            head_office_siret=company.head_office_siret,
            legal_name=company.legal_name,
            address=company.address,
            postal_code=company.postal_code,
            city=company.city,
            nature_juridique=company.nature_juridique,
            nature_juridique_label=company.nature_juridique_label,
            activite_principale=company.activite_principale,
            state=company.state,
            establishment_state=company.establishment_state,
            vat_number=company.vat_number,
            non_diffusible=company.non_diffusible,
        )


class CompanySearchOut(BaseModel):
    items: list[CompanyOut]
