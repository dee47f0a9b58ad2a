"""Orphan blobs: a process killed between publishing a blob and committing its row leaves a
blob nothing references. `comptoir blobs sweep` deletes it — and nothing a row references, nor
a blob young enough that its upload may still commit, nor one an upload of the same bytes is
publishing at that moment."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path

import boto3
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import BlobStorage, LocalBlobStorage, S3BlobStorage, StoredBlob
from api.blobs import service
from api.blobs.repository import referencing_columns
from api.core.models import Base
from api.core.settings import Settings, process_environment
from api.models.client import Client
from api.models.document import Document
from api.models.flow import Flow, FlowDirection
from tests.helpers import create_firm
from tests.peers.s3_server import BUCKET, LocalS3Server

# Publishes a blob the way an upload does, says so, then waits for the commit that the
# parent kills it before (SIGKILL: no clean-up of any kind runs). The store is described by
# JSON: {"root": …} for the local folder, the S3BlobStorage arguments for S3.
_PUBLISHED_THEN_KILLED = """
import asyncio, json, sys, time
from pathlib import Path
from api.adapters.blob_storage import LocalBlobStorage, S3BlobStorage, S3Credentials

async def body():
    yield sys.argv[2].encode()

async def publish(store):
    if "root" in store:
        storage = LocalBlobStorage(Path(store["root"]))
    else:
        storage = S3BlobStorage(
            endpoint_url=store["endpoint"], bucket=store["bucket"],
            credentials=S3Credentials(*store["credentials"]),
            spool_dir=Path(store["spool"]), key_prefix=store["prefix"],
        )
    return (await storage.put(body(), max_size=10**6)).key

