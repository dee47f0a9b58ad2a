"""`comptoir audit verify`, run as a real command against a database file: exit 0 on an
intact trail, 1 naming the first broken row once one row is edited behind the app's back."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import update

from api.audit import service as audit
from api.audit.service import SYSTEM
from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings
from api.models.audit_event import AuditEvent
from tests.live import comptoir_on_files

# Runs the `comptoir` CLI in processes of its own.
pytestmark = pytest.mark.slow


async def test_verify_reports_the_tampered_row(tmp_path: Path) -> None:
    assert comptoir_on_files(tmp_path, "migrate").returncode == 0
    settings = Settings(data_dir=tmp_path, database_url="")
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            workspace_id = uuid.uuid4()
            events = [
                await audit.record_as(session, action, author=SYSTEM, workspace_id=workspace_id)
                for action in ("member.invited", "member.roles_changed", "member.removed")
            ]
            await session.commit()

        intact = comptoir_on_files(tmp_path, "audit", "verify")
        assert intact.returncode == 0, intact.stdout + intact.stderr
        assert "intègre" in intact.stdout

        async with create_sessionmaker(engine)() as session:
            await session.execute(
                update(AuditEvent)
                .where(AuditEvent.id == events[1].id)
                .values(data={"roles": ["owner"]})
            )
            await session.commit()
    finally:
        await engine.dispose()

    tampered = comptoir_on_files(tmp_path, "audit", "verify")
    assert tampered.returncode == 1
    assert "ALTÉRÉ" in tampered.stdout
    assert f"id={events[1].id}" in tampered.stdout
