"""Document rules: ingesting an upload into blob storage and the database, and the
"Documents clients" application on top of it (upload, list, metadata, soft delete, folders).

`DocumentService.ingest` trusts that the principal may write to `workspace_id`/`client_id`;
it checks only what the bytes and metadata say. The functions below it decide who may: every
lookup goes through the repository's `readable_*(principal)`, and what a principal may not see
answers like what does not exist (404). Services flush; the request's unit of work commits.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import BlobStorage, BlobTooLarge, StoredBlob
from api.adapters.company_registry.base import search_name
from api.audit import service as audit
from api.core.actor import Actor
from api.core.authz import Principal, PrincipalKind
from api.core.db import release_connection
from api.core.errors import AppError, Conflict, NotFound, UnprocessableEntity
from api.core.models import utcnow
from api.core.pagination import decode_sorted_cursor, encode_sorted_cursor
from api.core.settings import Settings
from api.documents import repository
from api.documents.einvoice import (
    EInvoiceAnalysis,
    EInvoiceStatus,
    analyse_pdf,
    analyse_xml,
)
from api.documents.sniffing import PDF, SNIFF_BYTES, XML, SniffedType, sanitize_filename, sniff
from api.models.client import Client
from api.models.document import Document, DocumentSource, DocumentType
from api.models.folder import Folder
from api.webhooks import service as webhooks_service
from api.webhooks.events import WebhookEvent


class DocumentTooLarge(AppError):
    status = 413
    code = "document-too-large"
    title = "Fichier trop volumineux"


class UnsupportedDocumentType(AppError):
    status = 415
    code = "unsupported-document-type"
    title = "Type de fichier non accepté"


class EmptyDocument(UnprocessableEntity):
    code = "empty-document"
    title = "Fichier vide"


class InvalidAccountingPeriod(UnprocessableEntity):
    code = "invalid-accounting-period"
    title = "Période comptable invalide"


class FolderNotFound(NotFound):
    code = "folder-not-found"
    title = "Dossier introuvable"
    default_detail = "Ce dossier n'existe pas ou vient d'être supprimé : rechargez la liste."


class IdempotencyKeyReused(Conflict):
    code = "idempotency-key-reused"
    title = "Clé d'idempotence déjà utilisée pour un autre envoi"


@dataclass(frozen=True, slots=True)
class DeclaredDocument:
    """What the uploader says about the file; the bytes themselves are checked, not this."""

    workspace_id: uuid.UUID
    client_id: uuid.UUID
    uploaded_by: uuid.UUID
    source: DocumentSource
    type: DocumentType = DocumentType.OTHER
    original_filename: str | None = None
    title: str | None = None
    folder_id: uuid.UUID | None = None
    document_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class Ingested:
    document: Document
    created: bool  # False: an idempotent retry answered with the first upload's document


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} Mo"


class _SniffingStream:
    """Passes chunks through once the first bytes were recognised as an accepted type.

    Refusing inside the stream means a disallowed file is dropped after its first kilobytes,
    before the rest is read or anything is stored.
    """

    def __init__(self, chunks: AsyncIterable[bytes]) -> None:
        self.chunks = chunks
        self.sniffed: SniffedType | None = None

    def _check(self, head: bytes) -> None:
        if not head:
            raise EmptyDocument("Le fichier envoyé ne contient aucune donnée.")
        sniffed = sniff(head[:SNIFF_BYTES])
        if not sniffed.allowed:
            raise UnsupportedDocumentType(
                f"Le contenu du fichier est de type « {sniffed.label} », qui n'est pas accepté. "
                "Formats acceptés : PDF, images (PNG, JPEG, GIF, WebP, HEIC), XML, "
                "documents Office (.docx, .xlsx, .pptx, .odt, .ods), CSV et texte."
            )
        self.sniffed = sniffed

    async def __aiter__(self) -> AsyncIterator[bytes]:
        head = b""
        async for chunk in self.chunks:
            if self.sniffed is not None:
                yield chunk
                continue
            head += chunk
            if len(head) >= SNIFF_BYTES:
                self._check(head)
                yield head
        if self.sniffed is None:
            self._check(head)
            yield head


class DocumentService:
    def __init__(self, storage: BlobStorage, settings: Settings) -> None:
        self.storage = storage
        self.max_size = settings.upload_max_bytes
        self.einvoice_max_size = settings.einvoice_max_bytes

    async def ingest(
        self, session: AsyncSession, chunks: AsyncIterable[bytes], declared: DeclaredDocument
    ) -> Document:
        """Store an uploaded stream and add its document row (flushed, not committed).

        With an idempotency key, a retry of an upload that already succeeded returns the
        first document; the same key with other bytes is a conflict. Nothing is kept when
        the stream fails midway, is too large or is of a refused type.
        """
        return (await self.store(session, chunks, declared)).document

    async def store(
        self, session: AsyncSession, chunks: AsyncIterable[bytes], declared: DeclaredDocument
    ) -> Ingested:
        """`ingest`, also telling whether the document is new or an idempotent replay."""
        await self._check_declaration(session, declared)
        existing = None
        if declared.idempotency_key:
            existing = await repository.get_by_idempotency_key(
                session, declared.workspace_id, declared.idempotency_key
            )
        # The bytes may take minutes to arrive: no connection (no SQLite write lock) is held
        # meanwhile. Only reads happened so far.
        await release_connection(session)
        if existing is not None:
            await self._check_same_upload(existing, chunks, declared)
            return Ingested(existing, created=False)

        stream = _SniffingStream(chunks)
        try:
            blob = await self.storage.put(stream, max_size=self.max_size)
        except BlobTooLarge:
            raise DocumentTooLarge(
                f"La taille maximale d'un fichier est de {_megabytes(self.max_size)}."
            ) from None
        assert stream.sniffed is not None
        analysis = await self._analyse(blob, stream.sniffed)
        document = self._new_document(declared, blob, stream.sniffed, analysis)
        added = await self._add(session, document, declared)
        return Ingested(added, created=added is document)

    async def add_generated(
        self, session: AsyncSession, content: bytes, declared: DeclaredDocument
    ) -> Document:
        """Store a document the platform made itself (a sealed mandate). Its bytes are in
        memory, so unlike an upload nothing waits on a client: the caller's transaction stays
        whole (no early commit), and no e-invoice analysis runs."""
        await self._check_declaration(session, declared)

        async def single_chunk() -> AsyncIterator[bytes]:
            yield content

        stream = _SniffingStream(single_chunk())
        blob = await self.storage.put(stream, max_size=max(self.max_size, len(content)))
        assert stream.sniffed is not None
        document = self._new_document(declared, blob, stream.sniffed, None)
        return await self._add(session, document, declared)

    async def _check_declaration(self, session: AsyncSession, declared: DeclaredDocument) -> None:
        if (
            declared.period_start is not None
            and declared.period_end is not None
            and declared.period_start > declared.period_end
        ):
            raise InvalidAccountingPeriod("La fin de la période précède son début.")
        if declared.folder_id is not None:
            folder = await repository.get_folder(session, declared.folder_id)
            # Another client's folder answers like a missing one: no existence leak.
            if folder is None or folder.client_id != declared.client_id:
                raise FolderNotFound()

    async def _check_same_upload(
        self, existing: Document, chunks: AsyncIterable[bytes], declared: DeclaredDocument
    ) -> None:
        """A retry must carry the same bytes for the same client; hashed, never stored."""
        digest = hashlib.sha256()
        size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size > self.max_size:
                raise IdempotencyKeyReused()
            digest.update(chunk)
        if digest.hexdigest() != existing.sha256 or existing.client_id != declared.client_id:
            raise IdempotencyKeyReused(
                "Cette clé d'idempotence a déjà servi pour un autre fichier ; "
                "utilisez une nouvelle clé pour un nouvel envoi."
            )

    async def _analyse(self, blob: StoredBlob, sniffed: SniffedType) -> EInvoiceAnalysis | None:
        if sniffed not in (PDF, XML):
            return None
        if blob.size > self.einvoice_max_size:
            return EInvoiceAnalysis(
                EInvoiceStatus.UNRECOGNISED,
                reason="Fichier trop volumineux pour rechercher une facture électronique "
                f"(au-delà de {_megabytes(self.einvoice_max_size)}).",
            )
        data = b"".join([chunk async for chunk in self.storage.read(blob.key)])
        # pypdf and XML parsing are CPU-bound: keep the event loop free for other requests.
        analyse = analyse_pdf if sniffed is PDF else analyse_xml
        return await asyncio.to_thread(analyse, data, max_bytes=self.einvoice_max_size)

    @staticmethod
    def _new_document(
        declared: DeclaredDocument,
        blob: StoredBlob,
        sniffed: SniffedType,
        analysis: EInvoiceAnalysis | None,
    ) -> Document:
        original_filename = sanitize_filename(declared.original_filename)
        invoice = analysis.invoice if analysis is not None else None
        document = Document(
            id=uuid.uuid4(),
            workspace_id=declared.workspace_id,
            client_id=declared.client_id,
            folder_id=declared.folder_id,
            type=declared.type,
            title=(declared.title or "").strip()[:255] or original_filename,
            original_filename=original_filename,
            media_type=sniffed.media_type,
            size=blob.size,
            sha256=blob.sha256,
            blob_key=blob.key,
            document_date=declared.document_date
            or (invoice.issue_date if invoice else None)
            or utcnow().date(),
            period_start=declared.period_start,
            period_end=declared.period_end,
            uploaded_by=declared.uploaded_by,
            source=declared.source,
            idempotency_key=declared.idempotency_key,
        )
        if analysis is not None:
            document.einvoice_status = analysis.status
            document.einvoice_format = analysis.format
            document.einvoice_error = analysis.reason[:500] if analysis.reason else None
        if invoice is not None:
            document.invoice_number = _clip(invoice.invoice_number, 200)
            document.invoice_type_code = _clip(invoice.type_code, 8)
            document.issue_date = invoice.issue_date
            document.due_date = invoice.due_date
            document.seller_name = _clip(invoice.seller.name, 255)
            document.seller_siren = invoice.seller.siren
            document.seller_vat_number = _clip(invoice.seller.vat_number, 32)
            document.buyer_name = _clip(invoice.buyer.name, 255)
            document.buyer_siren = invoice.buyer.siren
            document.buyer_vat_number = _clip(invoice.buyer.vat_number, 32)
            document.total_excl_vat = invoice.total_excl_vat
            document.total_vat = invoice.total_vat
            document.total_incl_vat = invoice.total_incl_vat
            document.currency = _clip(invoice.currency, 3)
        document.search_text = document_search_text(document)
        return document

    async def _add(
        self, session: AsyncSession, document: Document, declared: DeclaredDocument
    ) -> Document:
        if not declared.idempotency_key:
            session.add(document)
            await session.flush()
            return document
        # Two concurrent retries both passed the lookup: the unique constraint picks one, the
        # other returns the winner. The blob is shared (same content, same key): nothing leaks.
        try:
            async with session.begin_nested():
                session.add(document)
                await session.flush()
        except IntegrityError:
            winner = await repository.get_by_idempotency_key(
                session, declared.workspace_id, declared.idempotency_key
            )
            if winner is None:
                raise
            if winner.sha256 != document.sha256 or winner.client_id != document.client_id:
                raise IdempotencyKeyReused() from None
            return winner
        return document


def document_search_text(document: Document) -> str | None:
    """What the text filter searches: see `Document.search_text`."""
    text = search_name(
        document.title,
        document.original_filename,
        document.invoice_number,
        document.seller_name,
        document.buyer_name,
    )
    return text[:2000] if text else None


def _clip(value: str | None, length: int) -> str | None:
    return value[:length] if value is not None else None


# ============================================================ the documents application

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class DocumentNotFound(NotFound):
    code = "document-not-found"
    title = "Document introuvable"


class DocumentClientNotFound(NotFound):
    code = "client-not-found"
    title = "Client introuvable"


class ClientRequired(UnprocessableEntity):
    code = "client-required"
    title = "Précisez le client du document"


class FolderNameTaken(Conflict):
    code = "folder-name-taken"
    title = "Un dossier porte déjà ce nom à cet endroit"


class FolderNotEmpty(Conflict):
    code = "folder-not-empty"
    title = "Le dossier n'est pas vide"


class FolderMoveRefused(UnprocessableEntity):
    code = "folder-move-refused"
    title = "Un dossier ne peut pas être déplacé dans lui-même ou l'un de ses sous-dossiers"


_SOURCES = {
    PrincipalKind.USER: DocumentSource.WEB,
    PrincipalKind.DEVICE: DocumentSource.MOBILE,
    PrincipalKind.API_KEY: DocumentSource.INTEGRATION,
}


def source_of(principal: Principal) -> DocumentSource:
    """Where an upload comes from is who sends it: the app's device session, an API key, or
    a person's browser session."""
    return _SOURCES[principal.kind]


