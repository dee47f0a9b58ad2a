"""Document bytes, behind one small interface (`BlobStorage`), addressed by their SHA-256.

Two implementations, chosen by `COMPTOIR_BLOB_STORAGE`:
- `LocalBlobStorage` (embedded default): files under `data_dir/blobs/ab/cd/abcd…`;
- `S3BlobStorage` (production, shared by every API instance): any S3-compatible object store,
  spoken to with httpx and AWS Signature Version 4.

Keys are content addresses (`ab/cd/<sha256>`): two uploads of the same bytes share one blob,
so deleting a blob is only safe once no document row references it (a purge job's decision,
never an upload's).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import hmac
import logging
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import quote, unquote, urlsplit

import defusedxml.ElementTree as safe_xml
import httpx

from api.core.settings import Settings

logger = logging.getLogger("comptoir.blobs")

CHUNK_SIZE = 64 * 1024
# Disk writes are batched so a 64 KiB network chunk does not cost one thread hop each.
WRITE_BATCH_SIZE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoredBlob:
    key: str
    sha256: str
    size: int


class BlobTooLarge(Exception):
    """The stream went past `max_size` bytes; nothing was kept."""

    def __init__(self, max_size: int) -> None:
        super().__init__(f"blob larger than {max_size} bytes")
        self.max_size = max_size


class BlobNotFound(Exception):
    pass


class BlobStorageError(Exception):
    """The store answered something unexpected (network, permissions, full disk…)."""


class BlobStorage(Protocol):
    async def put(self, chunks: AsyncIterable[bytes], *, max_size: int) -> StoredBlob:
        """Store a stream; raises `BlobTooLarge` past `max_size` and then keeps nothing.

        Any exception raised by `chunks` (client gone, content refused) propagates and also
        leaves nothing behind."""
        ...

    def read(self, key: str, *, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes `start..end` (inclusive, like an HTTP Range) of a blob, in chunks."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove a blob; deleting a missing blob is not an error (idempotent)."""
        ...

    async def aclose(self) -> None:
        """Release what the store holds open (the S3 client's connection pool)."""
        ...

    def written_before(self, cutoff: float) -> AsyncIterator[str]:
        """The keys of the blobs last written before `cutoff` (a POSIX time): candidates for
        the orphan sweep (`comptoir blobs sweep`). Publishing the same bytes again writes the
        blob anew, so its time moves forward."""
        ...

    async def delete_if_orphaned(
        self, key: str, cutoff: float, referenced: Callable[[str], Awaitable[bool]]
    ) -> bool:
        """Delete the blob unless `referenced(key)` or it was written at or after `cutoff`;
        True when it went. Called for blobs already found unreferenced."""
        ...


def blob_key(sha256_hex: str) -> str:
    return f"{sha256_hex[:2]}/{sha256_hex[2:4]}/{sha256_hex}"


def _check_key(key: str) -> str:
    """Only content addresses are valid keys: a key never reaches outside the store."""
    parts = key.split("/")
    digest = parts[-1]
    if (
        len(parts) != 3
        or len(digest) != 64
        or any(c not in "0123456789abcdef" for c in digest)
        or parts[0] != digest[:2]
        or parts[1] != digest[2:4]
    ):
        raise BlobNotFound(key)
    return key


def _is_key(key: str) -> bool:
    try:
        _check_key(key)
    except BlobNotFound:
        return False
    return True


def _check_range(start: int, end: int | None) -> None:
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"invalid byte range {start}-{end}")


SPOOL_PREFIX, SPOOL_SUFFIX = ".upload-", ".part"
# A spool file this young is left alone by the sweep even if unlocked: its upload may be
# between creating it and locking it.
_SWEEP_MIN_AGE_SECONDS = 60


