"""Identity check of a firm's owner from the machine readable zone (MRZ) of an ID document.

The mobile app reads the MRZ of the owner's identity card or passport and posts its lines; this
module checks them against ICAO Doc 9303 (8th edition) and against the name the profession's SSO
vouched for. Supported layouts:

- TD1, 3 lines of 30 (Doc 9303 part 5): identity cards, among them the French card since 2021;
- TD3, 2 lines of 44 (Doc 9303 part 4): passports;
- the French national identity card of 1988-2021, 2 lines of 36 (not ICAO: its own layout, no
  expiry date in the MRZ, so validity is derived from the issue month the document number holds).

The result is evidence to keep: `verified` or `rejected` with a stable reason code, a French
message, the parsed fields and the SHA-256 of the document image when one was sent. A KYC vendor
can replace this check by implementing `IdentityVerifier`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Protocol

MRZ_CHARACTERS = re.compile(r"[A-Z0-9<]+")
FILLER = "<"


class DocumentFormat(StrEnum):
    TD1 = "td1"
    TD3 = "td3"
    FRENCH_ID_CARD_1988 = "fr-id-1988"


class VerificationStatus(StrEnum):
    VERIFIED = "verified"
    REJECTED = "rejected"


class RejectionReason(StrEnum):
    UNSUPPORTED_FORMAT = "unsupported-format"
    INVALID_CHARACTERS = "invalid-characters"
    MALFORMED_FIELD = "malformed-field"
    DOCUMENT_NUMBER_CHECK_DIGIT = "document-number-check-digit"
    BIRTH_DATE_CHECK_DIGIT = "birth-date-check-digit"
    EXPIRY_DATE_CHECK_DIGIT = "expiry-date-check-digit"
    OPTIONAL_DATA_CHECK_DIGIT = "optional-data-check-digit"
    COMPOSITE_CHECK_DIGIT = "composite-check-digit"
    INVALID_DATE = "invalid-date"
    DOCUMENT_EXPIRED = "document-expired"
    NAME_MISMATCH = "name-mismatch"


_RETYPE = "Vérifiez la saisie ou reprenez la photo de la bande MRZ."
MESSAGES: dict[RejectionReason | None, str] = {
    None: "Identité vérifiée : le document est valide et correspond à votre identité.",
    RejectionReason.UNSUPPORTED_FORMAT: "Document non reconnu : seuls la carte d'identité et le "
    "passeport sont acceptés (2 lignes de 44 ou 36 caractères, ou 3 lignes de 30).",
    RejectionReason.INVALID_CHARACTERS: "La bande MRZ contient des caractères non autorisés "
    f"(seuls A-Z, 0-9 et « < » le sont). {_RETYPE}",
    RejectionReason.MALFORMED_FIELD: f"La bande MRZ est mal formée. {_RETYPE}",
    RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT: "Clé de contrôle du numéro de document "
    f"incorrecte. {_RETYPE}",
    RejectionReason.BIRTH_DATE_CHECK_DIGIT: "Clé de contrôle de la date de naissance "
    f"incorrecte. {_RETYPE}",
    RejectionReason.EXPIRY_DATE_CHECK_DIGIT: "Clé de contrôle de la date d'expiration "
    f"incorrecte. {_RETYPE}",
    RejectionReason.OPTIONAL_DATA_CHECK_DIGIT: "Clé de contrôle des données complémentaires "
    f"incorrecte. {_RETYPE}",
    RejectionReason.COMPOSITE_CHECK_DIGIT: f"Clé de contrôle globale incorrecte. {_RETYPE}",
    RejectionReason.INVALID_DATE: f"Une date de la bande MRZ n'existe pas. {_RETYPE}",
    RejectionReason.DOCUMENT_EXPIRED: "Ce document est expiré : présentez une pièce d'identité "
    "en cours de validité.",
    RejectionReason.NAME_MISMATCH: "Le nom ou les prénoms du document ne correspondent pas à "
    "l'identité transmise par votre fournisseur d'identité (le nom de naissance fait foi).",
}


@dataclass(frozen=True)
class MrzFields:
    """What the MRZ says, names in their MRZ spelling (A-Z, components separated by spaces)."""

    document_format: DocumentFormat
    document_code: str
    issuing_state: str
    document_number: str
    nationality: str
    surname: str
    given_names: tuple[str, ...]
    birth_date: date | None
    sex: str | None
    expiry_date: date
    optional_data: str
    # A name too long for its field is cut (Doc 9303 part 3 §4.6): its last part is a prefix.
    surname_truncated: bool
    given_names_truncated: bool


@dataclass(frozen=True)
class HolderName:
    """The person the document must belong to, as the SSO named them."""

    given_names: str
    family_name: str


@dataclass(frozen=True)
class IdentityDocument:
    """What the app submits: the MRZ lines, and optionally the image they were read from."""

    mrz_lines: Sequence[str]
    document_bytes: bytes | None = None


@dataclass(frozen=True)
class IdentityCheckResult:
    status: VerificationStatus
    reason: RejectionReason | None
    message: str
    fields: MrzFields | None
    document_sha256: str | None
    verifier: str
    checked_at: datetime

    @property
    def verified(self) -> bool:
        return self.status is VerificationStatus.VERIFIED


class IdentityVerifier(Protocol):
    """Checks that an identity document is valid and belongs to the expected person."""

    name: str

    async def verify(self, document: IdentityDocument, holder: HolderName) -> IdentityCheckResult:
        """Return a `verified` or `rejected` result; never raise for a bad document."""
        ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class MrzIdentityVerifier:
    """The embedded verifier: ICAO 9303 MRZ checks, no third party involved."""

    name = "icao-9303-mrz"

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock

    async def verify(self, document: IdentityDocument, holder: HolderName) -> IdentityCheckResult:
        return check_identity_document(document, holder, now=self._clock())


def check_identity_document(
    document: IdentityDocument, holder: HolderName, *, now: datetime
) -> IdentityCheckResult:
    """Parse and check an MRZ against Doc 9303 and the holder's name, as of `now`."""
    fields: MrzFields | None = None
    reason: RejectionReason | None
    try:
        fields = parse_mrz(document.mrz_lines, today=now.date())
        if fields.expiry_date < now.date():
            raise MrzRejected(RejectionReason.DOCUMENT_EXPIRED)
        if not names_match(fields, holder):
            raise MrzRejected(RejectionReason.NAME_MISMATCH)
        reason = None
    except MrzRejected as rejection:
        reason = rejection.reason
    return IdentityCheckResult(
        status=VerificationStatus.VERIFIED if reason is None else VerificationStatus.REJECTED,
        reason=reason,
        message=MESSAGES[reason],
        fields=fields,
        document_sha256=(
            hashlib.sha256(document.document_bytes).hexdigest()
            if document.document_bytes is not None
            else None
        ),
        verifier=MrzIdentityVerifier.name,
        checked_at=now,
    )