@dataclass(frozen=True, slots=True)
class UploadRequest:
    """What the uploader declares next to the bytes (query parameters of the upload)."""

    client_id: uuid.UUID | None
    type: DocumentType
    original_filename: str | None
    title: str | None
    folder_id: uuid.UUID | None
    document_date: date | None
    period_start: date | None
    period_end: date | None
    idempotency_key: str | None


async def _target_client(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID | None
) -> Client:
    if client_id is not None:
        client = await repository.get_readable_client(session, principal, client_id)
        if client is None:
            raise DocumentClientNotFound()
        return client
    # A company user (and its phone) has one client: the firm it works with.
    candidates = await repository.readable_client_ids(session, principal, limit=2)
    if len(candidates) != 1:
        raise ClientRequired("Indiquez `client_id` : plusieurs clients sont possibles.")
    client = await repository.get_readable_client(session, principal, candidates[0])
    assert client is not None
    return client


async def readable_client(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID | None
) -> Client:
    """The client whose documents `principal` may see (`client_id`, or a company user's only
    one), else 404: other domains filing documents of a client (flows) ask here."""
    return await _target_client(session, principal, client_id)


def readable_client_ids(principal: Principal) -> Select[uuid.UUID]:
    """The ids of the clients whose documents `principal` may see, as a subquery."""
    return select(Client.id).where(repository.readable_clients_clause(principal))


