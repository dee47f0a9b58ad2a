"""Company lookup: deciding whether a query is a SIREN, a SIRET, a VAT number or a name, and
the identifier checks every domain uses (client add, Excel import)."""

from __future__ import annotations

import re
import unicodedata

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from api.adapters.company_registry import Company, CompanyRegistry
from api.core.errors import AppError, FieldError, UnprocessableEntity
from api.core.input import INVISIBLE_CHARACTERS

DEFAULT_LIMIT = 10
MAX_LIMIT = 25
# The public registry refuses shorter name searches; the local one would match too much.
MIN_NAME_LENGTH = 3
# What people put between the digits of an identifier (spaces, the no-break spaces of French
# number formatting, dots, dashes), and what they paste without seeing it (a zero-width space
# from a web page, a bidi mark): none of it is part of the identifier.
_IDENTIFIER_NOISE = re.compile(r"[\s.\-" + "".join(sorted(INVISIBLE_CHARACTERS)) + "]")


def compact_identifier(text: str) -> str:
    """The one normalisation of a typed or imported identifier, for search, add and import:
    compatibility forms folded (full-width digits), noise removed, letters in upper case."""
    return _IDENTIFIER_NOISE.sub("", unicodedata.normalize("NFKC", text)).upper()


def siren_of_vat_number(compact: str) -> str | None:
    """The SIREN inside a valid French VAT number (`FR` + 2-digit key + SIREN), else None."""
    if compact.startswith("FR") and compact[2:].isdigit() and len(compact) == 13:
        return compact[4:] if stdnum_tva.is_valid(compact) else None
    return None


def restore_leading_zeros(number: int) -> str:
    """An identifier a spreadsheet stored as a number has lost its leading zeros
    (`012345674` → 12345674): padded back to a SIREN's 9 or a SIRET's 14 digits when the
    result is a valid one, else the digits as they are (and the check says why)."""
    digits = str(number)
    for length, validator in ((9, stdnum_siren), (14, stdnum_siret)):
        if len(digits) < length:
            padded = digits.zfill(length)
            return padded if validator.is_valid(padded) else digits
    return digits


class InvalidSiren(UnprocessableEntity):
    code = "invalid-siren"
    title = "SIREN invalide"


class CompanyClosed(UnprocessableEntity):
    """The registry says the company (or the establishment) has ceased trading."""

    code = "company-closed"
    title = "Entreprise fermée"


class InvalidSiret(AppError):
    status = 422
    code = "invalid-siret"
    title = "SIRET invalide"


class InvalidCompanyQuery(AppError):
    status = 422
    code = "invalid-company-query"
    title = "Recherche d'entreprise invalide"


def _query_error(error_class: type[AppError], detail: str, pointer: str) -> AppError:
    return error_class(
        detail, errors=[FieldError(pointer=pointer, detail=detail, code=error_class.code)]
    )


def validate_siren(value: str, *, pointer: str = "/query/q") -> str:
    """The 9-digit SIREN, spaces removed, or a French 422 saying what is wrong."""
    compact = compact_identifier(value)
    if not compact.isdigit() or len(compact) != 9:
        raise _query_error(InvalidSiren, "Un SIREN compte exactement 9 chiffres.", pointer)
    try:
        return str(stdnum_siren.validate(compact))
    except StdnumValidationError as error:
        raise _query_error(
            InvalidSiren, "Ce SIREN n'existe pas : sa clé de contrôle est fausse.", pointer
        ) from error


def validate_siret(value: str, *, pointer: str = "/query/q") -> str:
    """The 14-digit SIRET (Luhn, or La Poste's digit-sum rule for its establishments)."""
    compact = compact_identifier(value)
    if not compact.isdigit() or len(compact) != 14:
        raise _query_error(InvalidSiret, "Un SIRET compte exactement 14 chiffres.", pointer)
    try:
        return str(stdnum_siret.validate(compact))
    except StdnumValidationError as error:
        raise _query_error(
            InvalidSiret, "Ce SIRET n'existe pas : sa clé de contrôle est fausse.", pointer
        ) from error


async def search_companies(
    registry: CompanyRegistry, query: str, limit: int = DEFAULT_LIMIT
) -> list[Company]:
    """Companies matching `query`: a SIREN (9 digits), a SIRET (14), a French VAT number,
    or otherwise a name."""
    limit = max(1, min(limit, MAX_LIMIT))
    compact = compact_identifier(query)
    if compact.isdigit():
        if len(compact) == 9:
            company = await registry.get_by_siren(validate_siren(compact))
        elif len(compact) == 14:
            company = await registry.get_by_siret(validate_siret(compact))
        else:
            raise _query_error(
                InvalidCompanyQuery,
                "Un SIREN compte 9 chiffres et un SIRET 14 ; saisissez l'un ou l'autre, ou un nom.",
                "/query/q",
            )
        return [company] if company else []
    if compact.startswith("FR") and compact[2:].isdigit() and len(compact) == 13:
        siren = siren_of_vat_number(compact)
        if siren is None:
            raise _query_error(
                InvalidCompanyQuery, "Ce numéro de TVA intracommunautaire est invalide.", "/query/q"
            )
        company = await registry.get_by_siren(siren)
        return [company] if company else []
    name = " ".join(query.split())
    if len(name) < MIN_NAME_LENGTH:
        raise _query_error(
            InvalidCompanyQuery,
            f"Saisissez au moins {MIN_NAME_LENGTH} caractères du nom, un SIREN ou un SIRET.",
            "/query/q",
        )
    return await registry.search(name, limit)
