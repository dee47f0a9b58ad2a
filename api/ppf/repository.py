"""SQL of the PPF feed: the status copies and their transmission."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.flow import PpfCopyStatus, PpfStatusCopy


async def get(session: AsyncSession, copy_id: uuid.UUID) -> PpfStatusCopy | None:
    return await session.get(PpfStatusCopy, copy_id)


async def of_status_flows(
    session: AsyncSession, status_flow_ids: Sequence[uuid.UUID]
) -> Sequence[PpfStatusCopy]:
    if not status_flow_ids:
        return []
    found = await session.scalars(
        select(PpfStatusCopy).where(PpfStatusCopy.status_flow_id.in_(list(status_flow_ids)))
    )
    return found.all()


async def settle_pending(session: AsyncSession, copy_id: uuid.UUID, values: dict[str, Any]) -> bool:
    """Record an attempt's outcome on a copy still pending: a copy already sent or refused
    (another worker got there first) is left as it is. True if this call recorded it."""
    result = await session.execute(
        update(PpfStatusCopy)
        .where(PpfStatusCopy.id == copy_id, PpfStatusCopy.status == PpfCopyStatus.PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def refused(
    session: AsyncSession, ids: Sequence[uuid.UUID] | None, *, limit: int | None = None
) -> Sequence[PpfStatusCopy]:
    """Copies the PPF refused (those of `ids`, or all), newest first."""
    statement = (
        select(PpfStatusCopy)
        .where(PpfStatusCopy.status == PpfCopyStatus.ERROR)
        .order_by(PpfStatusCopy.last_attempt_at.desc(), PpfStatusCopy.id)
    )
    if ids is not None:
        statement = statement.where(PpfStatusCopy.id.in_(list(ids)))
    if limit is not None:
        statement = statement.limit(limit)
    return (await session.scalars(statement)).all()