async def upload(
    session: AsyncSession,
    documents: DocumentService,
    actor: Actor,
    chunks: AsyncIterable[bytes],
    request: UploadRequest,
) -> Ingested:
    """Store an upload for a client the principal may see; a new document is audited and
    announced (`document.created`), an idempotent replay is not."""
    assert actor.principal.user_id is not None
    client = await _target_client(session, actor.principal, request.client_id)
    if request.folder_id is not None:
        await _readable_folder(session, actor.principal, request.folder_id)
    ingested = await documents.store(
        session,
        chunks,
        DeclaredDocument(
            workspace_id=client.firm_id,
            client_id=client.id,
            uploaded_by=actor.principal.user_id,
            source=source_of(actor.principal),
            type=request.type,
            original_filename=request.original_filename,
            title=request.title,
            folder_id=request.folder_id,
            document_date=request.document_date,
            period_start=request.period_start,
            period_end=request.period_end,
            idempotency_key=request.idempotency_key,
        ),
    )
    if ingested.created:
        document = ingested.document
        await _audit(
            session,
            actor,
            "document.uploaded",
            document,
            {
                "type": document.type,
                "size": document.size,
                "sha256": document.sha256,
                "source": document.source,
                "einvoice_status": document.einvoice_status,
            },
        )
        await webhooks_service.publish(
            session, document.workspace_id, WebhookEvent.DOCUMENT_CREATED, webhook_payload(document)
        )
    return ingested


