from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.directory_line import DirectoryLineRecord

# A search answers at most this many lines before the criteria in Python narrow them.
MAX_LINES = 5000


async def lines(
    session: AsyncSession,
    *,
    siren: str | None = None,
    siret: str | None = None,
    routed_only: bool = False,
) -> Sequence[DirectoryLineRecord]:
    """The directory lines Comptoir holds, the SIREN's or SIRET's when given, oldest first."""
    statement = select(DirectoryLineRecord)
    if siren is not None:
        statement = statement.where(DirectoryLineRecord.siren == siren)
    if siret is not None:
        statement = statement.where(DirectoryLineRecord.siret == siret)
    if routed_only:
        statement = statement.where(DirectoryLineRecord.routing_identifier.is_not(None))
    statement = statement.order_by(DirectoryLineRecord.date_from, DirectoryLineRecord.id)
    return (await session.scalars(statement.limit(MAX_LINES))).all()


async def current_line(
    session: AsyncSession, addressing_identifier: str, today: date
) -> DirectoryLineRecord | None:
    """The address's line in effect today, else its latest one."""
    candidates = (
        await session.scalars(
            select(DirectoryLineRecord)
            .where(DirectoryLineRecord.addressing_identifier == addressing_identifier)
            .order_by(DirectoryLineRecord.date_from.desc())
        )
    ).all()
    for line in candidates:
        if line.date_from <= today and (line.date_to is None or line.date_to >= today):
            return line
    return candidates[0] if candidates else None