class _SpooledUpload:
    """Streams chunks into a temporary file while hashing them and enforcing the size cap.

    The file is locked (flock) for as long as its upload lives: a process killed mid-upload
    leaves an unlocked file, which `sweep_abandoned_uploads` removes; one still locked belongs
    to an upload under way in another process."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=folder, prefix=SPOOL_PREFIX, suffix=SPOOL_SUFFIX)
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.path = Path(name)
        self.file: IO[bytes] = os.fdopen(descriptor, "wb")
        self.digest = hashlib.sha256()
        self.size = 0

    async def consume(self, chunks: AsyncIterable[bytes], max_size: int) -> None:
        pending: list[bytes] = []
        pending_size = 0
        async for chunk in chunks:
            self.size += len(chunk)
            if self.size > max_size:
                raise BlobTooLarge(max_size)
            self.digest.update(chunk)
            pending.append(chunk)
            pending_size += len(chunk)
            if pending_size >= WRITE_BATCH_SIZE:
                await asyncio.to_thread(self.file.write, b"".join(pending))
                pending, pending_size = [], 0
        # The last bytes and the flush in one trip to a thread (a small file's only trip).
        await asyncio.to_thread(self._flush_to_disk, b"".join(pending))

    def _flush_to_disk(self, last: bytes) -> None:
        if last:
            self.file.write(last)
        # Not closed yet: closing would release the lock before the file is published.
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self) -> None:
        self.file.close()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.file.close()


def sweep_abandoned_uploads(folder: Path) -> int:
    """Delete the spool files of uploads that died with their process (killed mid-body, a
    crash): those no live upload holds locked. Run at start-up; returns how many went."""
    removed = 0
    now = datetime.now(UTC).timestamp()
    for path in folder.glob(f"{SPOOL_PREFIX}*{SPOOL_SUFFIX}"):
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            if now - os.fstat(descriptor).st_mtime < _SWEEP_MIN_AGE_SECONDS:
                continue
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # an upload under way in another process
            path.unlink(missing_ok=True)
            removed += 1
        finally:
            os.close(descriptor)
    return removed


async def sweep_spools(settings: Settings) -> int:
    """`sweep_abandoned_uploads` on every folder uploads are spooled to (the local store's
    incoming folder, the S3 store's spool)."""
    removed = 0
    for folder in (settings.blob_dir / ".incoming", settings.data_dir / "spool"):
        removed += await asyncio.to_thread(sweep_abandoned_uploads, folder)
    if removed:
        logger.info("removed %d upload(s) left unfinished by a stopped process", removed)
    return removed


def _put_back(aside: Path, path: Path) -> None:
    """Return a blob moved aside; if an upload published the same bytes meanwhile, theirs
    stays (identical content) and ours goes."""
    with contextlib.suppress(FileExistsError):
        os.link(aside, path)
    aside.unlink()


class LocalBlobStorage:
    """Blobs as files in one folder, written atomically: a reader sees a whole file or none."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # Same file system as the final folders, so the last step is an atomic rename(2).
        self.incoming = root / ".incoming"

    async def aclose(self) -> None:
        return None  # nothing held open between calls

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

    async def put(self, chunks: AsyncIterable[bytes], *, max_size: int) -> StoredBlob:
        spool = await asyncio.to_thread(_SpooledUpload, self.incoming)
        try:
            await spool.consume(chunks, max_size)
            sha256 = spool.digest.hexdigest()
            key = blob_key(sha256)
            await asyncio.to_thread(self._publish, spool.path, self._path(key), spool)
        except BaseException:
            # Also on cancellation (client gone): the partial file must not survive.
            await asyncio.shield(asyncio.to_thread(spool.discard))
            raise
        return StoredBlob(key=key, sha256=sha256, size=spool.size)

    @staticmethod
    def _publish(temporary: Path, final: Path, spool: _SpooledUpload) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        # Identical bytes already stored: replacing them is harmless, and rename() keeps the
        # operation atomic for a reader streaming the old file (it keeps its open inode).
        temporary.replace(final)
        # Published: the spool file is the blob now, its lock has nothing left to guard.
        spool.close()
        # The rename is durable only once the directory entry itself reaches the disk.
        directory = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    async def written_before(self, cutoff: float) -> AsyncIterator[str]:
        for key in await asyncio.to_thread(lambda: list(self._written_before(cutoff))):
            yield key

    def _written_before(self, cutoff: float) -> Iterator[str]:
        for path in self.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*"):
            key = f"{path.parent.parent.name}/{path.parent.name}/{path.name}"
            try:
                _check_key(key)
                if path.stat().st_mtime < cutoff:
                    yield key
            except (BlobNotFound, FileNotFoundError):
                continue

    async def delete_if_orphaned(
        self, key: str, cutoff: float, referenced: Callable[[str], Awaitable[bool]]
    ) -> bool:
        """Delete the blob unless a row references it or it was written at or after `cutoff`.

        Call it for blobs already found unreferenced (a referenced blob is never moved: a
        download could miss it). The blob is moved aside, then judged again: an upload of the
        same bytes that published before the move left a fresh file (moved aside with it, then
        put back); one publishing after it writes a new file at the key, which this never
        touches. So a blob an upload is about to reference is never the one deleted."""
        path = self._path(key)
        aside = path.with_name(f".sweeping-{path.name}")
        try:
            await asyncio.to_thread(path.rename, aside)
        except FileNotFoundError:
            return False
        try:
            written = (await asyncio.to_thread(aside.stat)).st_mtime
            orphaned = written < cutoff and not await referenced(key)
        except BaseException:
            await asyncio.shield(asyncio.to_thread(_put_back, aside, path))
            raise
        if orphaned:
            await asyncio.to_thread(aside.unlink)
        else:
            await asyncio.to_thread(_put_back, aside, path)
        return orphaned

    async def read(
        self, key: str, *, start: int = 0, end: int | None = None
    ) -> AsyncIterator[bytes]:
        _check_range(start, end)
        path = self._path(key)
        try:
            file = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        try:
            await asyncio.to_thread(file.seek, start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                size = CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining)
                chunk = await asyncio.to_thread(file.read, size)
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk
        finally:
            file.close()

    async def exists(self, key: str) -> bool:
        try:
            path = self._path(key)
        except BlobNotFound:
            return False
        return await asyncio.to_thread(path.is_file)

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.unlink, missing_ok=True)


# --- AWS Signature Version 4 ---------------------------------------------------------------
# https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html

EMPTY_PAYLOAD_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True, slots=True)
class S3Credentials:
    access_key_id: str
    secret_access_key: str
    region: str
    service: str = "s3"


def _uri_encode(value: str, *, keep_slash: bool) -> str:
    # RFC 3986 unreserved characters stay; S3 encodes the path once (no double encoding).
    return quote(value, safe="-_.~/" if keep_slash else "-_.~")


def sigv4_headers(
    method: str,
    url: str,
    *,
    credentials: S3Credentials,
    payload_sha256: str,
    now: datetime,
    headers: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The headers that authenticate one request (`Authorization`, `x-amz-date`, …).

    Every header passed in `headers` is signed with `host` and the `x-amz-*` ones, so a proxy
    cannot change a signed `Range` or `Content-Type`. `url` must already be encoded as sent.
    """
    parts = urlsplit(url)
    amz_date = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    signed = {name.lower(): " ".join(value.split()) for name, value in (headers or {}).items()}
    signed["host"] = parts.netloc
    signed["x-amz-date"] = amz_date
    signed["x-amz-content-sha256"] = payload_sha256
    names = sorted(signed)
    query_pairs = []
    for pair in parts.query.split("&") if parts.query else []:
        name, _, value = pair.partition("=")
        query_pairs.append(
            (
                _uri_encode(unquote(name), keep_slash=False),
                _uri_encode(unquote(value), keep_slash=False),
            )
        )
    canonical_request = "\n".join(
        [
            method.upper(),
            parts.path or "/",
            "&".join(f"{name}={value}" for name, value in sorted(query_pairs)),
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            payload_sha256,
        ]
    )
    scope = f"{day}/{credentials.region}/{credentials.service}/aws4_request"
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            amz_date,
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = f"AWS4{credentials.secret_access_key}".encode()
    for step in (day, credentials.region, credentials.service, "aws4_request"):
        key = hmac.new(key, step.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "x-amz-date": amz_date,
        "x-amz-content-sha256": payload_sha256,
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={credentials.access_key_id}/{scope}, "
            f"SignedHeaders={';'.join(names)}, Signature={signature}"
        ),
    }


