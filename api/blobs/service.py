"""The orphan blob sweep.

An upload publishes its content-addressed blob, then commits the row that references it (a
row never exists without its blob). A process killed between the two leaves a blob nothing
references: harmless (never served) but never reclaimed. The sweep deletes those, and only
those, old enough that no upload can still be about to commit a row for them
(`blob_orphan_grace_seconds`). Both stores sweep (the local folder, the S3 bucket under its
key prefix); each store's `delete_if_orphaned` judges the blob once more just before deleting
it, against an upload of the same bytes publishing at that moment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import BlobStorage
from api.blobs import repository
from api.core.settings import Settings

BATCH = 500


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
    cutoff = time.time() - settings.blob_orphan_grace_seconds
    report = SweepReport()

    async def still_referenced(key: str) -> bool:
        async with sessions() as session:
            return bool(await repository.referenced(session, [key]))

    async def judge(batch: list[str]) -> None:
        report.examined += len(batch)
        async with sessions() as session:
            referenced = await repository.referenced(session, batch)
        report.referenced += len(referenced)
        for key in batch:
            if key in referenced:
                continue
            if dry_run or await storage.delete_if_orphaned(key, cutoff, still_referenced):
                report.deleted.append(key)

    batch: list[str] = []
    async for key in storage.written_before(cutoff):
        batch.append(key)
        if len(batch) == BATCH:
            await judge(batch)
            batch = []
    if batch:
        await judge(batch)
    return report
