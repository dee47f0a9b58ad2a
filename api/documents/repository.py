"""All SQL of the documents domain. Every read goes through `readable_*(principal)`, which
already scopes to what the caller may see:

- a firm member with `documents:all_clients` (the owner): every client of the firm;
- a Comptable (or an integration acting for one): the clients assigned to them;
- a client company's user: the clients whose company space is theirs, once *Actif*.

Gestionnaires de clients and Administrateurs never get here: they lack `documents:read`.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Integer, Select, and_, bindparam, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from api.adapters.company_registry.base import search_words
from api.core.authz import Principal, Role, can_read_all_client_documents
from api.core.pagination import Keyset, after, before, keyset_page
from api.core.reads import fetch_all
from api.models.client import Client, ClientAssignment, ClientStatus
from api.models.document import Document
from api.models.folder import Folder

_document = Document.__table__


Reader = Literal["company", "all", "assigned"]
"""Which documents a principal reads: its company's, all its firm's, or its assigned clients'."""


def reader_of(principal: Principal) -> Reader:
    if Role.COMPANY_USER in principal.roles:
        return "company"
    return "all" if can_read_all_client_documents(principal) else "assigned"


def readable_clients_clause(principal: Principal) -> ColumnElement[bool]:
    """The clients whose documents and folders `principal` may see."""
    return _readable_clients(reader_of(principal), principal.workspace_id, principal.user_id)


def readable_documents_clause(principal: Principal) -> ColumnElement[bool]:
    """The live documents `principal` may see.

    A firm's rows carry its `workspace_id`, so the owner's list is one index range; the other
    principals go through their readable clients. A company user's workspace is never a firm's
    and the reverse, so choosing the branch by role cannot widen what anyone sees.
    """
    return _readable_documents(reader_of(principal), principal.workspace_id, principal.user_id)


# `workspace_id` and `user_id` below are values, or bound parameters in a statement built once.
Identifier = uuid.UUID | BindParameter[Any] | None


def _readable_clients(
    reader: Reader, workspace_id: Identifier, user_id: Identifier
) -> ColumnElement[bool]:
    if reader == "company":
        # The firm and the company share one space per client (DESIGN, "Who uses it").
        return and_(
            Client.company_workspace_id == workspace_id, Client.status == ClientStatus.ACTIVE
        )
    in_firm = Client.firm_id == workspace_id
    if reader == "all":
        return in_firm
    return and_(in_firm, Client.id.in_(_assigned_client_ids(workspace_id, user_id)))


def _readable_documents(
    reader: Reader, workspace_id: Identifier, user_id: Identifier
) -> ColumnElement[bool]:
    live = _document.c.deleted_at.is_(None)
    if reader == "company":
        clients = select(Client.id).where(_readable_clients(reader, workspace_id, user_id))
        return and_(live, _document.c.client_id.in_(clients))
    in_firm = and_(live, _document.c.workspace_id == workspace_id)
    if reader == "all":
        return in_firm
    return and_(in_firm, _document.c.client_id.in_(_assigned_client_ids(workspace_id, user_id)))


def _assigned_client_ids(workspace_id: Identifier, user_id: Identifier) -> Select[Any]:
    return select(ClientAssignment.client_id).where(
        ClientAssignment.firm_id == workspace_id, ClientAssignment.user_id == user_id
    )


def readable_clients(principal: Principal) -> Select[Client]:
    return select(Client).where(readable_clients_clause(principal))


def readable(principal: Principal) -> Select[Document]:
    return select(Document).where(readable_documents_clause(principal))


def readable_folders(principal: Principal) -> Select[Folder]:
    clients = select(Client.id).where(readable_clients_clause(principal))
    return select(Folder).where(Folder.client_id.in_(clients))


async def get_readable_client(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID
) -> Client | None:
    client: Client | None = await session.scalar(
        readable_clients(principal).where(Client.id == client_id)
    )
    return client


async def readable_client_ids(
    session: AsyncSession, principal: Principal, limit: int
) -> list[uuid.UUID]:
    statement = select(Client.id).where(readable_clients_clause(principal)).limit(limit)
    return list(await session.scalars(statement))


async def get_readable(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID, *, for_update: bool = False
) -> Document | None:
    statement = readable(principal).where(Document.id == document_id)
    if for_update:
        statement = statement.with_for_update()
    document: Document | None = await session.scalar(statement)
    return document


async def get_readable_folder(
    session: AsyncSession, principal: Principal, folder_id: uuid.UUID
) -> Folder | None:
    folder: Folder | None = await session.scalar(
        readable_folders(principal).where(Folder.id == folder_id)
    )
    return folder


