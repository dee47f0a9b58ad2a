"""The migration to one row per report line keeps a pending dry run confirmable: its JSON
report becomes rows (and back on downgrade), on a database of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Connection

from api.core.db import create_engine
from api.core.models import utcnow
from api.core.settings import Settings
from api.migrate import alembic_config
from tests.conftest import SuiteEnvironment
from tests.live import committed_database

BEFORE = "20261127_documents_routes"
AFTER = "20261127_client_import_rows"

CREATE = {
    "siren": "610869075",
    "siret": "61086907583095",
    "legal_name": "GARAGE MARTIN",
    "search_name": " garage martin",
    "sort_name": "garage martin",
    "address_line": "1 RUE DE LA PAIX",
    "postal_code": "75002",
    "city": "PARIS",
    "vat_number": "FR32610869075",
    "legal_form_code": "5499",
    "legal_form_label": "SARL",
    "activity_code": "45.20A",
    "contact_first_name": "Marie",
    "contact_last_name": "Durand",
    "contact_email": "marie@exemple.fr",
    "assignees": [str(uuid.uuid4())],
}
REPORT: list[dict[str, Any]] = [
    {
        "row": 2,
        "outcome": "created",
        "siren": "610869075",
        "siret": "61086907583095",
        "legal_name": "GARAGE MARTIN",
        "create": CREATE,
    },
    {
        "row": 3,
        "outcome": "duplicate",
        "siren": "610869075",
        "reason_code": "duplicate-row",
        "reason": "Même entreprise qu'une ligne précédente du fichier. (ligne 2)",
    },
    {
        "row": 5,
        "outcome": "invalid",
        "reason_code": "missing-identifier",
        "reason": "SIREN ou SIRET manquant.",
    },
]


# The tables as each revision has them (reflection would lose the UUID and JSON types).
_workspaces = sa.table(
    "workspaces",
    sa.column("id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("name", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_imports_before = sa.table(
    "client_imports",
    sa.column("id", sa.Uuid()),
    sa.column("firm_id", sa.Uuid()),
    sa.column("status", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("expires_at", sa.DateTime(timezone=True)),
    sa.column("report", sa.JSON()),
)
_imports_after = sa.table(
    "client_imports",
    sa.column("created_count", sa.Integer()),
    sa.column("duplicate_count", sa.Integer()),
    sa.column("invalid_count", sa.Integer()),
    sa.column("unknown_count", sa.Integer()),
    sa.column("unknown_columns", sa.JSON()),
)
_rows = sa.table(
    "client_import_rows",
    sa.column("row", sa.Integer()),
    sa.column("outcome", sa.String()),
    sa.column("reason_code", sa.String()),
    sa.column("reason", sa.String()),
    *(sa.column(name, sa.String()) for name in CREATE if name != "assignees"),
    sa.column("assignee_ids", sa.JSON()),
)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own, migrated step by step by the test."""
    yield from committed_database(SuiteEnvironment().database_url, tmp_path)


def _migrate(connection: Connection, revision: str, *, down: bool = False) -> None:
    config = alembic_config(connection)
    (command.downgrade if down else command.upgrade)(config, revision)


async def test_a_pending_report_moves_to_rows_and_back(database_url: str) -> None:
    engine = create_engine(Settings(database_url=database_url, log_level="WARNING"))
    firm_id, import_id = uuid.uuid4(), uuid.uuid4()
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate, BEFORE)
            now = utcnow()
            await connection.execute(
                _workspaces.insert(),
                {"id": firm_id, "kind": "firm", "name": "Cabinet", "created_at": now},
            )
            await connection.execute(
                _imports_before.insert(),
                {
                    "id": import_id,
                    "firm_id": firm_id,
                    "status": "analysed",
                    "created_at": now,
                    "expires_at": now + timedelta(hours=1),
                    "report": REPORT,
                },
            )

        async with engine.begin() as connection:
            await connection.run_sync(_migrate, AFTER)
            counts = (await connection.execute(sa.select(_imports_after))).one()
            assert tuple(counts) == (1, 1, 1, 0, [])
            moved = (
                (await connection.execute(sa.select(_rows).order_by(_rows.c.row))).mappings().all()
            )
            assert [(row["row"], row["outcome"], row["reason_code"]) for row in moved] == [
                (2, "created", None),
                (3, "duplicate", "duplicate-row"),
                (5, "invalid", "missing-identifier"),
            ]
            created = moved[0]
            assert {name: created[name] for name in CREATE if name != "assignees"} == {
                name: value for name, value in CREATE.items() if name != "assignees"
            }
            assert created["assignee_ids"] == CREATE["assignees"]
            assert moved[1]["reason"] == REPORT[1]["reason"]

        async with engine.begin() as connection:
            await connection.run_sync(_migrate, BEFORE, down=True)
            report = await connection.scalar(sa.select(_imports_before.c.report))
            assert report == REPORT
    finally:
        await engine.dispose()
