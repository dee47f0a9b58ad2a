"""What our SMP reads: whether a SIREN is registered in the directory through this platform."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.client import PaStatus
from api.models.pa_designation import PaDesignation


async def registered_on(session: AsyncSession, siren: str, day: date) -> bool:
    """True when a designation of `siren` through this platform is registered and in effect on
    `day` (a withdrawn one is `deregistered`, or ended by its `date_to`)."""
    statement = (
        select(PaDesignation.id)
        .where(
            PaDesignation.siren == siren,
            PaDesignation.status == PaStatus.REGISTERED,
            PaDesignation.date_from <= day,
            or_(PaDesignation.date_to.is_(None), PaDesignation.date_to >= day),
        )
        .limit(1)
    )
    return (await session.execute(statement)).first() is not None