def webhook_payload(document: Document) -> dict[str, object]:
    """What integrations receive about a new document (never its bytes)."""
    return {
        "id": document.id,
        "client_id": document.client_id,
        "type": document.type,
        "title": document.title,
        "media_type": document.media_type,
        "size": document.size,
        "document_date": document.document_date,
        "source": document.source,
        "einvoice_status": document.einvoice_status,
        "invoice_number": document.invoice_number,
        "total_incl_vat": document.total_incl_vat,
        "currency": document.currency,
    }


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    document: Document,
    data: dict[str, Any] | None = None,
) -> None:
    await audit.record(
        session,
        action,
        actor=actor,
        workspace_id=document.workspace_id,
        target_type="document",
        target_id=document.id,
        data={"client_id": document.client_id} | (data or {}),
    )


async def get_document(
    session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> Document:
    document = await repository.get_readable(session, principal, document_id)
    if document is None:
        raise DocumentNotFound()
    return document


@dataclass(frozen=True, slots=True)
class DocumentChanges:
    """Fields to change; `fields` names those sent (a null `folder_id` moves to the top)."""

    fields: frozenset[str]
    type: DocumentType | None = None
    title: str | None = None
    folder_id: uuid.UUID | None = None
    document_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None


async def update_document(
    session: AsyncSession,
    actor: Actor,
    document_id: uuid.UUID,
    changes: DocumentChanges,
) -> Document:
    document = await get_document(session, actor.principal, document_id)
    before: dict[str, Any] = {}
    if "folder_id" in changes.fields and changes.folder_id is not None:
        folder = await _readable_folder(session, actor.principal, changes.folder_id)
        if folder.client_id != document.client_id:
            raise FolderNotFound()
    period_start = (
        changes.period_start if "period_start" in changes.fields else document.period_start
    )
    period_end = changes.period_end if "period_end" in changes.fields else document.period_end
    if period_start is not None and period_end is not None and period_start > period_end:
        raise InvalidAccountingPeriod("La fin de la période précède son début.")
    for name in ("type", "title", "folder_id", "document_date", "period_start", "period_end"):
        if name not in changes.fields:
            continue
        value = getattr(changes, name)
        if name in ("type", "title", "document_date") and value is None:
            continue  # never emptied: the list sorts on the date, shows the title
        if name == "title":
            value = value.strip()[:255] or document.title
        if getattr(document, name) != value:
            before[name] = getattr(document, name)
            setattr(document, name, value)
    if before:
        document.search_text = document_search_text(document)
        await session.flush()
        await _audit(
            session,
            actor,
            "document.updated",
            document,
            {"changed": sorted(before), "before": before},
        )
    return document


async def delete_document(session: AsyncSession, actor: Actor, document_id: uuid.UUID) -> None:
    """Soft delete: the row and its blob stay (retention), every list stops showing it."""
    document = await get_document(session, actor.principal, document_id)
    document.deleted_at = utcnow()
    await session.flush()
    await _audit(
        session,
        actor,
        "document.deleted",
        document,
        {"title": document.title, "sha256": document.sha256},
    )


# ------------------------------------------------------------------------- the list


@dataclass(frozen=True, slots=True)
class ListQuery:
    filters: repository.DocumentFilters
    sort: str = "-date"


def _sort_key_reader(sort: str) -> Callable[[str], Any]:
    return date.fromisoformat if sort.endswith("date") else Decimal


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


async def list_documents(
    session: AsyncSession, principal: Principal, query: ListQuery, *, cursor: str | None, limit: int
) -> dict[str, Any]:
    """One page as plain data (`DocumentPage`'s shape); the counts per type come with the
    first page only (the tabs do not change while scrolling)."""
    after_key = (
        decode_sorted_cursor(cursor, query.sort, _sort_key_reader(query.sort)) if cursor else None
    )
    rows = await repository.list_page(
        session, principal, query.filters, sort=query.sort, after_key=after_key, limit=limit
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_sorted_cursor(query.sort, rows[-1]["_sort_key"], rows[-1]["id"])
    for row in rows:
        del row["_sort_key"]
        for name in ("total_excl_vat", "total_vat", "total_incl_vat"):
            row[name] = _money(row[name])
    counts = None
    if cursor is None:
        found = await repository.counts_by_type(session, principal, query.filters)
        counts = {kind.value: found.get(kind.value, 0) for kind in DocumentType}
    return {"items": rows, "next_cursor": next_cursor, "counts": counts}


# --------------------------------------------------------------------------- folders


async def _readable_folder(
    session: AsyncSession, principal: Principal, folder_id: uuid.UUID
) -> Folder:
    folder = await repository.get_readable_folder(session, principal, folder_id)
    if folder is None:
        raise FolderNotFound()
    return folder


async def list_folders(
    session: AsyncSession,
    principal: Principal,
    client_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Folder], str | None]:
    """One page of a client's folders; without `client_id`, those of the one client the
    caller can see (a company user's own space), as for an upload."""
    client = await _target_client(session, principal, client_id)
    return await repository.folders_of(session, client.id, limit, cursor)


def _folder_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or cleaned in (".", ".."):
        raise UnprocessableEntity("Le nom du dossier est vide.")
    return cleaned


async def _check_name_free(
    session: AsyncSession,
    client_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    name: str,
    except_id: uuid.UUID | None = None,
) -> None:
    if await repository.folder_name_taken(session, client_id, parent_id, name, except_id=except_id):
        raise FolderNameTaken(f"Le dossier « {name} » existe déjà à cet endroit.")


async def _flush_folder(session: AsyncSession, folder: Folder) -> None:
    # Two concurrent creations both passed the check: the unique index decides.
    try:
        async with session.begin_nested():
            session.add(folder)
            await session.flush()
    except IntegrityError:
        raise FolderNameTaken(f"Le dossier « {folder.name} » existe déjà à cet endroit.") from None


async def _folder_audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    folder: Folder,
    firm_id: uuid.UUID,
    data: dict[str, Any],
) -> None:
    await audit.record(
        session,
        action,
        actor=actor,
        workspace_id=firm_id,
        target_type="folder",
        target_id=folder.id,
        data={"client_id": folder.client_id, "name": folder.name} | data,
    )


