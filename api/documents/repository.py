"""All SQL of the documents domain. Every read goes through `readable_*(principal)`, which
already scopes to what the caller may see:

- a firm member with `documents:all_clients` (the owner): every client of the firm;
- a Comptable (or an integration acting for one): the clients assigned to them;
- a client company's user: the clients whose company space is theirs, once *Actif*.

Gestionnaires de clients and Administrateurs never get here: they lack `documents:read`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from api.adapters.company_registry.base import search_words
from api.core.authz import Principal, Role, can_read_all_client_documents
from api.core.pagination import after, before
from api.core.reads import fetch_all
from api.models.client import Client, ClientAssignment, ClientStatus
from api.models.document import LIVE, Document
from api.models.folder import Folder

_document = Document.__table__


def readable_clients_clause(principal: Principal) -> ColumnElement[bool]:
    """The clients whose documents and folders `principal` may see."""
    workspace_id = principal.workspace_id
    if Role.COMPANY_USER in principal.roles:
        # The firm and the company share one space per client (DESIGN, "Who uses it").
        return and_(
            Client.company_workspace_id == workspace_id, Client.status == ClientStatus.ACTIVE
        )
    in_firm = Client.firm_id == workspace_id
    if can_read_all_client_documents(principal):
        return in_firm
    assigned = select(ClientAssignment.client_id).where(
        ClientAssignment.firm_id == workspace_id, ClientAssignment.user_id == principal.user_id
    )
    return and_(in_firm, Client.id.in_(assigned))


def readable_documents_clause(principal: Principal) -> ColumnElement[bool]:
    """The live documents `principal` may see.

    A firm's rows carry its `workspace_id`, so the owner's list is one index range; the other
    principals go through their readable clients. A company user's workspace is never a firm's
    and the reverse, so choosing the branch by role cannot widen what anyone sees.
    """
    live = _document.c.deleted_at.is_(None)
    if Role.COMPANY_USER in principal.roles:
        clients = select(Client.id).where(readable_clients_clause(principal))
        return and_(live, _document.c.client_id.in_(clients))
    in_firm = and_(live, _document.c.workspace_id == principal.workspace_id)
    if can_read_all_client_documents(principal):
        return in_firm
    assigned = select(ClientAssignment.client_id).where(
        ClientAssignment.firm_id == principal.workspace_id,
        ClientAssignment.user_id == principal.user_id,
    )
    return and_(in_firm, _document.c.client_id.in_(assigned))


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


async def folders_of(session: AsyncSession, client_id: uuid.UUID) -> Sequence[Folder]:
    statement = select(Folder).where(Folder.client_id == client_id).order_by(Folder.name, Folder.id)
    return (await session.scalars(statement)).all()


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


async def live_documents_in(session: AsyncSession, folder_id: uuid.UUID) -> int:
    count = await session.scalar(select(func.count()).where(Document.folder_id == folder_id, LIVE))
    return int(count or 0)


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


def _filtered(principal: Principal, filters: DocumentFilters, *, with_type: bool) -> list[Any]:
    conditions: list[Any] = [readable_documents_clause(principal)]
    if filters.client_id is not None:
        conditions.append(_document.c.client_id == filters.client_id)
    if with_type and filters.type is not None:
        conditions.append(_document.c.type == filters.type)
    if filters.date_from is not None:
        conditions.append(_document.c.document_date >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(_document.c.document_date <= filters.date_to)
    if filters.folder_id is not None:
        conditions.append(_document.c.folder_id == filters.folder_id)
    if filters.text:
        # Every word somewhere in the searched fields (any order, accents and case ignored),
        # or the exact SIREN of a counterpart.
        wanted = filters.text.strip()
        words = [
            _document.c.search_text.like(f"%{_escape_like(word)}%", escape="\\")
            for word in search_words(wanted)
        ]
        conditions.append(
            or_(
                and_(*words) if words else false(),
                _document.c.seller_siren == wanted,
                _document.c.buyer_siren == wanted,
            )
        )
    return conditions


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
    column, descending = SORTS[sort]
    conditions = _filtered(principal, filters, with_type=True)
    if after_key is not None:
        keyset = before if descending else after
        conditions.append(keyset([column, _document.c.id], after_key))
    order = (column.desc(), _document.c.id.desc()) if descending else (column, _document.c.id)
    statement = _LIST_SELECTS[sort].where(*conditions).order_by(*order).limit(limit + 1)
    return await fetch_all(session, statement)


async def counts_by_type(
    session: AsyncSession, principal: Principal, filters: DocumentFilters
) -> dict[str, int]:
    """How many documents of each type match the other filters (the tabs of the list)."""
    statement = (
        select(_document.c.type, func.count().label("count"))
        .where(*_filtered(principal, filters, with_type=False))
        .group_by(_document.c.type)
    )
    return {str(row["type"]): int(row["count"]) for row in await fetch_all(session, statement)}
