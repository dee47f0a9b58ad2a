"""The migration that adds `documents.search_text` fills it for the documents already there."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.db import create_engine
from api.core.models import utcnow
from api.core.settings import Settings
from api.migrate import alembic_config
from api.models.client import Client
from api.models.workspace import Workspace, WorkspaceKind
from tests.conftest import SuiteEnvironment
from tests.live import committed_database

BEFORE = "20261127_client_import_rows"
AFTER = "20261127_documents_search_text"

_documents = sa.table(
    "documents",
    *(sa.column(name, sa.Uuid()) for name in ("id", "workspace_id", "client_id", "uploaded_by")),
    *(
        sa.column(name, sa.String())
        for name in (
            "type",
            "title",
            "original_filename",
            "media_type",
            "sha256",
            "blob_key",
            "source",
            "invoice_number",
            "seller_name",
        )
    ),
    sa.column("size", sa.Integer()),
    sa.column("document_date", sa.Date()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own, migrated step by step by the test."""
    yield from committed_database(SuiteEnvironment().database_url, tmp_path)


def _migrate(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


async def test_existing_documents_become_searchable(database_url: str) -> None:
    engine = create_engine(Settings(database_url=database_url, log_level="WARNING"))
    firm = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.FIRM, name="Cabinet")
    client = Client(
        id=uuid.uuid4(),
        firm_id=firm.id,
        siren="356000000",
        legal_name="Garage Martin",
        search_name=" garage martin",
        sort_name="garage martin",
    )
    digest = hashlib.sha256(b"x").hexdigest()
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, BEFORE)
            session = AsyncSession(bind=connection)
            session.add(firm)
            await session.flush()
            session.add(client)
            await session.flush()
            await connection.execute(
                _documents.insert(),
                {
                    "id": uuid.uuid4(),
                    "workspace_id": firm.id,
                    "client_id": client.id,
                    "uploaded_by": uuid.uuid4(),
                    "type": "invoice",
                    "title": "Facture Électricité",
                    "original_filename": "facture-edf.pdf",
                    "media_type": "application/pdf",
                    "sha256": digest,
                    "blob_key": f"{digest[:2]}/{digest[2:4]}/{digest}",
                    "source": "web",
                    "invoice_number": "FA-2026-0012",
                    "seller_name": "EDF",
                    "size": 1,
                    "document_date": date(2026, 1, 31),
                    "created_at": utcnow(),
                },
            )
            await connection.run_sync(_migrate, AFTER)
            stored = await connection.scalar(sa.text("SELECT search_text FROM documents"))
    finally:
        await engine.dispose()

    assert stored == " facture electricite edf pdf fa 2026 0012"
