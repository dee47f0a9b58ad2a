"""All SQL of e-invoicing: designations, certifications, bulk jobs, and the client's
`pa_status` moves. Callers have already authorized the client (clients service)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.client import Client, PaStatus
from api.models.pa_designation import EinvoicingBulkJob, PaDesignation
from api.models.workspace import Workspace

# A client may be (re)activated from these statuses only; `pending` and `registered` hold.
ACTIVATABLE = (PaStatus.NOT_REGISTERED, PaStatus.ERROR, PaStatus.DEREGISTERED)
_CHUNK = 500


async def claim_for_activation(
    session: AsyncSession, client_ids: Sequence[uuid.UUID], now: datetime
) -> set[uuid.UUID]:
    """Move the clients that may be activated to `pending`, atomically: of two concurrent
    activations of one client, one only gets it (so one designation, one line)."""
    claimed: set[uuid.UUID] = set()
    for start in range(0, len(client_ids), _CHUNK):
        chunk = list(client_ids[start : start + _CHUNK])
        result = await session.execute(
            update(Client)
            .where(Client.id.in_(chunk), Client.pa_status.in_([s.value for s in ACTIVATABLE]))
            .values(pa_status=PaStatus.PENDING, updated_at=now)
            .returning(Client.id)
            .execution_options(synchronize_session=False)
        )
        claimed.update(result.scalars())
    return claimed


async def last_ends(
    session: AsyncSession, client_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, date]:
    """Per client, the last day of its latest ended line (a new line must start after it)."""
    ends: dict[uuid.UUID, date] = {}
    for start in range(0, len(client_ids), _CHUNK):
        chunk = list(client_ids[start : start + _CHUNK])
        rows = await session.execute(
            select(PaDesignation.client_id, func.max(PaDesignation.date_to))
            .where(
                PaDesignation.client_id.in_(chunk),
                PaDesignation.status == PaStatus.DEREGISTERED,
                PaDesignation.date_to.is_not(None),
            )
            .group_by(PaDesignation.client_id)
        )
        ends.update((client_id, end) for client_id, end in rows if end is not None)
    return ends


async def insert_designations(session: AsyncSession, values: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(values), 1000):
        await session.execute(insert(PaDesignation), list(values[start : start + 1000]))


async def set_pa_status(
    session: AsyncSession, client_id: uuid.UUID, status: PaStatus, now: datetime
) -> None:
    await session.execute(
        update(Client)
        .where(Client.id == client_id)
        .values(pa_status=status, updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def get_client(session: AsyncSession, client_id: uuid.UUID) -> Client | None:
    """The worker's read (no principal: it settles what a user already authorized)."""
    return await session.get(Client, client_id)


async def get_workspace(session: AsyncSession, workspace_id: uuid.UUID) -> Workspace | None:
    return await session.get(Workspace, workspace_id)


async def get_designation(
    session: AsyncSession, designation_id: uuid.UUID, *, for_update: bool = False
) -> PaDesignation | None:
    statement = select(PaDesignation).where(PaDesignation.id == designation_id)
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement.execution_options(populate_existing=True))


async def latest_designation(session: AsyncSession, client_id: uuid.UUID) -> PaDesignation | None:
    return await session.scalar(
        select(PaDesignation)
        .where(PaDesignation.client_id == client_id)
        .order_by(PaDesignation.created_at.desc(), PaDesignation.id.desc())
        .limit(1)
    )


async def get_bulk_job(
    session: AsyncSession, firm_id: uuid.UUID, job_id: uuid.UUID
) -> EinvoicingBulkJob | None:
    return await session.scalar(
        select(EinvoicingBulkJob).where(
            EinvoicingBulkJob.id == job_id, EinvoicingBulkJob.firm_id == firm_id
        )
    )


async def bulk_progress(session: AsyncSession, job_id: uuid.UUID) -> dict[str, int]:
    rows = await session.execute(
        select(PaDesignation.status, func.count())
        .where(PaDesignation.bulk_job_id == job_id)
        .group_by(PaDesignation.status)
    )
    return {str(status): count for status, count in rows}


async def bulk_errors(
    session: AsyncSession, job_id: uuid.UUID, limit: int
) -> Sequence[PaDesignation]:
    rows = await session.scalars(
        select(PaDesignation)
        .where(PaDesignation.bulk_job_id == job_id, PaDesignation.status == PaStatus.ERROR)
        .order_by(PaDesignation.siren, PaDesignation.id)
        .limit(limit)
    )
    return rows.all()