class MrzRejected(Exception):
    def __init__(self, reason: RejectionReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


# --- Parsing -----------------------------------------------------------------------------------


def check_digit(field: str) -> str:
    """Doc 9303 part 3 §4.9: weights 7, 3, 1; A-Z count 10-35 and the filler 0; sum modulo 10."""
    total = 0
    for position, character in enumerate(field):
        if character.isdigit():
            value = int(character)
        elif character == FILLER:
            value = 0
        else:
            value = ord(character) - ord("A") + 10
        total += value * (7, 3, 1)[position % 3]
    return str(total % 10)


def _require_check_digit(field: str, digit: str, reason: RejectionReason) -> None:
    if digit != check_digit(field):
        raise MrzRejected(reason)


def parse_mrz(lines: Sequence[str] | str, *, today: date) -> MrzFields:
    """Recognise the layout from the line count and lengths, then check every field."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    # OCR output often carries stray blanks and lower case; the MRZ itself never does.
    mrz = [line.strip().upper() for line in lines if line.strip()]
    if any(MRZ_CHARACTERS.fullmatch(line) is None for line in mrz):
        raise MrzRejected(RejectionReason.INVALID_CHARACTERS)
    shape = [len(line) for line in mrz]
    if shape == [30, 30, 30]:
        return _parse_td1(*mrz, today=today)
    if shape == [44, 44]:
        return _parse_td3(*mrz, today=today)
    if shape == [36, 36] and mrz[0].startswith("IDFRA"):
        return _parse_french_id_card_1988(*mrz, today=today)
    raise MrzRejected(RejectionReason.UNSUPPORTED_FORMAT)


def _parse_td3(line1: str, line2: str, *, today: date) -> MrzFields:
    # Doc 9303 part 4 §4.2.2 (positions are 1-based there, 0-based here).
    if line1[0] != "P":
        raise MrzRejected(RejectionReason.UNSUPPORTED_FORMAT)
    document_number, personal_number = line2[0:9], line2[28:42]
    _require_check_digit(document_number, line2[9], RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT)
    _require_check_digit(line2[13:19], line2[19], RejectionReason.BIRTH_DATE_CHECK_DIGIT)
    _require_check_digit(line2[21:27], line2[27], RejectionReason.EXPIRY_DATE_CHECK_DIGIT)
    # An empty personal number may carry a filler instead of 0 as its check digit (note k).
    if not (personal_number == FILLER * 14 and line2[42] in {FILLER, "0"}):
        _require_check_digit(personal_number, line2[42], RejectionReason.OPTIONAL_DATA_CHECK_DIGIT)
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    _require_check_digit(composite, line2[43], RejectionReason.COMPOSITE_CHECK_DIGIT)
    surname, given_names = _split_names(line1[5:44])
    return MrzFields(
        document_format=DocumentFormat.TD3,
        document_code=line1[0:2].rstrip(FILLER),
        issuing_state=_state(line1[2:5]),
        document_number=document_number.rstrip(FILLER),
        nationality=_state(line2[10:13]),
        surname=surname,
        given_names=given_names,
        birth_date=_birth_date(line2[13:19], today=today),
        sex=_sex(line2[20]),
        expiry_date=_expiry_date(line2[21:27], today=today),
        optional_data=personal_number.rstrip(FILLER),
        surname_truncated=_is_truncated(line1[5:44]) and not given_names,
        given_names_truncated=_is_truncated(line1[5:44]),
    )


def _parse_td1(line1: str, line2: str, line3: str, *, today: date) -> MrzFields:
    # Doc 9303 part 5 §4.2.2.
    if line1[0] not in {"I", "A", "C"}:
        raise MrzRejected(RejectionReason.UNSUPPORTED_FORMAT)
    document_number, optional_data = _td1_document_number(line1[5:14], line1[14], line1[15:30])
    _require_check_digit(line2[0:6], line2[6], RejectionReason.BIRTH_DATE_CHECK_DIGIT)
    _require_check_digit(line2[8:14], line2[14], RejectionReason.EXPIRY_DATE_CHECK_DIGIT)
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    _require_check_digit(composite, line2[29], RejectionReason.COMPOSITE_CHECK_DIGIT)
    surname, given_names = _split_names(line3)
    return MrzFields(
        document_format=DocumentFormat.TD1,
        document_code=line1[0:2].rstrip(FILLER),
        issuing_state=_state(line1[2:5]),
        document_number=document_number,
        nationality=_state(line2[15:18]),
        surname=surname,
        given_names=given_names,
        birth_date=_birth_date(line2[0:6], today=today),
        sex=_sex(line2[7]),
        expiry_date=_expiry_date(line2[8:14], today=today),
        optional_data=" ".join(
            part for part in (optional_data.strip(FILLER), line2[18:29].strip(FILLER)) if part
        ),
        surname_truncated=_is_truncated(line3) and not given_names,
        given_names_truncated=_is_truncated(line3),
    )


def _td1_document_number(head: str, digit: str, optional_data: str) -> tuple[str, str]:
    """The document number and what is left of the first optional data field.

    Doc 9303 part 5 note j: a number longer than 9 characters keeps its first 9 in place, puts a
    filler where the check digit would be, and continues in the optional data, followed by its
    check digit and a filler.
    """
    if digit != FILLER:
        _require_check_digit(head, digit, RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT)
        return head.rstrip(FILLER), optional_data
    tail, _, rest = optional_data.partition(FILLER)
    if len(tail) < 2:
        raise MrzRejected(RejectionReason.MALFORMED_FIELD)
    number = head + tail[:-1]
    _require_check_digit(number, tail[-1], RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT)
    return number, rest


# The 1988-2021 French card names give 25 characters to the surname, 14 to the given names.
_FRENCH_ADULT_15_YEARS = (date(2004, 1, 1), date(2013, 12, 31))


def _parse_french_id_card_1988(line1: str, line2: str, *, today: date) -> MrzFields:
    # Layout (arrêté of 1988 on the carte nationale d'identité sécurisée):
    # line 1: "IDFRA", surname (25), issuing department (3) and office (3);
    # line 2: document number (12: issue YYMM, department, sequence), its check digit, given
    # names (14, separated by "<<"), birth date, its check digit, sex, composite check digit
    # over line 1 and the first 35 characters of line 2.
    document_number = line2[0:12]
    _require_check_digit(document_number, line2[12], RejectionReason.DOCUMENT_NUMBER_CHECK_DIGIT)
    _require_check_digit(line2[27:33], line2[33], RejectionReason.BIRTH_DATE_CHECK_DIGIT)
    _require_check_digit(line1 + line2[0:35], line2[35], RejectionReason.COMPOSITE_CHECK_DIGIT)
    surname_field, given_names_field = line1[5:30], line2[13:27]
    surname = _components(surname_field)
    given_names = tuple(_components(name) for name in given_names_field.split("<<") if name)
    if not surname:
        raise MrzRejected(RejectionReason.MALFORMED_FIELD)
    birth_date = _birth_date(line2[27:33], today=today)
    return MrzFields(
        document_format=DocumentFormat.FRENCH_ID_CARD_1988,
        document_code="ID",
        issuing_state="FRA",
        document_number=document_number,
        nationality="FRA",
        surname=surname,
        given_names=given_names,
        birth_date=birth_date,
        sex=_sex(line2[34]),
        expiry_date=_french_1988_expiry(document_number[0:4], birth_date, today=today),
        optional_data=line1[30:36],
        surname_truncated=_is_truncated(surname_field),
        given_names_truncated=_is_truncated(given_names_field),
    )


def _french_1988_expiry(issue_yymm: str, birth_date: date | None, *, today: date) -> date:
    """Valid 10 years; 15 for adults issued 2004-2013 (décret n° 2013-1188 of 18 December 2013).

    The MRZ holds only the issue month, so the card counts as expired from the first day of its
    last month: a few weeks early at worst, never late.
    """
    if not issue_yymm.isdigit():
        raise MrzRejected(RejectionReason.MALFORMED_FIELD)
    year, month = int(issue_yymm[0:2]), int(issue_yymm[2:4])
    year += 2000 if 2000 + year <= today.year else 1900
    if not 1 <= month <= 12:
        raise MrzRejected(RejectionReason.INVALID_DATE)
    issued = date(year, month, 1)
    adult = birth_date is not None and _years_between(birth_date, issued) >= 18
    years = 15 if adult and _FRENCH_ADULT_15_YEARS[0] <= issued <= _FRENCH_ADULT_15_YEARS[1] else 10
    return date(year + years, month, 1)


def _years_between(earlier: date, later: date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _is_truncated(name_field: str) -> bool:
    return not name_field.endswith(FILLER)


def _components(field: str) -> str:
    return " ".join(part for part in field.split(FILLER) if part)


def _split_names(field: str) -> tuple[str, tuple[str, ...]]:
    """Doc 9303 part 3 §4.6: primary identifier, "<<", secondary identifiers split by "<"."""
    primary, _, secondary = field.partition("<<")
    surname = _components(primary)
    if not surname:
        raise MrzRejected(RejectionReason.MALFORMED_FIELD)
    return surname, tuple(part for part in secondary.split(FILLER) if part)


def _state(code: str) -> str:
    # Germany is "D<<"; every other state, organisation or nationality code has three letters.
    if not re.fullmatch(r"[A-Z]{1,3}<{0,2}", code):
        raise MrzRejected(RejectionReason.MALFORMED_FIELD)
    return code.rstrip(FILLER)


def _sex(character: str) -> str | None:
    if character not in {"M", "F", "X", FILLER}:
        raise MrzRejected(RejectionReason.MALFORMED_FIELD)
    return None if character in {"X", FILLER} else character


def _date(yymmdd: str, century: int) -> date:
    try:
        return date(century + int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError as exc:
        raise MrzRejected(RejectionReason.INVALID_DATE) from exc


def _birth_date(yymmdd: str, *, today: date) -> date | None:
    # Doc 9303 part 3 §4.7: an unknown day or month is written with fillers.
    if FILLER in yymmdd:
        if not re.fullmatch(r"[0-9]{2}[0-9<]{4}", yymmdd):
            raise MrzRejected(RejectionReason.INVALID_DATE)
        return None
    if not yymmdd.isdigit():
        raise MrzRejected(RejectionReason.INVALID_DATE)
    # Two-digit years: the most recent century that puts the birth in the past.
    born = _date(yymmdd, 2000)
    return born if born <= today else _date(yymmdd, 1900)


def _expiry_date(yymmdd: str, *, today: date) -> date:
    if not yymmdd.isdigit():
        raise MrzRejected(RejectionReason.INVALID_DATE)
    # Documents are valid at most a few decades: a year more than 50 years ahead is in the past.
    expires = _date(yymmdd, 2000)
    return expires if expires.year <= today.year + 50 else _date(yymmdd, 1900)


# --- Names ---------------------------------------------------------------------------------------

# Doc 9303 part 3 §6 transliterations that Unicode decomposition does not give.
_LIGATURES = str.maketrans({"Œ": "OE", "Æ": "AE", "Ø": "O", "Ł": "L", "Đ": "D", "Þ": "TH"})
_APOSTROPHES = re.compile(r"['’ʼ`´]")


def name_parts(text: str) -> list[str]:
    """A name as MRZ parts: upper case, accents removed, apostrophes dropped (O'NEIL is ONEIL)
    and hyphens, spaces and fillers all separating parts (JEAN-PIERRE is JEAN PIERRE)."""
    text = text.upper().translate(_LIGATURES)  # "ß".upper() is already "SS"
    text = "".join(
        character
        for character in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(character)
    )
    text = _APOSTROPHES.sub("", text)
    return [part for part in re.split(r"[^A-Z]+", text) if part]


def _same_part(document_part: str, sso_part: str, *, may_be_truncated: bool) -> bool:
    return document_part == sso_part or (may_be_truncated and sso_part.startswith(document_part))


def names_match(fields: MrzFields, holder: HolderName) -> bool:
    """Whether the document names the SSO's person.

    The family name must be the document's surname (birth name), ignoring case, accents, spaces,
    hyphens and apostrophes. The SSO's given names must appear among the document's, in order:
    "Anna" and "Maria" both match ANNA MARIA, a usual first name being any of the given names.
    Truncated MRZ names match on their prefix.
    """
    sso_surname = "".join(name_parts(holder.family_name))
    document_surname = "".join(name_parts(fields.surname))
    if not sso_surname or not _same_part(
        document_surname, sso_surname, may_be_truncated=fields.surname_truncated
    ):
        return False
    sso_given = name_parts(holder.given_names)
    document_given = [part for name in fields.given_names for part in name_parts(name)]
    if not sso_given:
        return False
    if "".join(sso_given) == "".join(document_given):
        return True  # same letters, parted differently (an apostrophe read as a filler)
    return _in_order(document_given, sso_given, last_truncated=fields.given_names_truncated)


def _in_order(document_parts: list[str], sso_parts: list[str], *, last_truncated: bool) -> bool:
    position = 0
    for sso_part in sso_parts:
        while position < len(document_parts):
            is_last = position == len(document_parts) - 1
            matched = _same_part(
                document_parts[position], sso_part, may_be_truncated=last_truncated and is_last
            )
            position += 1
            if matched:
                break
        else:
            return False
    return True