print(asyncio.run(publish(json.loads(sys.argv[1]))), flush=True)
time.sleep(120)
"""


def _store_description(storage: BlobStorage) -> str:
    if isinstance(storage, LocalBlobStorage):
        return json.dumps({"root": str(storage.root)})
    assert isinstance(storage, S3BlobStorage)
    credentials = storage.credentials
    return json.dumps(
        {
            "endpoint": storage.base_url.rsplit("/", 1)[0],
            "bucket": BUCKET,
            "credentials": [
                credentials.access_key_id,
                credentials.secret_access_key,
                credentials.region,
            ],
            "spool": str(storage.spool_dir),
            "prefix": storage.key_prefix,
        }
    )


def _published_then_killed(storage: BlobStorage, content: str) -> str:
    child = subprocess.Popen(
        [sys.executable, "-c", _PUBLISHED_THEN_KILLED, _store_description(storage), content],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    key = child.stdout.readline().strip()
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    return key


async def _put(storage: BlobStorage, content: bytes) -> StoredBlob:
    async def body() -> AsyncIterator[bytes]:
        yield content

    return await storage.put(body(), max_size=10**6)


LONG_AGO = datetime(2000, 1, 1)


def _age(storage: BlobStorage, *keys: str, s3: LocalS3Server | None = None) -> None:
    """Written long ago, past any grace period (a file's mtime; an object's LastModified)."""
    for key in keys:
        if isinstance(storage, LocalBlobStorage):
            os.utime(storage.root / key, (LONG_AGO.timestamp(), LONG_AGO.timestamp()))
        else:
            assert isinstance(storage, S3BlobStorage)
            assert s3 is not None
            s3.set_last_modified(storage.key_prefix + key, LONG_AGO)


@pytest.fixture
async def s3_storage(s3_server: LocalS3Server, tmp_path: Path) -> AsyncIterator[S3BlobStorage]:
    storage = S3BlobStorage(
        endpoint_url=s3_server.endpoint,
        bucket=BUCKET,
        credentials=s3_server.credentials,
        spool_dir=tmp_path / "spool",
        key_prefix=f"sweep-{uuid.uuid4().hex[:8]}/",
    )
    yield storage
    await storage.aclose()


@pytest.fixture(params=["local", "s3"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[BlobStorage, LocalS3Server | None]:
    """Each store the sweep knows, with the S3 server behind it (to age its objects)."""
    if request.param == "local":
        return LocalBlobStorage(tmp_path / "blobs"), None
    return request.getfixturevalue("s3_storage"), request.getfixturevalue("s3_server")


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
    store: tuple[BlobStorage, LocalS3Server | None],
) -> None:
    storage, s3 = store
    own = settings.model_copy(update={"blob_orphan_grace_seconds": 600})
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

    orphan = await asyncio.to_thread(_published_then_killed, storage, "relevé orphelin")
    republished = await asyncio.to_thread(_published_then_killed, storage, "reçu")
    young = await _put(storage, b"upload en cours, ligne pas encore validee")
    aged = (orphan, republished, document_blob.key, flow_blob.key, converted_blob.key)
    _age(storage, *aged, s3=s3)
    # An upload of the same bytes as `republished` publishes them again: fresh, so kept.
    assert (await _put(storage, "reçu".encode())).key == republished

    report = await service.sweep_orphan_blobs(own, sessionmaker, storage)

    assert report.deleted == [orphan]
    assert not await storage.exists(orphan)
    for kept in (document_blob.key, flow_blob.key, converted_blob.key, republished, young.key):
        assert await storage.exists(kept), kept
    assert report.referenced == 3
    assert report.examined == 4  # the three referenced and the orphan: the others are young
    assert [key async for key in storage.written_before(time.time())] != []
    if isinstance(storage, LocalBlobStorage):
        assert list(storage.root.rglob(".sweeping-*")) == []


async def test_an_upload_of_the_same_bytes_while_the_orphan_is_judged_keeps_its_blob(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """The worst interleaving: the sweep has moved the orphan aside and is checking the
    database when an upload of the same bytes publishes its blob (and commits its row)."""
    storage = LocalBlobStorage(tmp_path / "blobs")
    orphan = await asyncio.to_thread(_published_then_killed, storage, "même contenu")
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
    orphan = _published_then_killed(storage, f"orphelin {uuid.uuid4()}")
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


@pytest.mark.slow
async def test_an_object_published_again_after_the_listing_is_kept_on_s3(
    s3_server: LocalS3Server,
    s3_storage: S3BlobStorage,
) -> None:
    """The sweep has listed an old orphan when an upload of the same bytes stores them again
    (its row not committed yet): the object is written anew, so the judgement just before
    the DELETE finds it young and keeps it."""
    storage = s3_storage
    orphan = await asyncio.to_thread(_published_then_killed, storage, "même contenu S3")
    _age(storage, orphan, s3=s3_server)
    cutoff = time.time() - 60
    assert [key async for key in storage.written_before(cutoff)] == [orphan]

    assert (await _put(storage, "même contenu S3".encode())).key == orphan

    async def unreferenced(key: str) -> bool:
        return False

    assert await storage.delete_if_orphaned(orphan, cutoff, unreferenced) is False
    assert await storage.exists(orphan)
    # Unreferenced and still old: deleted; referenced: kept.
    _age(storage, orphan, s3=s3_server)

    async def referenced(key: str) -> bool:
        return True

    assert await storage.delete_if_orphaned(orphan, cutoff, referenced) is False
    assert await storage.exists(orphan)
    assert await storage.delete_if_orphaned(orphan, cutoff, unreferenced) is True
    assert not await storage.exists(orphan)


@pytest.mark.slow
async def test_the_s3_listing_reads_every_page_and_only_this_stores_blobs(
    s3_server: LocalS3Server, s3_storage: S3BlobStorage
) -> None:
    """ListObjectsV2 answers 1,000 objects a page: the sweep follows the continuation tokens,
    and takes only content addresses under its own key prefix (another deployment sharing
    the bucket, or a foreign object, is never a candidate)."""
    storage = s3_storage
    keys = [(await _put(storage, f"relevé {n}".encode())).key for n in range(5)]
    _age(storage, *keys, s3=s3_server)
    neighbour = S3BlobStorage(
        endpoint_url=s3_server.endpoint,
        bucket=BUCKET,
        credentials=s3_server.credentials,
        spool_dir=storage.spool_dir,
        key_prefix=storage.key_prefix.rstrip("/") + "-voisin/",
    )
    try:
        other = (await _put(neighbour, b"un autre deploiement")).key
        _age(neighbour, other, s3=s3_server)
    finally:
        await neighbour.aclose()
    foreign = boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint,
        region_name=s3_server.credentials.region,
        aws_access_key_id=s3_server.credentials.access_key_id,
        aws_secret_access_key=s3_server.credentials.secret_access_key,
    )
    foreign.put_object(Bucket=BUCKET, Key=storage.key_prefix + "notes.txt", Body=b"x")
    s3_server.set_last_modified(storage.key_prefix + "notes.txt", LONG_AGO)

    storage.list_page_size = 2  # three pages for five blobs

    assert sorted([key async for key in storage.written_before(time.time() - 60)]) == sorted(keys)


@pytest.mark.slow
def test_comptoir_blobs_sweep_deletes_the_orphan_of_a_killed_upload_on_s3(
    tmp_path: Path, s3_server: LocalS3Server
) -> None:
    """The command with COMPTOIR_BLOB_STORAGE=s3, on a migrated database file."""
    prefix = f"cli-{uuid.uuid4().hex[:8]}/"
    env = process_environment() | {
        "COMPTOIR_DATA_DIR": str(tmp_path),
        "COMPTOIR_DATABASE_URL": "",
        "COMPTOIR_ENVIRONMENT": "test",
        "COMPTOIR_BLOB_STORAGE": "s3",
        "COMPTOIR_S3_ENDPOINT_URL": s3_server.endpoint,
        "COMPTOIR_S3_BUCKET": BUCKET,
        "COMPTOIR_S3_REGION": s3_server.credentials.region,
        "COMPTOIR_S3_ACCESS_KEY_ID": s3_server.credentials.access_key_id,
        "COMPTOIR_S3_SECRET_ACCESS_KEY": s3_server.credentials.secret_access_key,
        "COMPTOIR_S3_KEY_PREFIX": prefix,
    }
    comptoir = str(Path(sys.executable).with_name("comptoir"))
    subprocess.run([comptoir, "migrate"], env=env, check=True, capture_output=True)
    storage = S3BlobStorage(
        endpoint_url=s3_server.endpoint,
        bucket=BUCKET,
        credentials=s3_server.credentials,
        spool_dir=tmp_path / "spool",
        key_prefix=prefix,
    )
    orphan = _published_then_killed(storage, f"orphelin {uuid.uuid4()}")
    s3_server.set_last_modified(prefix + orphan, LONG_AGO)

    dry = subprocess.run(
        [comptoir, "blobs", "sweep", "--dry-run"], env=env, capture_output=True, text=True
    )
    assert dry.returncode == 0, dry.stderr
    assert "Fichiers orphelins à supprimer : 1" in dry.stdout

    swept = subprocess.run([comptoir, "blobs", "sweep"], env=env, capture_output=True, text=True)
    assert swept.returncode == 0, swept.stderr
    assert "Fichiers orphelins supprimés : 1" in swept.stdout
    assert orphan in swept.stdout

    async def gone() -> bool:
        try:
            return not await storage.exists(orphan)
        finally:
            await storage.aclose()

    assert asyncio.run(gone())
