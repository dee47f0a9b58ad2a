"""Bulk-load N documents over a seeded firm's clients with PostgreSQL COPY (asyncpg)."""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg

from api.adapters.company_registry.base import search_name

TYPES = ("invoice", "invoice", "statement", "shared", "other")  # invoices are most documents
SELLERS = ("Orange SA", "EDF", "Garage Martin", "Boulangerie Petit", "Leroy Merlin", "Metro")
FIRST_DAY = date(2025, 1, 1)
DAYS = 730

COLUMNS = (
    "id",
    "workspace_id",
    "client_id",
    "type",
    "title",
    "original_filename",
    "media_type",
    "size",
    "sha256",
    "blob_key",
    "document_date",
    "uploaded_by",
    "source",
    "created_at",
    "invoice_number",
    "seller_name",
    "total_incl_vat",
    "search_text",
)


async def copy_documents(database_url: str, firm_id: uuid.UUID, count: int) -> list[uuid.UUID]:
    """`count` documents spread evenly over the firm's clients and two years; returns the
    client ids. Rows go through COPY in batches, then VACUUM ANALYZE."""
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        clients = [
            row["id"]
            for row in await connection.fetch("SELECT id FROM clients WHERE firm_id = $1", firm_id)
        ]
        rng = random.Random(8)
        uploader = uuid.uuid4()
        now = datetime.now(UTC)
        digest = hashlib.sha256(b"bench").hexdigest()
        key = f"{digest[:2]}/{digest[2:4]}/{digest}"
        batch: list[tuple[object, ...]] = []
        for index in range(count):
            kind = rng.choice(TYPES)
            invoice = kind == "invoice"
            seller = rng.choice(SELLERS) if invoice else None
            number = f"FA-{index:08d}" if invoice else None
            batch.append(
                (
                    uuid.uuid4(),
                    firm_id,
                    clients[index % len(clients)],
                    kind,
                    f"Document {index}",
                    f"document-{index}.pdf",
                    "application/pdf",
                    1024 + index % 5000,
                    digest,
                    key,
                    FIRST_DAY + timedelta(days=rng.randrange(DAYS)),
                    uploader,
                    "web",
                    now,
                    number,
                    seller,
                    rng.randrange(100, 1_000_000) if invoice else None,
                    search_name(f"Document {index}", f"document-{index}.pdf", number, seller),
                )
            )
            if len(batch) == 50_000:
                await connection.copy_records_to_table("documents", records=batch, columns=COLUMNS)
                batch.clear()
        if batch:
            await connection.copy_records_to_table("documents", records=batch, columns=COLUMNS)
        # VACUUM too: freshly copied pages are not all-visible yet, and index-only scans (the
        # counts per type) would visit the heap for every row until autovacuum passes.
        await connection.execute("VACUUM ANALYZE documents")
        return clients
    finally:
        await connection.close()
