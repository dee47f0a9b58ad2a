"""The input policy: what every request body, query string and path segment may carry.

Two rules, each in one place:

- **Strict JSON types.** Every request body model derives from `RequestModel`: a JSON value
  must already have the field's JSON type. Pydantic's lax mode would turn `0` into 1970-01-01,
  `false` into the integer 0 or `"5"` into 5; here they are refused with a 422 naming the field.
  Dates, timestamps, ids and enum values travel as JSON strings, as the contract says.
- **One text policy.** Every string an outsider sends is either `HumanText` (names, titles,
  descriptions, searches: normalised to NFC, zero-width and bidirectional controls removed,
  surrounding spaces trimmed; `HumanParagraphs` keeps line breaks) or `MachineText` (secrets,
  signatures, URLs, codes: kept as they are). Both refuse control characters (NUL, CR, LF,
  TAB, …) and lone surrogates with a 422 naming the field: PostgreSQL cannot store NUL, a
  line break in a name would reach a mail line or the log, and a right-to-left override would
  make a name read differently than it sorts and compares.

`tests/core/test_input_policy.py` walks every route of the app and fails when a body model is
not a `RequestModel`, or a body field, query, header or path parameter is a string of neither
kind.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import re
import types
import typing
import unicodedata
import uuid
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    FutureDate,
    FutureDatetime,
    NaiveDatetime,
    PastDate,
    PastDatetime,
    StringConstraints,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

# Format characters that change how a text reads or compares without being seen: zero-width
# spaces and joiners, the BOM, the soft hyphen, and the bidirectional embeddings, overrides,
# isolates and marks (Unicode TR #9; "Trojan Source", CVE-2021-42574).
INVISIBLE_CHARACTERS = frozenset(
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\ufeff"
)
_INVISIBLE = re.compile("[" + "".join(sorted(INVISIBLE_CHARACTERS)) + "]")
# C0 and C1 controls (category Cc, which includes NUL, TAB, CR, LF and DEL) and lone
# surrogates (Cs, which JSON's `\ud800` escapes can produce and no database stores).
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class TextKind(enum.Enum):
    HUMAN = "human"
    MACHINE = "machine"


def _refuse_controls(value: str) -> None:
    found = _FORBIDDEN.search(value)
    if found is not None:
        raise PydanticCustomError(
            "control_character",
            "Caractère de contrôle non autorisé (U+{code}) : retirez-le du texte.",
            {"code": f"{ord(found.group()):04X}"},
        )


def clean_human_text(value: Any) -> Any:
    """NFC, without invisible format characters, trimmed; a control character is refused."""
    if not isinstance(value, str):
        return value  # the type check says what is wrong
    _refuse_controls(value)
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", value)).strip()


def clean_human_paragraphs(value: Any) -> Any:
    """`clean_human_text` for a message of several lines: line breaks (CR LF or CR become LF)
    and tabs are kept, every other control character is refused."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_controls(value.replace("\n", "").replace("\t", ""))
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", value)).strip()


def check_machine_text(value: str) -> str:
    """Kept byte for byte (a secret, a signature, a URL); a control character is refused."""
    _refuse_controls(value)
    return value


HumanText = Annotated[str, BeforeValidator(clean_human_text), TextKind.HUMAN]
HumanParagraphs = Annotated[str, BeforeValidator(clean_human_paragraphs), TextKind.HUMAN]
# After the type check, so that the field's own constraints (a `pattern`) stay in the contract.
MachineText = Annotated[str, AfterValidator(check_machine_text), TextKind.MACHINE]

# Machine text of a given shape: the pattern goes *before* the check, so that it stays in the
# contract (a constraint given after a validator is still enforced, but no longer documented).
Sha256Hex = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{64}$"),
    AfterValidator(check_machine_text),
    TextKind.MACHINE,
]
Base64Url = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", max_length=200),
    AfterValidator(check_machine_text),
    TextKind.MACHINE,
]
PrintableAscii = Annotated[
    str,
    StringConstraints(pattern=r"^[\x21-\x7e]+$", max_length=128),
    AfterValidator(check_machine_text),
    TextKind.MACHINE,
]


