"""Local copy of the INSEE SIRENE register (the embedded company registry), filled by
`comptoir sirene import` from the official stock files.

Only the columns Comptoir shows are kept: the stock files hold about 30 million rows, so each
extra column costs import time and disk. Values INSEE hides (`[ND]`, statutDiffusion `P`)
are stored as NULL, never as text that a query could leak.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.models import Base


class SireneUnit(Base):
    """A legal unit (unité légale) from `StockUniteLegale`."""

    __tablename__ = "sirene_unit"
    __table_args__ = (
        Index(
            "ix_sirene_unit_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    siren: Mapped[str] = mapped_column(String(9), primary_key=True)
    diffusible: Mapped[bool] = mapped_column(Boolean)
    is_active: Mapped[bool] = mapped_column(Boolean)
    legal_name: Mapped[str | None] = mapped_column(String(400))
    # " word word …": lower case, no accents, one space before each word, so that
    # `LIKE '% word%'` matches a word prefix in any order (trigram-indexed on PostgreSQL).
    search_name: Mapped[str | None] = mapped_column(String(600))
    nature_juridique: Mapped[str | None] = mapped_column(String(4))
    activite_principale: Mapped[str | None] = mapped_column(String(8))
    head_office_siret: Mapped[str | None] = mapped_column(String(14))
    # INSEE `categorieEntreprise` (GE, ETI, PME): the e-invoicing calendar depends on it.
    categorie_entreprise: Mapped[str | None] = mapped_column(String(3), default=None)


class SireneEstablishment(Base):
    """An establishment (établissement) from `StockEtablissement`."""

    __tablename__ = "sirene_establishment"
    __table_args__ = (Index("ix_sirene_establishment_siren", "siren"),)

    siret: Mapped[str] = mapped_column(String(14), primary_key=True)
    siren: Mapped[str] = mapped_column(String(9))
    diffusible: Mapped[bool] = mapped_column(Boolean)
    is_active: Mapped[bool] = mapped_column(Boolean)
    is_head_office: Mapped[bool] = mapped_column(Boolean)
    address_line: Mapped[str | None] = mapped_column(String(400))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    activite_principale: Mapped[str | None] = mapped_column(String(8))


class CompanyRegistryCacheEntry(Base):
    """An answer of the remote registry, shared by every API process until it expires."""

    __tablename__ = "company_registry_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[str] = mapped_column(String)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class CompanyRegistryRateSlot(Base):
    """The next free request slot of a rate-limited upstream (epoch seconds).

    One row per upstream; every API process reserves its slot with one atomic
    `UPDATE … RETURNING`, so N processes together stay under the upstream's limit.
    """

    __tablename__ = "company_registry_rate_slot"

    upstream: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_slot_at: Mapped[float] = mapped_column(Float)