async def get_by_idempotency_key(
    session: AsyncSession, workspace_id: uuid.UUID, idempotency_key: str
) -> Document | None:
    statement = select(Document).where(
        Document.workspace_id == workspace_id,
        Document.idempotency_key == idempotency_key,
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def get_folder(session: AsyncSession, folder_id: uuid.UUID) -> Folder | None:
    return await session.get(Folder, folder_id)


# --------------------------------------------------------------------------- folders


FOLDERS_SORT = Keyset("folders,name", (Folder.name, Folder.id))


async def folders_of(
    session: AsyncSession, client_id: uuid.UUID, limit: int, cursor: str | None
) -> tuple[list[Folder], str | None]:
    """One page of a client's folders (flat), by name."""
    statement = select(Folder).where(Folder.client_id == client_id)
    return await keyset_page(session, statement, FOLDERS_SORT, limit, cursor)


async def folder_name_taken(
    session: AsyncSession,
    client_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    name: str,
    *,
    except_id: uuid.UUID | None = None,
) -> bool:
    statement = select(Folder.id).where(
        Folder.client_id == client_id,
        Folder.parent_id.is_(None) if parent_id is None else Folder.parent_id == parent_id,
        func.lower(Folder.name) == name.lower(),
    )
    if except_id is not None:
        statement = statement.where(Folder.id != except_id)
    return await session.scalar(statement.limit(1)) is not None


async def top_level_folder(session: AsyncSession, client_id: uuid.UUID, name: str) -> Folder | None:
    statement = select(Folder).where(
        Folder.client_id == client_id,
        Folder.parent_id.is_(None),
        func.lower(Folder.name) == name.lower(),
    )
    folder: Folder | None = await session.scalar(statement.limit(1))
    return folder


async def ancestors(session: AsyncSession, folder_id: uuid.UUID) -> list[uuid.UUID]:
    """The folder and its parents up to the top (folders are shallow: a loop of gets)."""
    chain: list[uuid.UUID] = []
    current: uuid.UUID | None = folder_id
    while current is not None and len(chain) < 100:
        chain.append(current)
        current = await session.scalar(select(Folder.parent_id).where(Folder.id == current))
    return chain


async def folder_is_empty(session: AsyncSession, folder_id: uuid.UUID) -> bool:
    """No sub-folder and no document, deleted ones included (their rows still point at it)."""
    child = await session.scalar(select(Folder.id).where(Folder.parent_id == folder_id).limit(1))
    if child is not None:
        return False
    document = await session.scalar(
        select(Document.id).where(Document.folder_id == folder_id).limit(1)
    )
    return document is None


async def detach_deleted_documents(session: AsyncSession, folder_id: uuid.UUID) -> None:
    """Soft-deleted documents keep no folder: an emptied folder can then be removed."""
    await session.execute(
        update(Document)
        .where(Document.folder_id == folder_id, Document.deleted_at.is_not(None))
        .values(folder_id=None)
    )


# --------------------------------------------------------------------------- the list

LIST_COLUMNS = (
    _document.c.id,
    _document.c.client_id,
    _document.c.folder_id,
    _document.c.type,
    _document.c.title,
    _document.c.original_filename,
    _document.c.media_type,
    _document.c.size,
    _document.c.document_date,
    _document.c.period_start,
    _document.c.period_end,
    _document.c.source,
    _document.c.created_at,
    _document.c.einvoice_status,
    _document.c.einvoice_format,
    _document.c.invoice_number,
    _document.c.seller_name,
    _document.c.buyer_name,
    _document.c.total_excl_vat,
    _document.c.total_vat,
    _document.c.total_incl_vat,
    _document.c.currency,
)

# Sort name → (sort column, descending). Each ends with the id: pages are stable.
SORTS: dict[str, tuple[Any, bool]] = {
    "-date": (_document.c.document_date, True),
    "date": (_document.c.document_date, False),
    "-amount": (func.coalesce(_document.c.total_incl_vat, 0), True),
    "amount": (func.coalesce(_document.c.total_incl_vat, 0), False),
}
# The page's SELECT for each sort, built once: only the WHERE changes per request.
_LIST_SELECTS = {
    sort: select(*LIST_COLUMNS, column.label("_sort_key"))
    for sort, (column, _descending) in SORTS.items()
}


@dataclass(frozen=True, slots=True)
class DocumentFilters:
    client_id: uuid.UUID | None = None
    type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    folder_id: uuid.UUID | None = None
    text: str | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True, slots=True)
