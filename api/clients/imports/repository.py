"""The Excel import of clients: a dry run stored row by row, then the confirmation that
creates the clients through the one creation path (`api.clients.service.create_clients`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from api.clients.repository import (
    IMPORT_ROWS,
)
from api.models.client import (
    Client,
    ClientImport,
    ClientImportOutcome,
    ClientImportRow,
)
from api.models.user import user_by_email as user_by_email

IMPORT_ROW_COLUMNS = tuple(column.name for column in IMPORT_ROWS.columns)


# What a row to create carries into `clients` (the rest of the client is the confirmation's).
IMPORT_CLIENT_COLUMNS = (
    "siren",
    "siret",
    "legal_name",
    "search_name",
    "sort_name",
    "address_line",
    "postal_code",
    "city",
    "vat_number",
    "legal_form_code",
    "legal_form_label",
    "activity_code",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
)


async def existing_sirens(
    session: AsyncSession, firm_id: uuid.UUID, sirens: Iterable[str]
) -> set[str]:
    wanted = sorted(set(sirens))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            await session.scalars(
                select(Client.siren).where(Client.firm_id == firm_id, Client.siren.in_(chunk))
            )
        )
    return found


async def get_import(
    session: AsyncSession, firm_id: uuid.UUID, import_id: uuid.UUID, *, for_update: bool = False
) -> ClientImport | None:
    statement = select(ClientImport).where(
        ClientImport.id == import_id, ClientImport.firm_id == firm_id
    )
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def delete_expired_imports(session: AsyncSession, now: datetime) -> None:
    """Expired imports and, by the foreign key's cascade, their rows."""
    await session.execute(
        delete(ClientImport)
        .where(ClientImport.expires_at < now)
        .execution_options(synchronize_session=False)
    )


async def insert_import_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """A batch of report rows (each dict has every column), in the request's transaction."""
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        await session.execute(IMPORT_ROWS.insert(), list(rows))
        return
    # PostgreSQL: COPY, binary. A multi-row INSERT of 500 rows × 25 columns spent most of
    # its time binding 12,500 parameters one by one (a third of a 10,000-row dry run).
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None  # an open connection of the session's transaction
    await driver.copy_records_to_table(
        IMPORT_ROWS.name,
        columns=IMPORT_ROW_COLUMNS,
        records=[
            tuple(
                _json_text(row[name]) if name in _JSON_COLUMNS else row[name]
                for name in IMPORT_ROW_COLUMNS
            )
            for row in rows
        ],
    )


_JSON_COLUMNS = frozenset(
    column.name for column in IMPORT_ROWS.columns if isinstance(column.type, JSON)
)


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


async def import_rows_creating(
    session: AsyncSession, import_id: uuid.UUID, sirens: Iterable[str]
) -> dict[str, int]:
    """SIREN → the row of the import that creates it, for the SIRENs given."""
    wanted = sorted(set(sirens))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        # The SIRENs are written into the SQL (quoted by the dialect), not bound: PostgreSQL
        # then hashes the list once. Bound, the statement is prepared once per connection
        # and, after five runs, planned generically: each of the import's rows was compared
        # with the 500 parameters one by one (80 ms a batch at 10,000 rows, not 2 ms).
        chunk: BindParameter[list[str]] = bindparam(
            "sirens", wanted[start : start + 500], expanding=True, literal_execute=True
        )
        rows = await session.execute(
            select(IMPORT_ROWS.c.siren, IMPORT_ROWS.c.row).where(
                IMPORT_ROWS.c.import_id == import_id,
                IMPORT_ROWS.c.outcome == ClientImportOutcome.CREATED.value,
                IMPORT_ROWS.c.siren.in_(chunk),
            )
        )
        found.update((siren, row) for siren, row in rows)
    return found


async def import_rows_page(
    session: AsyncSession,
    import_id: uuid.UUID,
    *,
    outcome: ClientImportOutcome | None,
    after_row: int,
    limit: int,
) -> list[ClientImportRow]:
    statement = select(ClientImportRow).where(
        ClientImportRow.import_id == import_id, ClientImportRow.row > after_row
    )
    if outcome is not None:
        statement = statement.where(ClientImportRow.outcome == outcome)
    return list(await session.scalars(statement.order_by(ClientImportRow.row).limit(limit)))


async def import_rows_to_create(
    session: AsyncSession, import_id: uuid.UUID, *, after_row: int, limit: int
) -> Sequence[RowMapping]:
    """The next rows analysed as `created`, after `after_row`, in sheet order (plain rows:
    a batch is read, inserted into `clients`, and let go)."""
    columns = [IMPORT_ROWS.c[name] for name in ("row", "assignee_ids", *IMPORT_CLIENT_COLUMNS)]
    result = await session.execute(
        select(*columns)
        .where(
            IMPORT_ROWS.c.import_id == import_id,
            IMPORT_ROWS.c.outcome == ClientImportOutcome.CREATED.value,
            IMPORT_ROWS.c.row > after_row,
        )
        .order_by(IMPORT_ROWS.c.row)
        .limit(limit)
    )
    return result.mappings().all()


async def mark_import_rows(
    session: AsyncSession,
    import_id: uuid.UUID,
    rows: Sequence[int],
    *,
    outcome: ClientImportOutcome,
    reason_code: str,
    reason: str,
) -> None:
    """Give rows of an import another outcome (the confirmation's skipped rows)."""
    for start in range(0, len(rows), 500):
        await session.execute(
            update(IMPORT_ROWS)
            .where(
                IMPORT_ROWS.c.import_id == import_id,
                IMPORT_ROWS.c.row.in_(rows[start : start + 500]),
            )
            .values(outcome=outcome.value, reason_code=reason_code, reason=reason)
        )
