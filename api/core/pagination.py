"""Cursor pagination (DESIGN, "Lists"): a stable sort ending with a unique column, and an
opaque cursor holding the sort key of the last item served. Keyset, not offset: a page does
not shift when rows are added before it, and deep pages cost what the first one does."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import and_, or_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from api.core.errors import FieldError, UnprocessableEntity
from api.core.input import MachineText

SortColumn = ColumnElement[Any] | InstrumentedAttribute[Any]

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

_LIMIT_DESCRIPTION = f"Items per page (≤ {MAX_PAGE_SIZE})."
_CURSOR_DESCRIPTION = "`next_cursor` of the previous page; absent: first page."
PageLimit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=_LIMIT_DESCRIPTION)]
PageCursor = Annotated[MachineText | None, Query(max_length=500, description=_CURSOR_DESCRIPTION)]


class PageParams(BaseModel):
    """The paging query parameters, for a list route's query model (`Annotated[M, Query()]`).

    One model per route rather than one parameter each: FastAPI then reads each parameter
    once and validates them in one pass, which on the busiest lists is a tenth of a request."""

    cursor: MachineText | None = Field(None, max_length=500, description=_CURSOR_DESCRIPTION)
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=_LIMIT_DESCRIPTION)


class InvalidCursor(UnprocessableEntity):
    code = "invalid-cursor"
    title = "Curseur de pagination invalide"


NEXT_CURSOR_DESCRIPTION = "Pass it as `cursor` to get the next page; null on the last page."


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor holding `values` (UUIDs and datetimes as ISO text)."""
    raw = orjson.dumps(values, default=str)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    """The sort key a cursor holds; a cursor that was not made by `encode_cursor` is a 422."""
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as error:
        raise InvalidCursor("Reprenez la liste depuis la première page.") from error
    if not isinstance(values, list) or len(values) != length:
        raise InvalidCursor("Reprenez la liste depuis la première page.")
    return values


Key = TypeVar("Key")


def encode_sorted_cursor(sort: str, key: Any, row_id: uuid.UUID) -> str:
    """The cursor of a list offering several sorts: the sort it was made for, the last row's
    sort key (as text: dates ISO 8601, amounts exact) and its id, the tie-breaker."""
    text = key.isoformat() if isinstance(key, date) else str(key)
    return encode_cursor([sort, text, str(row_id)])


def decode_sorted_cursor(
    cursor: str, sort: str, parse_key: Callable[[str], Key]
) -> tuple[Key, uuid.UUID]:
    """The last row's sort key (read by `parse_key`) and id; a cursor of another sort, or one
    not made by `encode_sorted_cursor`, is a 422 pointing at the `cursor` parameter."""
    try:
        made_for, text, row_id = decode_cursor(cursor, 3)
        if made_for != sort or not isinstance(text, str) or not isinstance(row_id, str):
            raise ValueError(made_for)
        return parse_key(text), uuid.UUID(row_id)
    except (InvalidCursor, ValueError, ArithmeticError) as error:
        detail = "Curseur illisible ou d'un autre tri : repartez de la première page."
        raise InvalidCursor(
            detail,
            errors=[FieldError(pointer="/query/cursor", detail=detail, code=InvalidCursor.code)],
        ) from error


def after(columns: Sequence[SortColumn], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order of `columns` (all ascending):
    `(a > x) OR (a = x AND b > y) OR …`, which both databases plan on an index and which
    binds each value with its column's type (a row-value comparison would not)."""
    clauses = []
    for position, column in enumerate(columns):
        equal_before = [columns[i] == values[i] for i in range(position)]
        clauses.append(and_(*equal_before, column > values[position]))
    return or_(*clauses)


def before(columns: Sequence[SortColumn], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly before `values` in the order of `columns`: the keyset of a list sorted
    newest first (every column descending)."""
    clauses = []
    for position, column in enumerate(columns):
        equal_before = [columns[i] == values[i] for i in range(position)]
        clauses.append(and_(*equal_before, column < values[position]))
    return or_(*clauses)
