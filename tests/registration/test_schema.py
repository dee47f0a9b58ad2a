"""The registration migration creates exactly what the ORM models describe."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.schema import model_differences

TABLES = {
    "sso_authorizations",
    "firm_registrations",
    "identity_verifications",
    "devices",
    "workspaces",
}


def _is_inline_sqlite_fk(connection: Connection, diff: object) -> bool:
    # SQLite added `devices.enrollment_token_id` with an inline REFERENCES clause (a batch
    # copy of `devices` would cascade-delete its sessions); SQLAlchemy reflects such a key
    # without its name and ON DELETE, which `test_devices_keep_their_sessions…` checks instead.
    return (
        connection.dialect.name == "sqlite"
        and isinstance(diff, tuple)
        and diff[0] in {"add_fk", "remove_fk"}
        and isinstance(diff[1], ForeignKeyConstraint)
        and [column.name for column in diff[1].columns] == ["enrollment_token_id"]
        and diff[1].table.name == "devices"
    )


def _differences(connection: Connection) -> list[object]:
    return model_differences(
        connection, TABLES, lambda diff: _is_inline_sqlite_fk(connection, diff)
    )


async def test_registration_tables_match_their_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []


async def test_devices_keep_their_sessions_and_forget_a_deleted_enrollment_link(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            return  # compared with the model above
        keys = (await connection.execute(text("PRAGMA foreign_key_list(devices)"))).all()

    assert ("enrollment_tokens", "enrollment_token_id", "SET NULL") in {
        (key[2], key[3], key[6]) for key in keys
    }
