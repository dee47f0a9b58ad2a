"""Blob storage: the local folder and an S3-compatible server (moto, on loopback, with
signature checking switched on), through the same `BlobStorage` interface."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from api.adapters.blob_storage import (
    EMPTY_PAYLOAD_SHA256,
    BlobNotFound,
    BlobStorage,
    BlobStorageError,
    BlobTooLarge,
    LocalBlobStorage,
    S3BlobStorage,
    S3Credentials,
    create_blob_storage,
    sigv4_headers,
)
from api.app import create_app
from api.core.settings import Settings
from api.documents.router import get_document_service
from api.registration.dependencies import get_blob_storage
from tests.peers.s3_server import BUCKET, REGION, LocalS3Server


async def chunked(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def interrupted(data: bytes) -> AsyncIterator[bytes]:
    yield data
    raise ConnectionResetError("client went away")


async def read_all(storage: BlobStorage, key: str, **byte_range: int) -> bytes:
    return b"".join([chunk async for chunk in storage.read(key, **byte_range)])


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- the S3 peer ---------------------------------------------------------------------------


@pytest.fixture
async def s3_storage(s3_server: LocalS3Server, tmp_path: Path) -> AsyncIterator[S3BlobStorage]:
    endpoint, credentials = s3_server.endpoint, s3_server.credentials
    storage = S3BlobStorage(
        endpoint_url=endpoint,
        bucket=BUCKET,
        credentials=credentials,
        spool_dir=tmp_path / "spool",
        key_prefix=f"test-{os.urandom(4).hex()}/",
    )
    yield storage
    await storage.aclose()


@pytest.fixture
def local_storage(tmp_path: Path) -> LocalBlobStorage:
    return LocalBlobStorage(tmp_path / "blobs")


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.slow)])
def storage(request: pytest.FixtureRequest) -> BlobStorage:
    name = "local_storage" if request.param == "local" else "s3_storage"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


# --- behaviour shared by both stores -------------------------------------------------------


async def test_a_stored_blob_is_addressed_by_its_sha256_and_reads_back(
    storage: BlobStorage,
) -> None:
    data = os.urandom(200_000)
    digest = hashlib.sha256(data).hexdigest()

    blob = await storage.put(chunked(data, 7000), max_size=1_000_000)

    assert blob.sha256 == digest
    assert blob.key == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert blob.size == len(data)
    assert await storage.exists(blob.key)
    assert await read_all(storage, blob.key) == data


async def test_byte_ranges_read_the_requested_slice(storage: BlobStorage) -> None:
    data = bytes(range(256)) * 1000
    blob = await storage.put(chunked(data), max_size=1_000_000)

    assert await read_all(storage, blob.key, start=0, end=9) == data[:10]
    assert await read_all(storage, blob.key, start=100_000, end=170_000) == data[100_000:170_001]
    assert await read_all(storage, blob.key, start=255_990) == data[255_990:]


async def test_an_oversize_stream_is_refused_and_leaves_nothing(
    storage: BlobStorage, tmp_path: Path
) -> None:
    data = os.urandom(5000)

    with pytest.raises(BlobTooLarge):
        await storage.put(chunked(data), max_size=4999)

    digest = hashlib.sha256(data).hexdigest()
    assert not await storage.exists(f"{digest[:2]}/{digest[2:4]}/{digest}")
    assert files_under(tmp_path) == []


async def test_an_interrupted_stream_leaves_nothing(storage: BlobStorage, tmp_path: Path) -> None:
    data = os.urandom(3000)

    with pytest.raises(ConnectionResetError):
        await storage.put(interrupted(data), max_size=1_000_000)

    digest = hashlib.sha256(data).hexdigest()
    assert not await storage.exists(f"{digest[:2]}/{digest[2:4]}/{digest}")
    assert files_under(tmp_path) == []


async def test_storing_the_same_bytes_twice_keeps_one_blob(storage: BlobStorage) -> None:
    data = b"%PDF-1.7 same bytes"
    first = await storage.put(chunked(data), max_size=1000)
    second = await storage.put(chunked(data), max_size=1000)

    assert first == second
    assert await read_all(storage, second.key) == data


async def test_delete_removes_the_blob_and_is_idempotent(storage: BlobStorage) -> None:
    blob = await storage.put(chunked(b"to be deleted"), max_size=1000)

    await storage.delete(blob.key)
    await storage.delete(blob.key)

    assert not await storage.exists(blob.key)
    with pytest.raises(BlobNotFound):
        await read_all(storage, blob.key)


async def test_keys_that_are_not_content_addresses_are_never_resolved(
    storage: BlobStorage,
) -> None:
    for key in ("../../etc/passwd", "ab/cd/" + "0" * 64, "a/b", ""):
        assert not await storage.exists(key)
    with pytest.raises(BlobNotFound):
        await read_all(storage, "../" + "ab/cd/abcd")


# --- local store specifics -----------------------------------------------------------------


async def test_local_blobs_land_in_sharded_folders_without_temporary_files(
    local_storage: LocalBlobStorage,
) -> None:
    blob = await local_storage.put(chunked(b"hello"), max_size=100)

    assert files_under(local_storage.root) == [local_storage.root / blob.key]


def test_settings_choose_the_local_folder_by_default(tmp_path: Path) -> None:
    storage = create_blob_storage(Settings(data_dir=tmp_path))

    assert isinstance(storage, LocalBlobStorage)
    assert storage.root == tmp_path / "blobs"


def test_settings_choose_s3_with_its_endpoint(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        blob_storage="s3",
        s3_endpoint_url="https://s3.example.test",
        s3_bucket="docs",
        s3_access_key_id="key",
        s3_secret_access_key="secret",
    )

    storage = create_blob_storage(settings)

    assert isinstance(storage, S3BlobStorage)
    assert storage.base_url == "https://s3.example.test/docs"


# --- S3 specifics --------------------------------------------------------------------------


async def test_objects_written_through_s3_are_read_by_another_client(
    s3_storage: S3BlobStorage, s3_server: LocalS3Server
) -> None:
    endpoint, credentials = s3_server.endpoint, s3_server.credentials
    data = os.urandom(150_000)
    blob = await s3_storage.put(chunked(data, 10_000), max_size=1_000_000)

    other_client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
    )
    stored = other_client.get_object(Bucket=BUCKET, Key=s3_storage.key_prefix + blob.key)

    assert stored["Body"].read() == data


async def test_s3_refuses_a_wrong_secret(s3_server: LocalS3Server, tmp_path: Path) -> None:
    endpoint, credentials = s3_server.endpoint, s3_server.credentials
    forged = S3BlobStorage(
        endpoint_url=endpoint,
        bucket=BUCKET,
        credentials=S3Credentials(credentials.access_key_id, "not-the-secret", REGION),
        spool_dir=tmp_path,
    )
    try:
        with pytest.raises(BlobStorageError, match="403"):
            await forged.put(chunked(b"forged"), max_size=100)
    finally:
        await forged.aclose()


def test_sigv4_matches_the_aws_documentation_example() -> None:
    # "Example: GET Object" of the S3 SigV4 header-based authentication documentation.
    headers = sigv4_headers(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        credentials=S3Credentials(
            "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1"
        ),
        payload_sha256=EMPTY_PAYLOAD_SHA256,
        now=datetime(2013, 5, 24, tzinfo=UTC),
        headers={"Range": "bytes=0-9"},
    )

    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("PUT", "http://127.0.0.1:9000/bucket/blobs/ab/cd/abcdef"),
        ("GET", "https://bucket.s3.eu-west-3.amazonaws.com/key%20with%20spaces/é"),
        ("DELETE", "https://s3.example.test/bucket/key?versionId=a%2Fb&acl="),
    ],
)
def test_sigv4_matches_botocore(method: str, url: str) -> None:
    request = AWSRequest(method=method, url=url)
    S3SigV4Auth(Credentials("AKIDEXAMPLE", "secret/KEY"), "s3", REGION).add_auth(request)
    signed_at = datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")

    ours = sigv4_headers(
        method,
        url,
        credentials=S3Credentials("AKIDEXAMPLE", "secret/KEY", REGION),
        # botocore picks the payload hash (signed on http, UNSIGNED-PAYLOAD on https).
        payload_sha256=request.headers["X-Amz-Content-SHA256"],
        now=signed_at.replace(tzinfo=UTC),
    )

    assert ours["Authorization"] == request.headers["Authorization"]


async def test_the_app_closes_the_s3_connection_pool_on_shutdown(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        outbox_worker="off",
        blob_storage="s3",
        s3_endpoint_url="https://s3.example.test",
        s3_bucket="docs",
        s3_access_key_id="key",
        s3_secret_access_key="secret",
    )
    app = create_app(settings)

    async with app.router.lifespan_context(app):
        # What the documents routes and the registration routes build on first use.
        documents = get_document_service(SimpleNamespace(app=app))  # type: ignore[arg-type]
        evidence = get_blob_storage(SimpleNamespace(app=app))  # type: ignore[arg-type]
        assert isinstance(documents.storage, S3BlobStorage)
        assert isinstance(evidence, S3BlobStorage)
        assert not documents.storage.client.is_closed

    assert documents.storage.client.is_closed
    assert evidence.client.is_closed


_KILLED_MID_BODY = """
import asyncio, sys
from pathlib import Path
from api.adapters.blob_storage import LocalBlobStorage