async def _folder_client(session: AsyncSession, principal: Principal, folder: Folder) -> Client:
    client = await repository.get_readable_client(session, principal, folder.client_id)
    assert client is not None  # the folder was readable through this very client
    return client


async def platform_folder(session: AsyncSession, client_id: uuid.UUID, name: str) -> Folder:
    """The client's top-level folder of that name, created when missing (« Mandats »: where
    the platform files what it produces for the client)."""
    folder = await repository.top_level_folder(session, client_id, name)
    if folder is not None:
        return folder
    folder = Folder(id=uuid.uuid4(), client_id=client_id, parent_id=None, name=_folder_name(name))
    await _flush_folder(session, folder)
    return folder


async def create_folder(
    session: AsyncSession,
    actor: Actor,
    client_id: uuid.UUID | None,
    name: str,
    parent_id: uuid.UUID | None,
) -> Folder:
    client = await _target_client(session, actor.principal, client_id)
    if parent_id is not None:
        parent = await _readable_folder(session, actor.principal, parent_id)
        if parent.client_id != client.id:
            raise FolderNotFound()
    name = _folder_name(name)
    await _check_name_free(session, client.id, parent_id, name)
    folder = Folder(id=uuid.uuid4(), client_id=client.id, parent_id=parent_id, name=name)
    await _flush_folder(session, folder)
    await _folder_audit(
        session,
        actor,
        "folder.created",
        folder,
        client.firm_id,
        {"parent_id": parent_id},
    )
    return folder


