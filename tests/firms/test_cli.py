"""`comptoir firm set-owner`, run as a real command against a database file: the
self-hoster's way back when no one can act as the firm's owner any more."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from api.core.authz import Role
from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings
from api.models.audit_event import AuditEvent
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from tests.live import comptoir_on_files

SIREN = "732829320"


async def test_set_owner_gives_a_member_the_owner_role_back_and_audits_it(
    tmp_path: Path,
) -> None:
    created = comptoir_on_files(
        tmp_path,
        "firm", "create", "--name", "Cabinet Martin", "--siren", SIREN,
        "--owner-email", "claire@cabinet-martin.fr",
        "--owner-first-name", "Claire", "--owner-last-name", "Martin",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    engine = create_engine(Settings(data_dir=tmp_path, database_url=""))
    try:
        async with create_sessionmaker(engine)() as session:
            membership = await session.scalar(select(Membership))
            assert membership is not None
            # What a self-hoster meets: the only owner is no longer active.
            membership.roles = frozenset({Role.ADMIN})
            membership.status = MembershipStatus.DEACTIVATED
            await session.commit()

        unknown = comptoir_on_files(
            tmp_path, "firm", "set-owner", "--siren", SIREN, "--email", "nobody@exemple.fr"
        )
        assert unknown.returncode == 1
        assert "nobody@exemple.fr" in unknown.stderr
        no_firm = comptoir_on_files(
            tmp_path, "firm", "set-owner", "--siren", "356000000", "--email", "x@exemple.fr"
        )
        assert no_firm.returncode == 1
        assert "356000000" in no_firm.stderr

        restored = comptoir_on_files(
            tmp_path,
            "firm", "set-owner", "--siren", "732 829 320", "--email", "Claire@Cabinet-Martin.fr",
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr
        assert "Claire Martin (claire@cabinet-martin.fr) est propriétaire" in restored.stdout

        async with create_sessionmaker(engine)() as session:
            membership, user = (await session.execute(select(Membership, User).join(User))).one()
            assert membership.roles == frozenset({Role.OWNER, Role.ADMIN})
            assert membership.status == MembershipStatus.ACTIVE
            event = await session.scalar(
                select(AuditEvent).where(AuditEvent.action == "member.owner_restored")
            )
            assert event is not None
            assert event.actor_kind == "system"
            assert event.workspace_id == membership.workspace_id
            assert event.data["email"] == user.email
            assert event.data["before"] == ["admin"]
            assert event.data["status_before"] == "deactivated"
    finally:
        await engine.dispose()

    verified = comptoir_on_files(tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
