"""The audit trail is a hash chain per workspace; tampering with any row is detected."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.audit.service import SYSTEM
from api.models.audit_event import AuditEvent


async def _record_three(session: AsyncSession, workspace_id: uuid.UUID) -> list[AuditEvent]:
    events = [
        await audit.record_as(
            session, action, author=SYSTEM, workspace_id=workspace_id, data={"n": n}
        )
        for n, action in enumerate(["client.created", "client.invited", "client.activated"])
    ]
    await session.commit()
    return events


async def test_each_row_is_chained_to_the_previous_one_of_its_workspace(
    session: AsyncSession,
) -> None:
    workspace_a, workspace_b = uuid.uuid4(), uuid.uuid4()
    first = await _record_three(session, workspace_a)
    other = await audit.record_as(
        session, "client.created", author=SYSTEM, workspace_id=workspace_b
    )
    assert [e.sequence for e in first] == [1, 2, 3]
    assert first[1].prev_hash == first[0].hash
    assert first[2].prev_hash == first[1].hash
    assert other.sequence == 1
    assert other.prev_hash == "0" * 64
    report = await audit.verify(session)
    assert report.reason is None
    assert report.events_checked >= 4


async def test_tampering_with_a_row_is_reported_at_that_row(session: AsyncSession) -> None:
    events = await _record_three(session, uuid.uuid4())
    await session.execute(
        update(AuditEvent).where(AuditEvent.id == events[1].id).values(data={"n": 99})
    )
    await session.commit()
    report = await audit.verify(session)
    assert report.first_broken is not None
    assert report.first_broken.id == events[1].id
    assert report.reason == "le contenu de la ligne ne correspond plus à son hash"


async def test_deleting_the_last_row_is_reported(session: AsyncSession) -> None:
    events = await _record_three(session, uuid.uuid4())
    await session.delete(
        await session.scalar(select(AuditEvent).where(AuditEvent.id == events[2].id))
    )
    await session.commit()
    report = await audit.verify(session)
    assert report.reason is not None
    assert "manquent" in report.reason