async def update_folder(
    session: AsyncSession,
    actor: Actor,
    folder_id: uuid.UUID,
    *,
    fields: frozenset[str],
    name: str | None,
    parent_id: uuid.UUID | None,
) -> Folder:
    """Rename (`name`) and/or move (`parent_id`, null for the top level) inside one client."""
    folder = await _readable_folder(session, actor.principal, folder_id)
    client = await _folder_client(session, actor.principal, folder)
    new_name = _folder_name(name) if "name" in fields and name is not None else folder.name
    new_parent = parent_id if "parent_id" in fields else folder.parent_id
    if new_parent is not None and new_parent != folder.parent_id:
        parent = await _readable_folder(session, actor.principal, new_parent)
        if parent.client_id != folder.client_id:
            raise FolderNotFound()
        if folder.id in await repository.ancestors(session, parent.id):
            raise FolderMoveRefused()
    if new_name == folder.name and new_parent == folder.parent_id:
        return folder
    await _check_name_free(session, folder.client_id, new_parent, new_name, except_id=folder.id)
    changes: dict[str, Any] = {}
    if new_name != folder.name:
        changes["renamed_from"] = folder.name
    if new_parent != folder.parent_id:
        changes["moved_from"] = folder.parent_id
        changes["moved_to"] = new_parent
    folder.name, folder.parent_id = new_name, new_parent
    await _flush_folder(session, folder)
    action = "folder.moved" if "moved_to" in changes else "folder.renamed"
    await _folder_audit(session, actor, action, folder, client.firm_id, changes)
    return folder


async def delete_folder(session: AsyncSession, actor: Actor, folder_id: uuid.UUID) -> None:
    """Only an empty folder goes: no sub-folder, no live document."""
    folder = await _readable_folder(session, actor.principal, folder_id)
    client = await _folder_client(session, actor.principal, folder)
    await repository.detach_deleted_documents(session, folder.id)
    if not await repository.folder_is_empty(session, folder.id):
        raise FolderNotEmpty("Déplacez ou supprimez d'abord son contenu.")
    await session.delete(folder)
    await session.flush()
    await _folder_audit(session, actor, "folder.deleted", folder, client.firm_id, {})
