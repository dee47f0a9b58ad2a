"""Ingesting an upload: bytes into blob storage, one row in the database, or nothing at all."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import LocalBlobStorage
from api.core.settings import Settings
from api.documents.service import (
    DeclaredDocument,
    DocumentService,
    DocumentTooLarge,
    EmptyDocument,
    FolderNotFound,
    IdempotencyKeyReused,
    InvalidAccountingPeriod,
    UnsupportedDocumentType,
)
from api.models import (
    Client,
    Document,
    DocumentSource,
    DocumentType,
    Folder,
    Workspace,
    WorkspaceKind,
)
from tests.shared_data import SHARED_DATA, needs_shared

EINVOICES = SHARED_DATA / "einvoices"


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "x" * 20_000})  # big enough to span many chunks
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = blank_pdf()
WORKSPACE = uuid.UUID("00000000-0000-4000-8000-000000000001")
CLIENT = uuid.UUID("00000000-0000-4000-8000-000000000002")
USER = uuid.UUID("00000000-0000-4000-8000-000000000003")


async def stream(data: bytes, chunk: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]


async def broken_stream(data: bytes) -> AsyncIterator[bytes]:
    yield data[:10_000]
    raise ConnectionResetError("upload interrupted")


def declared(**changes: object) -> DeclaredDocument:
    values: dict[str, object] = {
        "workspace_id": WORKSPACE,
        "client_id": CLIENT,
        "uploaded_by": USER,
        "source": DocumentSource.WEB,
        "type": DocumentType.INVOICE,
        "original_filename": "facture.pdf",
    }
    return DeclaredDocument(**(values | changes))  # type: ignore[arg-type]


OTHER_CLIENT = uuid.UUID("00000000-0000-4000-8000-000000000004")


@pytest.fixture(autouse=True)
async def firm_and_clients(session: AsyncSession) -> None:
    """The firm and clients the documents belong to (their foreign keys are real)."""
    session.add(Workspace(id=WORKSPACE, kind=WorkspaceKind.FIRM, name="Cabinet Test"))
    await session.flush()
    for client_id, siren in ((CLIENT, "356000000"), (OTHER_CLIENT, "732829320")):
        session.add(
            Client(
                id=client_id,
                firm_id=WORKSPACE,
                siren=siren,
                legal_name="Client test",
                search_name=" client test",
                sort_name="client test",
            )
        )
    await session.flush()


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStorage:
    return LocalBlobStorage(tmp_path / "blobs")


@pytest.fixture
def service(blobs: LocalBlobStorage, settings: Settings) -> DocumentService:
    return DocumentService(blobs, settings.model_copy(update={"upload_max_bytes": 100_000}))


def stored_files(blobs: LocalBlobStorage) -> list[Path]:
    return [path for path in blobs.root.rglob("*") if path.is_file()]


async def document_count(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(Document))).scalar_one()


async def test_an_upload_becomes_one_document_and_one_blob(
    service: DocumentService, blobs: LocalBlobStorage, session: AsyncSession
) -> None:
    document = await service.ingest(
        session, stream(PDF_BYTES), declared(original_filename="../Facture\u202e.pdf")
    )

    row = await session.get(Document, document.id)
    assert row is not None
    assert (row.media_type, row.size, row.original_filename) == (
        "application/pdf",
        len(PDF_BYTES),
        "Facture.pdf",
    )
    assert stored_files(blobs) == [blobs.root / row.blob_key]
    assert row.einvoice_status == "unrecognised"


async def test_an_interrupted_upload_leaves_neither_row_nor_blob(
    service: DocumentService, blobs: LocalBlobStorage, session: AsyncSession
) -> None:
    with pytest.raises(ConnectionResetError):
        await service.ingest(session, broken_stream(PDF_BYTES), declared())

    assert await document_count(session) == 0
    assert stored_files(blobs) == []


async def test_a_retried_upload_with_the_same_idempotency_key_makes_one_document(
    service: DocumentService, blobs: LocalBlobStorage, session: AsyncSession
) -> None:
    first = await service.ingest(session, stream(PDF_BYTES), declared(idempotency_key="k-1"))
    retry = await service.ingest(session, stream(PDF_BYTES), declared(idempotency_key="k-1"))

    assert retry.id == first.id
    assert await document_count(session) == 1
    assert len(stored_files(blobs)) == 1


async def test_an_idempotency_key_reused_for_other_bytes_is_a_conflict(
    service: DocumentService, session: AsyncSession
) -> None:
    await service.ingest(session, stream(PDF_BYTES), declared(idempotency_key="k-2"))

    with pytest.raises(IdempotencyKeyReused) as refused:
        await service.ingest(session, stream(PDF_BYTES + b"x"), declared(idempotency_key="k-2"))

    assert refused.value.status == 409
    assert await document_count(session) == 1


async def test_the_same_file_without_a_key_makes_two_documents_sharing_one_blob(
    service: DocumentService, blobs: LocalBlobStorage, session: AsyncSession
) -> None:
    await service.ingest(session, stream(PDF_BYTES), declared())
    await service.ingest(session, stream(PDF_BYTES), declared())

    assert await document_count(session) == 2
    assert len(stored_files(blobs)) == 1


async def test_an_oversize_upload_is_refused_with_413(
    service: DocumentService, blobs: LocalBlobStorage, session: AsyncSession
) -> None:
    with pytest.raises(DocumentTooLarge) as refused:
        await service.ingest(session, stream(b"%PDF-1.7\n" + b"0" * 100_000), declared())

    assert refused.value.status == 413
    assert refused.value.detail == "La taille maximale d'un fichier est de 0 Mo."
    assert await document_count(session) == 0
    assert stored_files(blobs) == []


async def test_an_executable_renamed_to_pdf_is_refused_with_415(
    service: DocumentService, blobs: LocalBlobStorage, session: AsyncSession
) -> None:
    executable = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 30_000 + b"This program cannot be run"

    with pytest.raises(UnsupportedDocumentType) as refused:
        await service.ingest(session, stream(executable), declared(original_filename="facture.pdf"))

    assert refused.value.status == 415
    assert refused.value.title == "Type de fichier non accepté"
    assert "programme exécutable" in (refused.value.detail or "")
    assert await document_count(session) == 0
    assert stored_files(blobs) == []


async def test_an_empty_file_is_refused(service: DocumentService, session: AsyncSession) -> None:
    with pytest.raises(EmptyDocument):
        await service.ingest(session, stream(b""), declared())


async def test_an_accounting_period_ending_before_it_starts_is_refused(
    service: DocumentService, session: AsyncSession
) -> None:
    with pytest.raises(InvalidAccountingPeriod):
        await service.ingest(
            session,
            stream(PDF_BYTES),
            declared(period_start=date(2026, 12, 31), period_end=date(2026, 1, 1)),
        )


async def test_a_folder_of_another_client_is_not_found(
    service: DocumentService, session: AsyncSession
) -> None:
    folder = Folder(client_id=OTHER_CLIENT, name="Contrats")
    session.add(folder)
    await session.flush()

    with pytest.raises(FolderNotFound):
        await service.ingest(session, stream(PDF_BYTES), declared(folder_id=folder.id))


@needs_shared(EINVOICES)
async def test_a_ubl_invoice_is_stored_with_its_searchable_metadata(
    service: DocumentService, session: AsyncSession
) -> None:
    xml = (EINVOICES / "ubl" / "ubl-tc434-example1.xml").read_bytes()

    document = await service.ingest(session, stream(xml), declared(original_filename="f.xml"))

    session.expunge_all()
    row = await session.get(Document, document.id)
    assert row is not None
    assert (row.media_type, row.einvoice_status, row.einvoice_format) == (
        "application/xml",
        "recognised",
        "ubl",
    )
    assert (row.invoice_number, row.seller_name, row.buyer_name) == (
        "12115118",
        "De Koksmaat",
        "ODIN 59",
    )
    assert (row.total_excl_vat, row.total_vat, row.total_incl_vat, row.currency) == (
        Decimal("229.60"),
        Decimal("20.73"),
        Decimal("250.33"),
        "EUR",
    )
    assert row.document_date == row.issue_date


@needs_shared(EINVOICES)
async def test_a_factur_x_pdf_is_recognised_on_upload(
    service: DocumentService, session: AsyncSession
) -> None:
    pdf = (EINVOICES / "facturx" / "CII_example1_facturx.pdf").read_bytes()

    document = await service.ingest(session, stream(pdf), declared())

    assert (document.einvoice_status, document.einvoice_format) == ("recognised", "facturx")
    assert document.invoice_number == "12115118"


@needs_shared(EINVOICES)
async def test_a_broken_einvoice_is_still_stored_and_flagged(
    service: DocumentService, session: AsyncSession
) -> None:
    truncated = (EINVOICES / "cii" / "CII_example1.xml").read_bytes()[:3000]

    document = await service.ingest(session, stream(truncated), declared())

    assert document.einvoice_status == "invalid"
    assert document.einvoice_error is not None
    assert document.einvoice_error.startswith("XML mal formé")