# Characters openpyxl refuses in a cell (XML 1.0 forbids them) and that end a header line.
_ONE_LINE_BREAKERS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def one_line(value: str) -> str:
    """Stored text made safe for a single line (a mail subject or greeting, a log line, an
    Excel cell): control characters become one space, invisible ones go.

    The input policy keeps new text clean; this guards what was stored before it, or came
    from a registry or an identity provider."""
    return _INVISIBLE.sub("", _ONE_LINE_BREAKERS.sub(" ", value))


class RequestModel(BaseModel):
    """The base of every request body: unknown members refused, JSON types checked strictly.

    Response models stay plain `BaseModel`s; `tests/core/test_input_policy.py` fails when a
    route's body model does not derive from this one."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _strict_json_types(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        errors: list[InitErrorDetails] = []
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key in data:
                _check_json_type(field.annotation, data[key], (key,), errors)
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return data


# Pydantic's own date types are classes of their own, not `datetime` subclasses.
_DATETIME_TYPES: tuple[type, ...] = (
    dt.datetime,
    AwareDatetime,
    NaiveDatetime,
    FutureDatetime,
    PastDatetime,
)
_DATE_TYPES: tuple[type, ...] = (dt.date, FutureDate, PastDate)
_STRING_TYPES: tuple[type, ...] = (
    str,
    dt.time,
    uuid.UUID,
    enum.Enum,
    EmailStr,
    *_DATETIME_TYPES,
    *_DATE_TYPES,
)
_ERROR_TYPES: dict[type, str] = {
    bool: "bool_type",
    int: "int_type",
    float: "float_type",
    str: "string_type",
    **dict.fromkeys(_DATETIME_TYPES, "datetime_type"),
    **dict.fromkeys(_DATE_TYPES, "date_type"),
    uuid.UUID: "uuid_type",
    list: "list_type",
}


def _check_json_type(
    annotation: Any, value: Any, location: tuple[str | int, ...], errors: list[InitErrorDetails]
) -> None:
    """Record an error when `value` (parsed JSON) is not of the JSON type `annotation` maps
    to. Unions pass when one member does; models, literals and unknown types are left to
    pydantic, which checks them without coercion already."""
    if not _json_type_matches(annotation, value, location, errors):
        errors.append({"type": _error_type(annotation), "loc": location, "input": value})


def _json_type_matches(
    annotation: Any, value: Any, location: tuple[str | int, ...], errors: list[InitErrorDetails]
) -> bool:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _json_type_matches(typing.get_args(annotation)[0], value, location, errors)
    if origin is Union or origin is types.UnionType:
        members = typing.get_args(annotation)
        if value is None:
            return type(None) in members
        nested: list[InitErrorDetails] = []
        for member in members:
            if member is type(None):
                continue
            attempt: list[InitErrorDetails] = []
            if _json_type_matches(member, value, location, attempt):
                if not attempt:
                    return True
                nested = attempt
        errors.extend(nested)
        return bool(nested)
    if origin in (list, set, frozenset, tuple):
        if not isinstance(value, list):
            return False
        (item_type, *_) = typing.get_args(annotation) or (Any,)
        for index, item in enumerate(value):
            _check_json_type(item_type, item, (*location, index), errors)
        return True
    if origin is Literal or annotation is Any or value is None:
        return True
    if not isinstance(annotation, type):
        return True
    if annotation is bool:
        return isinstance(value, bool)
    if issubclass(annotation, enum.Enum):
        return isinstance(value, str | enum.Enum) if issubclass(annotation, str) else True
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation in (float, decimal.Decimal):
        return isinstance(value, int | float | str) and not isinstance(value, bool)
    if issubclass(annotation, _STRING_TYPES):
        # A JSON string; or, from code rather than JSON, a value already of a rich type.
        return isinstance(value, str | dt.date | dt.time | uuid.UUID | enum.Enum)
    return True


def _error_type(annotation: Any) -> str:
    while typing.get_origin(annotation) in (Annotated, Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = members[0]
    origin = typing.get_origin(annotation) or annotation
    for kind, error_type in _ERROR_TYPES.items():
        if isinstance(origin, type) and issubclass(origin, kind):
            return error_type
    return "string_type"
