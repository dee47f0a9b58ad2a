"""Orphan blobs: a process killed between publishing a blob and committing its row leaves a
blob nothing references. `comptoir blobs sweep` deletes it — and nothing a row references, nor
a blob young enough that its upload may still commit, nor one an upload of the same bytes is
publishing at that moment."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import LocalBlobStorage, StoredBlob
from api.blobs import service
from api.blobs.repository import referencing_columns
from api.core.models import Base
from api.core.settings import Settings, process_environment
from api.models.client import Client
from api.models.document import Document
from api.models.flow import Flow, FlowDirection
from tests.helpers import create_firm

# Publishes a blob the way an upload does, says so, then waits for the commit that the
# parent kills it before (SIGKILL: no clean-up of any kind runs).
_PUBLISHED_THEN_KILLED = """
import asyncio, sys, time
from pathlib import Path
from api.adapters.blob_storage import LocalBlobStorage

async def body():
    yield sys.argv[2].encode()

stored = asyncio.run(LocalBlobStorage(Path(sys.argv[1])).put(body(), max_size=10**6))
print(stored.key, flush=True)
time.sleep(120)
"""


def _published_then_killed(blob_dir: Path, content: str) -> str:
    child = subprocess.Popen(
        [sys.executable, "-c", _PUBLISHED_THEN_KILLED, str(blob_dir), content],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    key = child.stdout.readline().strip()
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=10) == -signal.SIGKILL
    return key


async def _put(storage: LocalBlobStorage, content: bytes) -> StoredBlob:
    async def body() -> AsyncIterator[bytes]:
        yield content

    return await storage.put(body(), max_size=10**6)


def _age(storage: LocalBlobStorage, *keys: str) -> None:
    """Written long ago (1970), past any grace period."""
    for key in keys:
        os.utime(storage.root / key, (0, 0))


def test_every_column_holding_a_blob_key_is_known_to_the_sweep() -> None:
    """A new model storing a blob key must mark its column `info=BLOB_KEY`, or the sweep would
    delete the blobs it references: any column whose name says blob and is not marked fails."""
    known = {(column.table.name, column.name) for column in referencing_columns()}
    named = {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if "blob" in column.name
    }
    assert named - known == set(), "columns holding blob keys unknown to the sweep"
    assert known >= {
        ("documents", "blob_key"),
        ("flows", "blob_key"),
        ("flows", "converted_blob_key"),
        ("identity_verifications", "image_blob_key"),
    }


async def test_a_blob_whose_upload_was_killed_before_its_row_is_swept_and_nothing_else(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tmp_path: Path,
) -> None:
    own = settings.model_copy(update={"data_dir": tmp_path, "blob_orphan_grace_seconds": 600})
    storage = LocalBlobStorage(own.blob_dir)
    firm = await create_firm(session, settings)
    client = Client(
        firm_id=firm.firm.id,
        siren="356000000",
        legal_name="Garage Martin",
        search_name=" garage martin",
        sort_name="garage martin",
    )
    session.add(client)
    await session.flush()
    document_blob = await _put(storage, b"facture de janvier")
    flow_blob = await _put(storage, b"<Invoice/>")
    converted_blob = await _put(storage, b"<CrossIndustryInvoice/>")
    session.add_all(
        [
            Document(
                workspace_id=firm.firm.id,
                client_id=client.id,
                type="invoice",
                title="Facture",
                original_filename="janvier.pdf",
                media_type="application/pdf",
                size=document_blob.size,
                sha256=document_blob.sha256,
                blob_key=document_blob.key,
                document_date=date(2026, 1, 31),
                uploaded_by=firm.owner.id,
                source="web",
            ),
            Flow(
                firm_id=firm.firm.id,
                client_id=client.id,
                direction=FlowDirection.IN,
                syntax="UBL",
                name="facture.xml",
                sha256=flow_blob.sha256,
                size=flow_blob.size,
                media_type="application/xml",
                blob_key=flow_blob.key,
                converted_blob_key=converted_blob.key,
            ),
        ]
    )
    await session.commit()

    orphan = await asyncio.to_thread(_published_then_killed, own.blob_dir, "relevé orphelin")
    republished = await asyncio.to_thread(_published_then_killed, own.blob_dir, "reçu")
    young = await _put(storage, b"upload en cours, ligne pas encore validee")
    _age(storage, orphan, republished, document_blob.key, flow_blob.key, converted_blob.key)
    # An upload of the same bytes as `republished` publishes them again: fresh, so kept.
    assert (await _put(storage, "reçu".encode())).key == republished

    report = await service.sweep_orphan_blobs(own, sessionmaker, storage)

    assert report.deleted == [orphan]
    assert not await storage.exists(orphan)
    for kept in (document_blob.key, flow_blob.key, converted_blob.key, republished, young.key):
        assert await storage.exists(kept), kept
    assert report.referenced == 3
    assert report.examined == 4  # the three referenced and the orphan: the others are young
    assert list(own.blob_dir.rglob(".sweeping-*")) == []


async def test_an_upload_of_the_same_bytes_while_the_orphan_is_judged_keeps_its_blob(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """The worst interleaving: the sweep has moved the orphan aside and is checking the
    database when an upload of the same bytes publishes its blob (and commits its row)."""
    storage = LocalBlobStorage(tmp_path / "blobs")
    orphan = await asyncio.to_thread(_published_then_killed, storage.root, "même contenu")
    _age(storage, orphan)

    async def upload_meanwhile(key: str) -> bool:
        assert not (storage.root / key).exists()  # moved aside while judged
        assert (await _put(storage, "même contenu".encode())).key == key
        return False  # the row of that upload is not committed yet when the check runs

    deleted = await storage.delete_if_orphaned(orphan, cutoff=1.0e9, referenced=upload_meanwhile)

    assert deleted is True  # the old copy went…
    assert await storage.exists(orphan)  # …the upload's own stays for its row
    assert b"".join([chunk async for chunk in storage.read(orphan)]) == "même contenu".encode()
    assert list(storage.root.rglob(".sweeping-*")) == []


@pytest.mark.slow
def test_comptoir_blobs_sweep_deletes_the_orphan_of_a_killed_upload(tmp_path: Path) -> None:
    """The command on a real database file: migrated, one killed upload's blob, swept."""
    env = process_environment() | {
        "COMPTOIR_DATA_DIR": str(tmp_path),
        "COMPTOIR_DATABASE_URL": "",
        "COMPTOIR_ENVIRONMENT": "test",
    }
    comptoir = str(Path(sys.executable).with_name("comptoir"))
    subprocess.run([comptoir, "migrate"], env=env, check=True, capture_output=True)
    storage = LocalBlobStorage(tmp_path / "blobs")
    orphan = _published_then_killed(storage.root, f"orphelin {uuid.uuid4()}")
    _age(storage, orphan)

    dry = subprocess.run(
        [comptoir, "blobs", "sweep", "--dry-run"], env=env, capture_output=True, text=True
    )
    assert dry.returncode == 0, dry.stderr
    assert "Fichiers orphelins à supprimer : 1" in dry.stdout
    assert (storage.root / orphan).exists()

    swept = subprocess.run([comptoir, "blobs", "sweep"], env=env, capture_output=True, text=True)
    assert swept.returncode == 0, swept.stderr
    assert "Fichiers orphelins supprimés : 1" in swept.stdout
    assert orphan in swept.stdout
    assert not (storage.root / orphan).exists()
