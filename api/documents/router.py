"""HTTP routes of the "Documents clients" application: upload, list, metadata, download,
soft delete, and each client's folders. Comptables (assigned clients), the owner (every
client) and the client company's users (their own space); everyone else gets 404."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from api.adapters.blob_storage import BlobStorage, create_blob_storage
from api.auth.dependencies import acting, require
from api.core.actor import Actor
from api.core.authz import Permission, Principal
from api.core.db import DbSession, ReadOnly, StreamedBody
from api.core.errors import AppError, problem_responses
from api.core.input import HumanText, PrintableAscii
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit
from api.core.responses import PlainJSONResponse
from api.core.state import request_state
from api.documents import service
from api.documents.repository import DocumentFilters
from api.documents.schemas import (
    DocumentListParams,
    DocumentOut,
    DocumentPage,
    DocumentUpdate,
    FolderCreate,
    FolderOut,
    FolderPage,
    FolderUpdate,
)
from api.documents.service import DocumentService, DocumentTooLarge, UploadRequest
from api.documents.sniffing import ACCEPTED_MEDIA_TYPES
from api.documents.upload_body import MultipartFile, is_multipart, raw_body
from api.models.document import DocumentType

router = APIRouter(tags=["documents"])

DocumentsRead = Annotated[Principal, Depends(require(Permission.DOCUMENTS_READ))]
DocumentsWrite = Annotated[Actor, Depends(acting(Permission.DOCUMENTS_WRITE))]


def get_document_service(request: Request) -> DocumentService:
    """The documents service over the configured blob store, built once per app."""
    state = request_state(request)

    def build() -> DocumentService:
        storage = create_blob_storage(state.settings)
        state.close_at_shutdown(storage)
        return DocumentService(storage, state.settings)

    return state.once(DocumentService, build)


Documents = Annotated[DocumentService, Depends(get_document_service)]

CLIENT_ID_DESCRIPTION = (
    "The client. Required for a firm's users: omitted, it is a 422 `client-required` unless "
    "the caller reaches exactly one client, as a company user does (their own space)."
)
_BINARY: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
# The download answers the type sniffed at upload (the document's `media_type`).
_STORED_TYPES: dict[str, Any] = dict.fromkeys(ACCEPTED_MEDIA_TYPES, _BINARY)
_DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": _STORED_TYPES, "description": "The file, as its `media_type`."},
    206: {"content": _STORED_TYPES, "description": "One byte range."},
}
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The file as the raw body (any Content-Type), or `multipart/form-data` "
        "with the file in a `file` part. The type is read from the content, never the name.",
        "content": {
            "application/octet-stream": _BINARY,
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


@router.post(
    "/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    responses=problem_responses(401, 404, 409, 413, 415, 422),
    openapi_extra=_UPLOAD_BODY,
    dependencies=[StreamedBody],
)
async def upload_document(
    request: Request,
    response: Response,
    session: DbSession,
    actor: DocumentsWrite,
    documents: Documents,
    client_id: Annotated[
        uuid.UUID | None,
        Query(description=CLIENT_ID_DESCRIPTION),
    ] = None,
    type: DocumentType = DocumentType.OTHER,
    title: Annotated[HumanText | None, Query(max_length=255)] = None,
    filename: Annotated[
        HumanText | None, Query(max_length=1000, description="Original name (raw body uploads).")
    ] = None,
    folder_id: uuid.UUID | None = None,
    document_date: date | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    idempotency_key: Annotated[
        PrintableAscii | None,
        Header(
            description="A retry with the same key and bytes returns the first document.",
        ),
    ] = None,
) -> DocumentOut:
    """Upload a document for a client (web, mobile app and integrations alike)."""
    declared_size = request.headers.get("content-length", "")
    if declared_size.isdigit() and int(declared_size) > documents.max_size + 64 * 1024:
        raise DocumentTooLarge(f"La taille maximale d'un fichier est de {documents.max_size} o.")
    chunks: AsyncIterator[bytes] | MultipartFile
    if is_multipart(request):
        chunks = MultipartFile(request)
        await chunks.open()
        filename = chunks.filename or filename
    else:
        chunks = raw_body(request)
    ingested = await service.upload(
        session,
        documents,
        actor,
        chunks,
        UploadRequest(
            client_id=client_id,
            type=type,
            original_filename=filename,
            title=title,
            folder_id=folder_id,
            document_date=document_date,
            period_start=period_start,
            period_end=period_end,
            idempotency_key=idempotency_key,
        ),
    )
    if not ingested.created:
        response.headers["Idempotent-Replayed"] = "true"
    return DocumentOut.model_validate(ingested.document)


@router.get(
    "/documents",
    response_model=DocumentPage,
    responses=problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def list_documents(
    session: DbSession, principal: DocumentsRead, params: Annotated[DocumentListParams, Query()]
) -> Response:
    """Documents of every client the caller may see, filtered, sorted, by cursor."""
    query = service.ListQuery(
        DocumentFilters(
            client_id=params.client_id,
            type=params.type.value if params.type else None,
            date_from=params.date_from,
            date_to=params.date_to,
            folder_id=params.folder_id,
            text=params.q,
        ),
        sort=params.sort,
    )
    page = await service.list_documents(
        session, principal, query, cursor=params.cursor, limit=params.limit
    )
    # Plain rows straight to JSON: the busiest read of the application.
    return PlainJSONResponse(page)


@router.get(
    "/documents/{document_id}",
    response_model=DocumentOut,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_document(
    document_id: uuid.UUID, session: DbSession, principal: DocumentsRead
) -> DocumentOut:
    """A document's metadata, with what its e-invoice says."""
    return DocumentOut.model_validate(await service.get_document(session, principal, document_id))


