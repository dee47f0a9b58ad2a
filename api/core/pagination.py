"""Cursor pagination (DESIGN, "Lists"): a stable sort ending with a unique column, and an
opaque cursor holding the sort key of the last item served. Keyset, not offset: a page does
not shift when rows are added before it, and deep pages cost what the first one does."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, Self, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from api.core.errors import FieldError, UnprocessableEntity
from api.core.input import MachineText
from api.core.reads import AnySelect

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


Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    """One page of a list: the one shape every list of the API answers (a bare array could
    never grow a cursor). Subclass it per item type (`class WebhookPage(Page[WebhookOut])`)
    so the contract names the schema."""

    items: list[Item]
    next_cursor: str | None = Field(description=NEXT_CURSOR_DESCRIPTION)

    @classmethod
    def of(cls, rows: Iterable[object], next_cursor: str | None) -> Self:
        """The page of `rows` as a service returns them (ORM objects or mappings), each read
        into the item schema."""
        return cls.model_validate(
            {"items": list(rows), "next_cursor": next_cursor}, from_attributes=True
        )


def _invalid_cursor(error: Exception | None = None) -> InvalidCursor:
    detail = "Curseur illisible ou d'un autre tri : repartez de la première page."
    invalid = InvalidCursor(
        detail,
        errors=[FieldError(pointer="/query/cursor", detail=detail, code=InvalidCursor.code)],
    )
    invalid.__cause__ = error
    return invalid


def _as_text(value: Any) -> Any:
    if isinstance(value, date | uuid.UUID):
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def _read(column: SortColumn, value: Any) -> Any:
    """A cursor's value back as its column's Python type (bound with the column's type)."""
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):  # UTCDateTime: the type it stores
        sql_type = sql_type.impl_instance
    python_type = sql_type.python_type
    if value is None or isinstance(value, python_type):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    return python_type(value)


@dataclass(frozen=True, slots=True)
class Keyset:
    """The stable sort of a list paged by key: its name (a cursor made for another sort is a
    422), its columns, the last one unique, and its direction (all columns the same way)."""

    name: str
    columns: tuple[SortColumn, ...]
    descending: bool = False

    def order_by(self) -> list[ColumnElement[Any]]:
        return [column.desc() if self.descending else column.asc() for column in self.columns]

    def encode(self, values: Sequence[Any]) -> str:
        return encode_cursor([self.name, *(_as_text(value) for value in values)])

    def following(self, cursor: str) -> ColumnElement[bool]:
        """The rows after the one `cursor` was made from, in this sort."""
        try:
            made_for, *texts = decode_cursor(cursor, len(self.columns) + 1)
            if made_for != self.name:
                raise ValueError(made_for)
            values = [_read(column, text) for column, text in zip(self.columns, texts, strict=True)]
        except (InvalidCursor, ValueError, TypeError, ArithmeticError) as error:
            raise _invalid_cursor(error) from error
        return (before if self.descending else after)(self.columns, values)


async def keyset_page(
    session: AsyncSession,
    statement: AnySelect,
    keyset: Keyset,
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    """One page of `statement` in the keyset's order, and the cursor of the next one.

    The items are what the statement selects: the entity when it selects one, else tuples.
    The sort key is selected alongside (labelled columns), so any selected entity or joined
    column can be part of it."""
    width = len(statement.column_descriptions)
    if cursor:
        statement = statement.where(keyset.following(cursor))
    keyed = (
        statement.add_columns(
            *(column.label(f"keyset_{i}") for i, column in enumerate(keyset.columns))
        )
        .order_by(*keyset.order_by())
        .limit(limit + 1)
    )
    rows = (await session.execute(keyed)).all()
    items = [row[0] if width == 1 else tuple(row[:width]) for row in rows[:limit]]
    next_cursor = keyset.encode(rows[limit - 1][width:]) if len(rows) > limit else None
    return items, next_cursor


def sequence_page(
    items: Sequence[Item], key: Callable[[Item], str], sort: str, limit: int, cursor: str | None
) -> tuple[list[Item], str | None]:
    """One page of a list held in memory (a configured catalogue, shipped articles), its
    cursor the key of the last item served; `key` must be unique."""
    start = 0
    if cursor:
        try:
            made_for, last = decode_cursor(cursor, 2)
            if made_for != sort:
                raise ValueError(made_for)
            start = [key(item) for item in items].index(last) + 1
        except (InvalidCursor, ValueError) as error:
            raise _invalid_cursor(error) from error
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    return page, encode_cursor([sort, key(page[-1])]) if more and page else None