_S3_NAMESPACE = "{http://s3.amazonaws.com/doc/2006-03-01/}"


@dataclass(frozen=True, slots=True)
class ObjectListing:
    objects: list[tuple[str, float]]  # (key as stored, LastModified as a POSIX time)
    next_token: str | None


def parse_object_listing(body: bytes) -> ObjectListing:
    """One page of a ListObjectsV2 answer (the store's own protocol XML, never a user file;
    parsed with defusedxml all the same)."""
    try:
        root = safe_xml.fromstring(body)
        objects = [
            (
                item.findtext(f"{_S3_NAMESPACE}Key") or "",
                datetime.fromisoformat(item.findtext(f"{_S3_NAMESPACE}LastModified") or "")
                .astimezone(UTC)
                .timestamp(),
            )
            for item in root.iter(f"{_S3_NAMESPACE}Contents")
        ]
    except (safe_xml.ParseError, ValueError) as error:
        raise BlobStorageError(f"S3 LIST answered an unreadable listing: {error}") from error
    truncated = root.findtext(f"{_S3_NAMESPACE}IsTruncated") == "true"
    token = root.findtext(f"{_S3_NAMESPACE}NextContinuationToken")
    if truncated and not token:
        raise BlobStorageError("S3 LIST is truncated but gives no continuation token")
    return ObjectListing(objects, token if truncated else None)