@router.patch(
    "/documents/{document_id}",
    response_model=DocumentOut,
    responses=problem_responses(401, 404, 422),
)
async def update_document(
    document_id: uuid.UUID,
    body: DocumentUpdate,
    session: DbSession,
    actor: DocumentsWrite,
) -> DocumentOut:
    """Change a document's type, title, folder, date or accounting period."""
    changes = service.DocumentChanges(fields=frozenset(body.model_fields_set), **body.model_dump())
    document = await service.update_document(session, actor, document_id, changes)
    return DocumentOut.model_validate(document)


@router.delete(
    "/documents/{document_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
async def delete_document(
    document_id: uuid.UUID, session: DbSession, actor: DocumentsWrite
) -> Response:
    """Delete a document (kept for retention, hidden everywhere; audited)."""
    await service.delete_document(session, actor, document_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class RangeNotSatisfiable(AppError):
    status = 416
    code = "range-not-satisfiable"
    title = "Plage d'octets hors du fichier"


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The single range of a `Range` header (RFC 9110 §14.2), inclusive; None for the whole
    file. Several ranges or an unknown unit are ignored (a server may), as the RFC allows."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0:
            raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
    return start, end


def attachment(filename: str) -> str:
    """`Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name
    (RFC 6266 §4.3): browsers save the file, never render it in our origin."""
    fallback = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    fallback = fallback.replace("\\", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def _primed(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Read the first chunk now (a missing blob fails before the 200 is sent)."""
    first = await anext(chunks, b"")

    async def rest() -> AsyncIterator[bytes]:
        if first:
            yield first
        async for chunk in chunks:
            yield chunk

    return rest()


@router.get(
    "/documents/{document_id}/content",
    response_class=StreamingResponse,
    responses=_DOWNLOAD_RESPONSES | problem_responses(401, 404, 416),
    dependencies=[ReadOnly],
)
async def download_document(
    document_id: uuid.UUID,
    session: DbSession,
    principal: DocumentsRead,
    documents: Documents,
    range_header: Annotated[str | None, Header(alias="range", include_in_schema=False)] = None,
    if_range: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> StreamingResponse:
    """Download the file (as an attachment; `Range: bytes=…` for a part)."""
    document = await service.get_document(session, principal, document_id)
    etag = f'"{document.sha256}"'
    wanted = byte_range(range_header, document.size) if if_range in (None, etag) else None
    start, end = wanted if wanted else (0, document.size - 1)
    storage: BlobStorage = documents.storage
    body = await _primed(storage.read(document.blob_key, start=start, end=end))
    headers = {
        "Content-Disposition": attachment(document.original_filename),
        "Content-Length": str(end - start + 1),
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        # Opened by mistake in a tab, the file still cannot run script in our origin.
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-cache",
    }
    if wanted:
        headers["Content-Range"] = f"bytes {start}-{end}/{document.size}"
    return StreamingResponse(
        body,
        status_code=status.HTTP_206_PARTIAL_CONTENT if wanted else status.HTTP_200_OK,
        media_type=document.media_type,
        headers=headers,
    )


# --------------------------------------------------------------------------- folders


@router.get(
    "/folders",
    response_model=FolderPage,
    responses=problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def list_folders(
    session: DbSession,
    principal: DocumentsRead,
    client_id: Annotated[
        uuid.UUID | None,
        Query(description=CLIENT_ID_DESCRIPTION),
    ] = None,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> FolderPage:
    """A client's folders (flat, with `parent_id`), sorted by name."""
    folders, next_cursor = await service.list_folders(session, principal, client_id, limit, cursor)
    return FolderPage.of(folders, next_cursor)


@router.post(
    "/folders",
    status_code=status.HTTP_201_CREATED,
    response_model=FolderOut,
    responses=problem_responses(401, 404, 409, 422),
)
async def create_folder(body: FolderCreate, session: DbSession, actor: DocumentsWrite) -> FolderOut:
    """Create a folder in a client's sharing space (names unique per parent)."""
    folder = await service.create_folder(session, actor, body.client_id, body.name, body.parent_id)
    return FolderOut.model_validate(folder)


@router.patch(
    "/folders/{folder_id}",
    response_model=FolderOut,
    responses=problem_responses(401, 404, 409, 422),
)
async def update_folder(
    folder_id: uuid.UUID,
    body: FolderUpdate,
    session: DbSession,
    actor: DocumentsWrite,
) -> FolderOut:
    """Rename a folder and/or move it (`parent_id`, null for the top level)."""
    folder = await service.update_folder(
        session,
        actor,
        folder_id,
        fields=frozenset(body.model_fields_set),
        name=body.name,
        parent_id=body.parent_id,
    )
    return FolderOut.model_validate(folder)


@router.delete(
    "/folders/{folder_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404, 409),
)
async def delete_folder(
    folder_id: uuid.UUID, session: DbSession, actor: DocumentsWrite
) -> Response:
    """Delete an empty folder (no sub-folder, no document)."""
    await service.delete_folder(session, actor, folder_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
