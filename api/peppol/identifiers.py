"""French Peppol participant identifiers (ICD 0225), to and from directory addresses.

A French company receives on Peppol under the scheme `iso6523-actorid-upis` with the
International Code Designator 0225, whose value is the addressing identifier of a line of
the national directory (*annuaire*), in one of four forms (XP Z12-013, the PPF's « Dossier
des spécifications externes », annex on Peppol identifiers):

    0225:SIREN                      the company as a whole
    0225:SIREN_SIRET                one establishment
    0225:SIREN_SIRET_CODEROUTAGE    a routing code (*code routage*) of one establishment
    0225:SIREN_SUFFIXE              a suffix not attached to an establishment

A part after the SIREN that is a SIRET of that SIREN is read as a SIRET, anything else as a
suffix (the finder's rule, `api.routing.finder.Buyer.suffix`). SIREN and SIRET are checked with
their Luhn keys (python-stdnum), so a mistyped number is refused here, not at the directory.

Peppol identifier values of this scheme compare case-insensitively (Peppol Policy for use of
identifiers 4.x, POLICY 1): `FrenchParticipant` keeps the case it was given (routing codes are
written as the directory holds them) and `key` is the lowercased form for comparisons, caches
and the SML host name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from api.adapters.directory import DirectoryAddress, DirectoryLine

PARTICIPANT_SCHEME = "iso6523-actorid-upis"
FRENCH_ICD = "0225"
_SEPARATOR = "::"
# The directory's own pattern for routing codes and suffixes (api.adapters.directory.base).
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,99}")
_DIGITS = re.compile(r"\d+")


class ParticipantForm(StrEnum):
    """The four forms of a 0225 identifier's value."""

    SIREN = "SIREN"
    SIREN_SIRET = "SIREN_SIRET"
    SIREN_SIRET_CODEROUTAGE = "SIREN_SIRET_CODEROUTAGE"
    SIREN_SUFFIXE = "SIREN_SUFFIXE"


class InvalidParticipant(ValueError):
    """The text is not a French Peppol participant identifier; the message says why, in
    French, for a problem's `detail`."""


class ForeignParticipant(InvalidParticipant):
    """A participant of another scheme or another ICD: perhaps a valid Peppol identifier, just
    not a French one (an SMP of ours holds none: 404, not 400)."""


def _check_siren(siren: str) -> str:
    if len(siren) != 9 or not _DIGITS.fullmatch(siren):
        raise InvalidParticipant(f"« {siren} » n'est pas un SIREN (9 chiffres)")
    try:
        return str(stdnum_siren.validate(siren))
    except StdnumValidationError:
        raise InvalidParticipant(f"le SIREN « {siren} » a une clé de contrôle invalide") from None


def _is_siret_of(siren: str, part: str) -> bool:
    return len(part) == 14 and _DIGITS.fullmatch(part) is not None and part.startswith(siren)


def _check_siret(siren: str, siret: str) -> str:
    if not _is_siret_of(siren, siret):
        raise InvalidParticipant(f"« {siret} » n'est pas un SIRET du SIREN {siren}")
    try:
        return str(stdnum_siret.validate(siret))
    except StdnumValidationError:
        raise InvalidParticipant(f"le SIRET « {siret} » a une clé de contrôle invalide") from None


def _check_code(code: str, what: str) -> str:
    if not _CODE.fullmatch(code):
        raise InvalidParticipant(
            f"« {code} » n'est pas un {what} valide (lettres, chiffres, « . » et « - », "
            "100 caractères au plus)"
        )
    return code