class _FilterShape:
    """What decides the SQL text of the list's WHERE. The values are bound parameters: one
    statement per shape is built once, and `fetch_all` finds its compiled form by identity,
    without computing a SQLAlchemy cache key per request."""

    reader: Reader
    client: bool
    type: bool
    date_from: bool
    date_to: bool
    folder: bool
    text_words: int | None  # None: no text filter


def _filter_shape(
    principal: Principal, filters: DocumentFilters
) -> tuple[_FilterShape, dict[str, Any]]:
    """The shape of `filters` and the values of its parameters."""
    params: dict[str, Any] = {"workspace_id": principal.workspace_id, "user_id": principal.user_id}
    words: list[str] | None = None
    if filters.text:
        wanted = filters.text.strip()
        words = search_words(wanted)
        params["text"] = wanted
        params.update(
            (f"word_{index}", f"%{_escape_like(word)}%") for index, word in enumerate(words)
        )
    optional = {
        "client_id": filters.client_id,
        "type": filters.type,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "folder_id": filters.folder_id,
    }
    params.update((name, value) for name, value in optional.items() if value is not None)
    shape = _FilterShape(
        reader=reader_of(principal),
        client=filters.client_id is not None,
        type=filters.type is not None,
        date_from=filters.date_from is not None,
        date_to=filters.date_to is not None,
        folder=filters.folder_id is not None,
        text_words=None if words is None else len(words),
    )
    return shape, params


def _conditions(shape: _FilterShape, *, with_type: bool) -> list[ColumnElement[bool]]:
    conditions = [
        _readable_documents(shape.reader, bindparam("workspace_id"), bindparam("user_id"))
    ]
    if shape.client:
        conditions.append(_document.c.client_id == bindparam("client_id"))
    if with_type and shape.type:
        conditions.append(_document.c.type == bindparam("type"))
    if shape.date_from:
        conditions.append(_document.c.document_date >= bindparam("date_from"))
    if shape.date_to:
        conditions.append(_document.c.document_date <= bindparam("date_to"))
    if shape.folder:
        conditions.append(_document.c.folder_id == bindparam("folder_id"))
    if shape.text_words is not None:
        # Every word somewhere in the searched fields (any order, accents and case ignored),
        # or the exact SIREN of a counterpart.
        words = [
            _document.c.search_text.like(bindparam(f"word_{index}"), escape="\\")
            for index in range(shape.text_words)
        ]
        conditions.append(
            or_(
                and_(*words) if words else false(),
                _document.c.seller_siren == bindparam("text"),
                _document.c.buyer_siren == bindparam("text"),
            )
        )
    return conditions


@functools.lru_cache(maxsize=1024)
def _page_statement(shape: _FilterShape, sort: str, *, after_key: bool) -> Select[Any]:
    column, descending = SORTS[sort]
    conditions = _conditions(shape, with_type=True)
    if after_key:
        keyset = before if descending else after
        values: tuple[BindParameter[Any], ...] = (
            bindparam("after_sort_key"),
            bindparam("after_id"),
        )
        conditions.append(keyset([column, _document.c.id], values))
    order = (column.desc(), _document.c.id.desc()) if descending else (column, _document.c.id)
    limit = bindparam("limit", type_=Integer)
    return _LIST_SELECTS[sort].where(*conditions).order_by(*order).limit(limit)


@functools.lru_cache(maxsize=1024)
def _counts_statement(shape: _FilterShape) -> Select[Any]:
    return (
        select(_document.c.type, func.count().label("count"))
        .where(*_conditions(shape, with_type=False))
        .group_by(_document.c.type)
    )


async def list_page(
    session: AsyncSession,
    principal: Principal,
    filters: DocumentFilters,
    *,
    sort: str,
    after_key: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """One page as plain dicts (one row more than `limit`, to know if another page follows);
    each carries `_sort_key`, where the next page starts."""
    shape, params = _filter_shape(principal, filters)
    params["limit"] = limit + 1
    if after_key is not None:
        params["after_sort_key"], params["after_id"] = after_key
    statement = _page_statement(shape, sort, after_key=after_key is not None)
    return await fetch_all(session, statement, params)


async def counts_by_type(
    session: AsyncSession, principal: Principal, filters: DocumentFilters
) -> dict[str, int]:
    """How many documents of each type match the other filters (the tabs of the list)."""
    shape, params = _filter_shape(principal, filters)
    params.pop("type", None)
    rows = await fetch_all(session, _counts_statement(shape), params)
    return {str(row["type"]): int(row["count"]) for row in rows}
