"""The audit trail is a hash chain per workspace; tampering with any row is detected."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.audit import service as audit
from api.audit.service import SYSTEM, canonical_around_sequence, canonical_row
from api.core.settings import Settings, process_environment
from api.models.audit_event import AuditChainHead, AuditEvent


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


def test_the_sequence_spliced_between_the_two_halves_is_the_canonical_row() -> None:
    """PostgreSQL appends in one statement, hashing `before ‖ sequence ‖ after` in the
    database: that must be `canonical_row` byte for byte, whatever the row holds."""
    event = AuditEvent(
        id=uuid.uuid4(),
        chain="platform",
        sequence=0,
        workspace_id=None,
        actor_kind="anonymous",
        actor_user_id=None,
        actor_device_id=None,
        actor_api_key_id=None,
        action="auth.challenge.created",
        target_type="login_challenge",
        target_id='x","sequence":1,"y":"',
        ip="203.0.113.7",
        user_agent='Mozilla/5.0 "Édition" ,"sequence":"\u0000" 日本',
        occurred_at=datetime(2026, 12, 7, 18, 42, 51, 123456, tzinfo=UTC),
        data={"sequence": 99, "nested": {"b": [1, "é"], "a": None}},
    )
    before, after = canonical_around_sequence(event)
    for sequence in (1, 42, 10**12):
        event.sequence = sequence
        assert (before + str(sequence) + after).encode() == canonical_row(event)


async def test_concurrent_appends_keep_one_chain_that_comptoir_audit_verify_accepts(
    engine: AsyncEngine, settings: Settings
) -> None:
    """Twenty requests appending to one chain at once, each in its own transaction and
    connection (committed): sequences 1…20 without a gap or a fork, and the real command
    recomputes every hash (on PostgreSQL they were computed by the database)."""
    workspace_id = uuid.uuid4()
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    # SQLite has one writer: the app queues its writers at a gate, and so does this test.
    gate = asyncio.Semaphore(1 if engine.dialect.name == "sqlite" else 20)

    async def append(number: int) -> None:
        async with gate, sessions() as session:
            await audit.record_as(
                session,
                "client.created",
                author=SYSTEM,
                workspace_id=workspace_id,
                data={"n": number, "texte": "Société Générale « test »"},
            )
            await session.commit()

    try:
        await asyncio.gather(*(append(number) for number in range(20)))
        async with sessions() as session:
            events = (
                await session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.chain == str(workspace_id))
                    .order_by(AuditEvent.sequence)
                )
            ).all()
        assert [event.sequence for event in events] == list(range(1, 21))
        assert all(e.prev_hash == p.hash for p, e in itertools.pairwise(events))
        assert sorted(event.data["n"] for event in events) == list(range(20))
        verified = await asyncio.to_thread(
            subprocess.run,
            [str(Path(sys.executable).with_name("comptoir")), "audit", "verify"],
            env=process_environment()
            | {
                "COMPTOIR_DATABASE_URL": settings.resolved_database_url,
                "COMPTOIR_DATA_DIR": str(settings.data_dir),
            },
            capture_output=True,
            text=True,
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "intègre" in verified.stdout
    finally:
        async with sessions() as session:
            await session.execute(delete(AuditEvent).where(AuditEvent.chain == str(workspace_id)))
            await session.execute(
                delete(AuditChainHead).where(AuditChainHead.chain == str(workspace_id))
            )
            await session.commit()