@dataclass(frozen=True, slots=True)
class FrenchParticipant:
    """A participant of scheme 0225. Build one with `parse`, `from_address` or `from_line`
    (or the constructor, then `validated()`): the parts are checked there."""

    siren: str
    siret: str | None = None
    routing_code: str | None = None
    suffix: str | None = None

    def validated(self) -> Self:
        """This participant if its parts form one of the four forms, else InvalidParticipant."""
        _check_siren(self.siren)
        if self.suffix is not None:
            if self.siret is not None or self.routing_code is not None:
                raise InvalidParticipant(
                    "un suffixe ne se combine ni avec un SIRET ni avec un code routage"
                )
            _check_code(self.suffix, "suffixe")
            if _is_siret_of(self.siren, self.suffix):
                raise InvalidParticipant(
                    f"« {self.suffix} » est un SIRET du SIREN {self.siren}, pas un suffixe"
                )
        if self.routing_code is not None:
            if self.siret is None:
                raise InvalidParticipant("un code routage est rattaché à un établissement (SIRET)")
            _check_code(self.routing_code, "code routage")
        if self.siret is not None:
            _check_siret(self.siren, self.siret)
        return self

    @property
    def form(self) -> ParticipantForm:
        if self.suffix is not None:
            return ParticipantForm.SIREN_SUFFIXE
        if self.routing_code is not None:
            return ParticipantForm.SIREN_SIRET_CODEROUTAGE
        if self.siret is not None:
            return ParticipantForm.SIREN_SIRET
        return ParticipantForm.SIREN

    @property
    def value(self) -> str:
        """`SIREN`, `SIREN_SIRET`, `SIREN_SIRET_CODEROUTAGE` or `SIREN_SUFFIXE`: the directory's
        addressing identifier."""
        parts = (self.siren, self.siret, self.routing_code, self.suffix)
        return "_".join(part for part in parts if part is not None)

    @property
    def identifier(self) -> str:
        """The Peppol identifier value, `0225:<value>`."""
        return f"{FRENCH_ICD}:{self.value}"

    @property
    def uri(self) -> str:
        """The identifier with its scheme, as SMP paths and SBDH carry it:
        `iso6523-actorid-upis::0225:<value>`."""
        return f"{PARTICIPANT_SCHEME}{_SEPARATOR}{self.identifier}"

    @property
    def key(self) -> str:
        """The identifier lowercased: how two spellings of one participant compare."""
        return self.uri.lower()

    def __str__(self) -> str:
        return self.uri

    @classmethod
    def parse(cls, text: str) -> FrenchParticipant:
        """Read `iso6523-actorid-upis::0225:…`, `0225:…` or a bare `SIREN[_…]` value.

        Raises `InvalidParticipant` for another scheme, another ICD, or a value that is none
        of the four forms."""
        raw = text.strip()
        if _SEPARATOR in raw:
            scheme, _, raw = raw.partition(_SEPARATOR)
            if scheme.lower() != PARTICIPANT_SCHEME:
                raise ForeignParticipant(
                    f"schéma d'identifiant « {scheme} » inconnu (attendu : {PARTICIPANT_SCHEME})"
                )
        if ":" in raw:
            icd, _, raw = raw.partition(":")
            if icd != FRENCH_ICD:
                raise ForeignParticipant(
                    f"code ICD « {icd} » : seuls les identifiants français "
                    f"({FRENCH_ICD}) sont servis"
                )
        if not raw:
            raise InvalidParticipant("identifiant de participant vide")
        siren, *rest = raw.split("_")
        match rest:
            case []:
                participant = cls(siren=siren)
            case [second] if _is_siret_of(siren, second):
                participant = cls(siren=siren, siret=second)
            case [second]:
                participant = cls(siren=siren, suffix=second)
            case [siret, routing_code]:
                participant = cls(siren=siren, siret=siret, routing_code=routing_code)
            case _:
                raise InvalidParticipant(
                    f"« {raw} » a trop de parties (au plus SIREN_SIRET_CODEROUTAGE)"
                )
        return participant.validated()

    @classmethod
    def from_address(cls, address: DirectoryAddress) -> FrenchParticipant:
        """The participant of a directory address (same parts, checked)."""
        return cls(
            siren=address.siren,
            siret=address.siret,
            routing_code=address.routing_identifier,
            suffix=address.addressing_suffix,
        ).validated()

    @classmethod
    def from_line(cls, line: DirectoryLine) -> FrenchParticipant:
        """The participant a directory line publishes."""
        return cls.from_address(line.address)

    def to_address(self) -> DirectoryAddress:
        """The directory address this participant names."""
        return DirectoryAddress(
            siren=self.siren,
            siret=self.siret,
            routing_identifier=self.routing_code,
            addressing_suffix=self.suffix,
        )


def parse_participant(text: str) -> FrenchParticipant:
    """`FrenchParticipant.parse`, as a function for callers that map over texts."""
    return FrenchParticipant.parse(text)
