"""Document rules: ingesting an upload into blob storage and the database.

Routes and authorization are wired by the caller: `ingest` trusts that the principal may
write to `workspace_id`/`client_id`; it checks only what the bytes and metadata say.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import BlobStorage, BlobTooLarge, StoredBlob
from api.core.errors import AppError, Conflict, NotFound, UnprocessableEntity
from api.core.settings import Settings
from api.documents.einvoice import (
    EInvoiceAnalysis,
    EInvoiceStatus,
    analyse_pdf,
    analyse_xml,
)
from api.documents.repository import document_repository
from api.documents.sniffing import PDF, SNIFF_BYTES, XML, SniffedType, sanitize_filename, sniff
from api.models.document import Document, DocumentSource, DocumentType


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
        await self._check_declaration(session, declared)
        if declared.idempotency_key:
            existing = await document_repository.get_by_idempotency_key(
                session, declared.workspace_id, declared.idempotency_key
            )
            if existing is not None:
                await self._check_same_upload(existing, chunks, declared)
                return existing

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
        return await self._add(session, document, declared)

    async def _check_declaration(self, session: AsyncSession, declared: DeclaredDocument) -> None:
        if (
            declared.period_start is not None
            and declared.period_end is not None
            and declared.period_start > declared.period_end
        ):
            raise InvalidAccountingPeriod("La fin de la période précède son début.")
        if declared.folder_id is not None:
            folder = await document_repository.get_folder(session, declared.folder_id)
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
        if sniffed is PDF:
            return await asyncio.to_thread(analyse_pdf, data)
        return await asyncio.to_thread(analyse_xml, data)

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
            document_date=declared.document_date or (invoice.issue_date if invoice else None),
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
            winner = await document_repository.get_by_idempotency_key(
                session, declared.workspace_id, declared.idempotency_key
            )
            if winner is None:
                raise
            if winner.sha256 != document.sha256 or winner.client_id != document.client_id:
                raise IdempotencyKeyReused() from None
            return winner
        return document


def _clip(value: str | None, length: int) -> str | None:
    return value[:length] if value is not None else None
