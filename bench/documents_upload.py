"""Upload throughput of 1 MB files: POST /api/v1/documents into the local blob store against
raw disk writes (open, write, fsync, close) of the same bytes, measured in the same run.

.venv/bin/python -m bench.documents_upload [--files 200] [--size 1048576] [--concurrency 8]

The route path runs in process (httpx over ASGI, no socket): bearer authentication, the
client's authorization, the body streamed in 64 KiB chunks, hashed and sniffed, written through
a temporary file renamed into place, PDFs analysed for a Factur-X attachment, one row, one
audit event and one commit per upload (SQLite, the embedded default). One upload at a time
measures a client's latency; several at once (`--concurrency`), what the server sustains:
the bytes are written outside the database's write lock. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from pypdf import PdfWriter
from sqlalchemy import select

from api.adapters.blob_storage import CHUNK_SIZE
from api.app import create_app
from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings
from api.core.state import Database, state_of
from api.models import Client
from bench.clients_seed import seed_firm


def png_like(size: int) -> bytes:
    # No e-invoice analysis for images: this row shows the storage path alone.
    return b"\x89PNG\r\n\x1a\n" + os.urandom(size - 8)


def pdf_with_attachment(size: int) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("scan.bin", os.urandom(size))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), CHUNK_SIZE):
        yield bytes(view[start : start + CHUNK_SIZE])


def raw_disk_writes(files: list[bytes], folder: Path) -> float:
    folder.mkdir(parents=True)
    started = time.perf_counter()
    for data in files:
        with (folder / uuid.uuid4().hex).open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    return time.perf_counter() - started


async def upload_all(files: list[bytes], data_dir: Path, concurrency: int = 1) -> float:
    settings = Settings(data_dir=data_dir, log_level="WARNING")
    seeded = await seed_firm(settings, clients=1)
    engine = create_engine(settings)
    async with engine.connect() as connection:
        client_id = await connection.scalar(select(Client.id))
    app = create_app(settings)
    state_of(app).database = Database.bound_to(create_sessionmaker(engine))
    headers = {"Authorization": f"Bearer {seeded.access_token}"}
    transport = httpx.ASGITransport(app=app)
    pending = iter(files)

    async def uploader(client: httpx.AsyncClient) -> None:
        for data in pending:
            response = await client.post(
                "/api/v1/documents",
                params={"client_id": str(client_id), "type": "invoice", "filename": "f.pdf"},
                content=chunks(data),
                headers=headers,
            )
            assert response.status_code == 201, response.text

    async with httpx.AsyncClient(transport=transport, base_url="https://bench") as client:
        started = time.perf_counter()
        await asyncio.gather(*(uploader(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed


def line(label: str, count: int, total_bytes: int, seconds: float) -> str:
    return (
        f"{label:<52} {count / seconds:8.1f} files/s  {total_bytes / seconds / 1e6:8.1f} MB/s"
        f"  ({seconds * 1000 / count:6.2f} ms/file)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--size", type=int, default=1024 * 1024)
    parser.add_argument("--concurrency", type=int, default=8, help="uploads in flight at once")
    args = parser.parse_args()
    workspace = Path(tempfile.mkdtemp(prefix="comptoir-bench-upload."))
    print(f"\nUpload of {args.files} files of {args.size / 1e6:.2f} MB, local blob store, SQLite")
    for label, make in (("image (no e-invoice analysis)", png_like), ("PDF", pdf_with_attachment)):
        files = [make(args.size) for _ in range(args.files)]
        total = sum(len(data) for data in files)
        raw_dir = workspace / f"raw-{label[:3]}"
        app_dir = workspace / f"app-{label[:3]}"
        asyncio.run(upload_all(files[:5], workspace / f"warmup-{label[:3]}"))  # imports, caches
        raw = raw_disk_writes(files, raw_dir)
        print(line(f"raw disk writes + fsync, {label}", len(files), total, raw))
        for concurrency in (1, args.concurrency):
            app = asyncio.run(upload_all(files, app_dir / str(concurrency), concurrency))
            print(
                line(
                    f"POST /api/v1/documents, {label}, {concurrency} at once",
                    len(files),
                    total,
                    app,
                )
            )
            print(f"{'ratio route / raw (throughput)':<52} {raw / app:8.2f}")


if __name__ == "__main__":
    main()
