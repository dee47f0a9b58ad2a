"""Which blob keys the database references, through every column marked `info=BLOB_KEY`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, select
from sqlalchemy.ext.asyncio import AsyncSession

import api.models  # noqa: F401  (registers every table on Base.metadata)
from api.core.models import Base, blob_key_columns


def referencing_columns() -> list[Column[str]]:
    return blob_key_columns(Base.metadata)


async def referenced(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """The keys among `keys` that at least one row of any referencing table holds."""
    found: set[str] = set()
    for column in referencing_columns():
        rows = await session.scalars(select(column).where(column.in_(keys)).distinct())
        found.update(key for key in rows if key is not None)
    return found
