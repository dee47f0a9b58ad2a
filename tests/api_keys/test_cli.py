"""`comptoir api-keys create`, run as a real command against a database file: it prints the
client id and the secret once, and the stored key is that secret's hash with the asked scopes."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from api.core.authz import Role
from api.core.crypto import hash_token
from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings
from api.models.api_key import ApiKey
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind
from tests.live import comptoir_on_files


async def test_create_prints_the_id_and_secret_of_a_key_of_the_company(tmp_path: Path) -> None:
    assert comptoir_on_files(tmp_path, "migrate").returncode == 0
    settings = Settings(data_dir=tmp_path, database_url="")
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            workspace = Workspace(kind=WorkspaceKind.COMPANY, name="Boulangerie", siren="732829320")
            user = User(
                id=uuid.uuid4(), email="lea@boulangerie.fr", first_name="Léa", last_name="P"
            )
            session.add_all([workspace, user])
            await session.flush()
            session.add(
                Membership(
                    workspace_id=workspace.id,
                    user_id=user.id,
                    roles=frozenset({Role.COMPANY_USER}),
                    status=MembershipStatus.ACTIVE,
                )
            )
            await session.commit()

        refused = comptoir_on_files(
            tmp_path, "api-keys", "create", "--siren", "552100554", "--name", "ERP"
        )
        assert refused.returncode == 1
        created = comptoir_on_files(
            tmp_path,
            "api-keys",
            "create",
            "--siren",
            "732 829 320",
            "--name",
            "ERP",
            "--scopes",
            "flows:write",
        )
        assert created.returncode == 0, created.stdout + created.stderr
        printed = dict(line.split("=", 1) for line in created.stdout.splitlines() if "=" in line)
        async with create_sessionmaker(engine)() as session:
            key = await session.scalar(
                select(ApiKey).where(ApiKey.id == uuid.UUID(printed["client_id"]))
            )
        assert key is not None
        assert key.secret_hash == hash_token(printed["client_secret"])
        assert key.scopes == ["flows:write"]
        assert key.workspace_id == workspace.id
    finally:
        await engine.dispose()
