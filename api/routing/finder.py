"""Where an invoice goes: the buyer's address in the directory (*annuaire*).

An invoice names its buyer by SIREN (BT-47), often a SIRET (BT-46), and its electronic address
(BT-49, scheme 0225) may narrow it to a routing code (« SIREN_SIRET_CODE ») or to a suffix
(« SIREN_SUFFIXE »). The directory may hold a line for any of these addresses; the most specific
one in effect on the invoice date wins (XP Z12-013 directory rules, DESIGN.md):

    SIREN + SIRET + routing code  >  SIREN + SIRET  >  SIREN + suffix  >  SIREN

Pure functions: `candidate_addresses` lists the addresses to look up, `choose_line` picks the
line among what the directory answered for them. `find_line` asks a `Directory` for each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from api.adapters.directory import (
    Directory,
    DirectoryAddress,
    DirectoryLine,
    Found,
    LookUpAddress,
)

_SIREN = re.compile(r"\d{9}")
_SIRET = re.compile(r"\d{14}")


class DirectoryUnavailable(Exception):
    """The directory did not answer a look-up: routing is tried again later."""


@dataclass(frozen=True, slots=True)
class Buyer:
    """What an invoice says about where its buyer receives invoices."""

    siren: str | None
    siret: str | None = None
    routing_code: str | None = None
    electronic_address: str | None = None  # BT-49 as written

    @property
    def suffix(self) -> str | None:
        """The suffix of a « SIREN_SUFFIXE » electronic address (not a SIRET)."""
        if not self.electronic_address or not self.siren:
            return None
        siren, _, rest = re.sub(r"\s", "", self.electronic_address).partition("_")
        if siren != self.siren or not rest or "_" in rest or _SIRET.fullmatch(rest):
            return None
        return rest


def _address(**parts: str | None) -> DirectoryAddress | None:
    try:
        return DirectoryAddress.model_validate(parts)
    except ValidationError:  # a code the directory could not hold: no such line
        return None


def candidate_addresses(buyer: Buyer) -> list[DirectoryAddress]:
    """The buyer's addresses, most specific first; empty without a usable SIREN."""
    if buyer.siren is None or not _SIREN.fullmatch(buyer.siren):
        return []
    siret = buyer.siret if buyer.siret and buyer.siret.startswith(buyer.siren) else None
    wanted: list[DirectoryAddress | None] = []
    if siret and buyer.routing_code:
        wanted.append(
            _address(siren=buyer.siren, siret=siret, routing_identifier=buyer.routing_code)
        )
    if siret:
        wanted.append(_address(siren=buyer.siren, siret=siret))
    if buyer.suffix:
        wanted.append(_address(siren=buyer.siren, addressing_suffix=buyer.suffix))
    wanted.append(_address(siren=buyer.siren))
    return [address for address in wanted if address is not None]


def choose_line(
    candidates: Sequence[DirectoryAddress],
    lines: Mapping[str, Sequence[DirectoryLine]],
    day: date,
) -> DirectoryLine | None:
    """The line in effect on `day` of the first candidate that has one (`lines` by addressing
    identifier). A narrower address whose line ended falls back to the wider ones."""
    for address in candidates:
        for line in lines.get(address.addressing_identifier, ()):
            if line.in_effect_on(day):
                return line
    return None


async def find_line(directory: Directory, buyer: Buyer, day: date) -> DirectoryLine | None:
    """Ask the directory for each candidate address, most specific first, and stop at the
    first one with a line in effect on `day`. Raises `DirectoryUnavailable` if it fails."""
    for address in candidate_addresses(buyer):
        outcome = await directory.attempt(LookUpAddress(address=address))
        if not isinstance(outcome, Found):
            raise DirectoryUnavailable(getattr(outcome, "detail", type(outcome).__name__))
        line = choose_line([address], {address.addressing_identifier: outcome.lines}, day)
        if line is not None:
            return line
    return None