class S3BlobStorage:
    """Blobs as objects of one bucket of an S3-compatible store (AWS, MinIO, Garage, Scaleway…).

    An upload is spooled to a local temporary file first: the object key is the content's
    SHA-256, only known at the end, and a fully signed PUT needs that hash up front too. Memory
    stays bounded by the chunk size whatever the file size.
    """

    list_page_size = 1000  # objects per ListObjectsV2 page (S3's own maximum)

    def __init__(
        self,
        *,
        endpoint_url: str,
        bucket: str,
        credentials: S3Credentials,
        spool_dir: Path,
        key_prefix: str = "",
        addressing_style: str = "path",
        timeout_seconds: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        endpoint = urlsplit(endpoint_url)
        if addressing_style == "virtual":
            self.base_url = f"{endpoint.scheme}://{bucket}.{endpoint.netloc}"
            self.bucket_url = f"{self.base_url}/"
        else:
            bucket_path = _uri_encode(bucket, keep_slash=False)
            self.base_url = f"{endpoint.scheme}://{endpoint.netloc}/{bucket_path}"
            self.bucket_url = self.base_url
        self.credentials = credentials
        self.key_prefix = key_prefix
        self.spool_dir = spool_dir
        self.client = httpx.AsyncClient(timeout=timeout_seconds, transport=transport)

    async def aclose(self) -> None:
        await self.client.aclose()

    def _url(self, key: str) -> str:
        return f"{self.base_url}/{_uri_encode(self.key_prefix + _check_key(key), keep_slash=True)}"

    def _signed(
        self, method: str, url: str, payload_sha256: str, headers: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        return dict(headers or {}) | sigv4_headers(
            method,
            url,
            credentials=self.credentials,
            payload_sha256=payload_sha256,
            now=datetime.now(UTC),
            headers=headers,
        )

    async def put(self, chunks: AsyncIterable[bytes], *, max_size: int) -> StoredBlob:
        spool = await asyncio.to_thread(_SpooledUpload, self.spool_dir)
        try:
            await spool.consume(chunks, max_size)
            sha256 = spool.digest.hexdigest()
            key = blob_key(sha256)
            # Uploaded even when the same bytes are already stored: the object's LastModified
            # then moves forward, so the orphan sweep never takes a blob an upload is about to
            # reference for an old unreferenced one (what a skipped upload would let happen).
            await self._upload(spool.path, key, sha256, spool.size)
        finally:
            await asyncio.shield(asyncio.to_thread(spool.discard))
        return StoredBlob(key=key, sha256=sha256, size=spool.size)

    async def _upload(self, path: Path, key: str, sha256: str, size: int) -> None:
        url = self._url(key)

        async def body() -> AsyncIterator[bytes]:
            with path.open("rb") as file:
                while chunk := await asyncio.to_thread(file.read, CHUNK_SIZE):
                    yield chunk

        headers = self._signed(
            "PUT",
            url,
            sha256,
            {"Content-Length": str(size), "Content-Type": "application/octet-stream"},
        )
        try:
            response = await self.client.put(url, content=body(), headers=headers)
        except httpx.HTTPError as error:
            raise BlobStorageError(f"S3 PUT failed: {error}") from error
        if response.status_code != 200:
            raise BlobStorageError(f"S3 PUT answered {response.status_code}: {response.text[:300]}")

    async def read(
        self, key: str, *, start: int = 0, end: int | None = None
    ) -> AsyncIterator[bytes]:
        _check_range(start, end)
        url = self._url(key)
        extra = {}
        if start or end is not None:
            extra["Range"] = f"bytes={start}-{'' if end is None else end}"
        headers = self._signed("GET", url, EMPTY_PAYLOAD_SHA256, extra)
        try:
            async with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code == 404:
                    raise BlobNotFound(key)
                if response.status_code == 416:
                    return  # the range starts past the end: nothing to read
                if response.status_code not in (200, 206):
                    await response.aread()
                    raise BlobStorageError(
                        f"S3 GET answered {response.status_code}: {response.text[:300]}"
                    )
                async for chunk in response.aiter_bytes(CHUNK_SIZE):
                    yield chunk
        except httpx.HTTPError as error:
            raise BlobStorageError(f"S3 GET failed: {error}") from error

    async def exists(self, key: str) -> bool:
        try:
            url = self._url(key)
        except BlobNotFound:
            return False
        return await self._last_modified(url) is not None

    async def _last_modified(self, url: str) -> float | None:
        """The object's LastModified (POSIX time, rounded up to the next second: the header
        has no fraction, and a blob must never look older than it is), None when missing."""
        response = await self._send("HEAD", url)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise BlobStorageError(f"S3 HEAD answered {response.status_code}")
        try:
            return parsedate_to_datetime(response.headers["last-modified"]).timestamp() + 1
        except (KeyError, TypeError, ValueError) as error:
            raise BlobStorageError("S3 HEAD answered no readable Last-Modified") from error

    async def written_before(self, cutoff: float) -> AsyncIterator[str]:
        """ListObjectsV2 under the key prefix, page by page (1,000 objects each): only
        content addresses are yielded, whatever else shares the bucket."""
        token: str | None = None
        while True:
            query = {
                "list-type": "2",
                "max-keys": str(self.list_page_size),
                "prefix": self.key_prefix,
            }
            if token is not None:
                query["continuation-token"] = token
            url = f"{self.bucket_url}?" + "&".join(
                f"{name}={_uri_encode(value, keep_slash=False)}"
                for name, value in sorted(query.items())
            )
            response = await self._send("GET", url)
            if response.status_code != 200:
                raise BlobStorageError(
                    f"S3 LIST answered {response.status_code}: {response.text[:300]}"
                )
            page = parse_object_listing(response.content)
            for name, written in page.objects:
                key = name.removeprefix(self.key_prefix)
                if name.startswith(self.key_prefix) and _is_key(key) and written < cutoff:
                    yield key
            if page.next_token is None:
                return
            token = page.next_token

    async def delete_if_orphaned(
        self, key: str, cutoff: float, referenced: Callable[[str], Awaitable[bool]]
    ) -> bool:
        """Judged again just before the DELETE: still older than `cutoff` (an upload of the
        same bytes writes the object anew, see `put`), still unreferenced.

        S3 has no atomic rename to move the object aside while it is judged (what the local
        store does), so one interleaving is left open: an upload of exactly these bytes whose
        PUT lands between that HEAD and the DELETE (a round trip) loses its object, and its
        row would point at a missing blob (a download answers 404). That needs the bytes of
        an orphan older than the grace period, uploaded again within those milliseconds."""
        url = self._url(key)
        written = await self._last_modified(url)
        if written is None or written >= cutoff or await referenced(key):
            return False
        await self.delete(key)
        return True

    async def delete(self, key: str) -> None:
        response = await self._send("DELETE", self._url(key))
        if response.status_code not in (200, 204, 404):
            raise BlobStorageError(f"S3 DELETE answered {response.status_code}")

    async def _send(self, method: str, url: str) -> httpx.Response:
        try:
            return await self.client.request(
                method, url, headers=self._signed(method, url, EMPTY_PAYLOAD_SHA256)
            )
        except httpx.HTTPError as error:
            raise BlobStorageError(f"S3 {method} failed: {error}") from error


def create_blob_storage(settings: Settings) -> BlobStorage:
    """The store chosen by `COMPTOIR_BLOB_STORAGE`; build it once per process."""
    if settings.blob_storage == "s3":
        if not (settings.s3_endpoint_url and settings.s3_bucket):
            raise ValueError("COMPTOIR_S3_ENDPOINT_URL and COMPTOIR_S3_BUCKET are required for s3")
        return S3BlobStorage(
            endpoint_url=settings.s3_endpoint_url,
            bucket=settings.s3_bucket,
            credentials=S3Credentials(
                access_key_id=settings.s3_access_key_id,
                secret_access_key=settings.s3_secret_access_key.get_secret_value(),
                region=settings.s3_region,
            ),
            spool_dir=settings.data_dir / "spool",
            key_prefix=settings.s3_key_prefix,
            addressing_style=settings.s3_addressing_style,
            timeout_seconds=settings.s3_timeout_seconds,
        )
    return LocalBlobStorage(settings.blob_dir)
