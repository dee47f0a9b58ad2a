"""What every company registry answers: the `Company` value object and the interface."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from stdnum.fr import siren as stdnum_siren

from api.adapters.company_registry.legal_forms import legal_form_label
from api.core.errors import AppError


class AdministrativeState(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Company:
    """A legal unit as a registry describes it, seen through one of its establishments.

    `siret` is the establishment the answer describes: the head office, unless the lookup
    was by the SIRET of a secondary establishment. For a non-diffusible unit (INSEE
    statutDiffusion `P`), the name and street address are None: they are never carried.
    """

    siren: str
    siret: str | None
    head_office_siret: str | None
    legal_name: str | None
    address: str | None
    postal_code: str | None
    city: str | None
    nature_juridique: str | None
    activite_principale: str | None
    state: AdministrativeState
    establishment_state: AdministrativeState | None
    non_diffusible: bool

    @property
    def vat_number(self) -> str:
        return vat_number_from_siren(self.siren)

    @property
    def nature_juridique_label(self) -> str | None:
        return legal_form_label(self.nature_juridique)

    @property
    def is_closed(self) -> bool:
        return self.state is AdministrativeState.CLOSED


class CompanyRegistry(Protocol):
    """Looks companies up by name, SIREN or SIRET. Identifiers are given already valid."""

    async def search(self, query: str, limit: int) -> list[Company]: ...

    async def get_by_siren(self, siren: str) -> Company | None: ...

    async def get_by_siret(self, siret: str) -> Company | None: ...

    async def lookup_many(self, identifiers: Sequence[str]) -> dict[str, Company]:
        """Companies by SIREN (9 digits) or SIRET (14), keyed by the identifier given; the
        unknown ones are absent. Imports use it instead of one lookup per row."""
        ...


class CompanyRegistryUnavailable(AppError):
    status = 503
    code = "company-registry-unavailable"
    title = "Le registre des entreprises est momentanément indisponible"


class CompanyRegistryBadAnswer(AppError):
    status = 502
    code = "company-registry-bad-answer"
    title = "Le registre des entreprises a renvoyé une réponse illisible"


def vat_number_from_siren(siren: str) -> str:
    """The French intra-community VAT number: FR, key (12 + 3 × (SIREN mod 97)) mod 97, SIREN."""
    return "FR" + str(stdnum_siren.to_tva(siren))


_WORD_SEPARATORS = re.compile(r"[^a-z0-9]+")
# Ligatures that NFKD leaves whole but that people type as two letters.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def search_words(text: str) -> list[str]:
    """Lower-case, accent-free words: "Électricité  d'Œuvre" → ["electricite", "d", "oeuvre"]."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return [word for word in _WORD_SEPARATORS.split(bare) if word]


def search_name(*names: str | None) -> str | None:
    """The stored search column: " word word …" (see `SireneUnit.search_name`)."""
    words: list[str] = []
    for name in names:
        if name:
            words.extend(word for word in search_words(name) if word not in words)
    return "".join(f" {word}" for word in words) or None
