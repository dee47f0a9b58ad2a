"""The orphan blob sweep.

An upload publishes its content-addressed blob, then commits the row that references it (a
row never exists without its blob). A process killed between the two leaves a blob nothing
references: harmless (never served) but never reclaimed. The sweep deletes those, and only
those, old enough that no upload can still be about to commit a row for them
(`blob_orphan_grace_seconds`); `LocalBlobStorage.delete_if_orphaned` closes the race with an
upload of the same bytes publishing at that moment.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import BlobStorage, LocalBlobStorage
from api.blobs import repository
from api.core.settings import Settings

BATCH = 500


class SweepUnsupported(Exception):
    """The store cannot be swept (S3: list and delete there through the bucket's tools)."""


@dataclass
class SweepReport:
    examined: int = 0  # blobs older than the grace period
    referenced: int = 0
    deleted: list[str] = field(default_factory=list)


async def sweep_orphan_blobs(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    storage: BlobStorage,
    *,
    dry_run: bool = False,
) -> SweepReport:
    """Delete the blobs no row references, written more than the grace period ago."""
    if not isinstance(storage, LocalBlobStorage):
        raise SweepUnsupported(type(storage).__name__)
    cutoff = time.time() - settings.blob_orphan_grace_seconds
    candidates = await asyncio.to_thread(lambda: list(storage.stored_before(cutoff)))
    report = SweepReport(examined=len(candidates))

    async def still_referenced(key: str) -> bool:
        async with sessions() as session:
            return bool(await repository.referenced(session, [key]))

    for start in range(0, len(candidates), BATCH):
        batch = candidates[start : start + BATCH]
        async with sessions() as session:
            referenced = await repository.referenced(session, batch)
        report.referenced += len(referenced)
        for key in batch:
            if key in referenced:
                continue
            if dry_run or await storage.delete_if_orphaned(key, cutoff, still_referenced):
                report.deleted.append(key)
    return report