async def body():
    yield b"x" * 65536
    print("sending", flush=True)
    await asyncio.sleep(3600)  # the client stalls; the process is killed meanwhile

asyncio.run(LocalBlobStorage(Path(sys.argv[1])).put(body(), max_size=10**9))
"""


def _upload_killed_mid_body(blob_dir: Path) -> None:
    """A process that receives the first chunk of an upload, then is killed (SIGKILL)."""
    import signal
    import subprocess
    import sys

    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_BODY, str(blob_dir)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "sending\n"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)


async def test_an_upload_killed_mid_body_is_swept_at_start_up_and_a_live_one_is_not(
    tmp_path: Path,
) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url="", outbox_worker="off", spa_dist=tmp_path / "none"
    )
    incoming = settings.blob_dir / ".incoming"
    await asyncio.to_thread(_upload_killed_mid_body, settings.blob_dir)
    (left,) = incoming.glob(".upload-*.part")  # what the killed process left behind

    # An upload under way in another process at the same moment: its file stays.
    live = LocalBlobStorage(settings.blob_dir)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_body() -> AsyncIterator[bytes]:
        yield b"y" * 10
        started.set()
        await release.wait()
        yield b"z" * 10

    upload = asyncio.create_task(live.put(slow_body(), max_size=1000))
    await started.wait()
    for path in incoming.glob(".upload-*.part"):  # both look old enough to be swept
        os.utime(path, (0, 0))

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        remaining = list(incoming.glob(".upload-*.part"))
    assert left not in remaining
    assert len(remaining) == 1  # the live one
    release.set()
    stored = await upload
    assert await live.exists(stored.key)
    assert list(incoming.glob(".upload-*.part")) == []
