"""client import rows: the dry-run report as one row per line, the counts on the import

The report used to be one JSON list on `client_imports.report`, read and rewritten whole; a
10,000-row file made every report page and the confirmation hold it all in memory. Pending
reports (they live an hour) are moved over, so a dry run done before the upgrade can still
be confirmed after it.

Revision ID: 20261127_client_import_rows
Revises: 20261127_documents_routes
Create Date: 2026-11-27 15:10:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_client_import_rows"
down_revision: str | None = "20261127_documents_routes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = ("created", "duplicate", "invalid", "unknown")
# The `Client` columns a row to create carries (the keys of the old report's "create").
CLIENT_COLUMNS = (
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
REPORT_COLUMNS = ("outcome", "reason_code", "reason", "siren", "siret", "legal_name")

_imports = sa.table(
    "client_imports",
    sa.column("id", sa.Uuid()),
    sa.column("report", sa.JSON()),
    sa.column("unknown_columns", sa.JSON()),
    *(sa.column(f"{outcome}_count", sa.Integer()) for outcome in OUTCOMES),
)
_rows = sa.table(
    "client_import_rows",
    sa.column("import_id", sa.Uuid()),
    sa.column("row", sa.Integer()),
    *(sa.column(name, sa.String()) for name in REPORT_COLUMNS + CLIENT_COLUMNS),
    sa.column("assignee_ids", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("client_imports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unknown_columns", sa.JSON(), nullable=False, server_default="[]")
        )
        for outcome in OUTCOMES:
            batch_op.add_column(
                sa.Column(f"{outcome}_count", sa.Integer(), nullable=False, server_default="0")
            )

    op.create_table(
        "client_import_rows",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(*OUTCOMES, name="clientimportoutcome", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("legal_name", sa.String(length=400), nullable=True),
        sa.Column("search_name", sa.String(length=600), nullable=True),
        sa.Column("sort_name", sa.String(length=400), nullable=True),
        sa.Column("address_line", sa.String(length=400), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("vat_number", sa.String(length=13), nullable=True),
        sa.Column("legal_form_code", sa.String(length=4), nullable=True),
        sa.Column("legal_form_label", sa.String(length=200), nullable=True),
        sa.Column("activity_code", sa.String(length=8), nullable=True),
        sa.Column("contact_first_name", sa.String(length=100), nullable=True),
        sa.Column("contact_last_name", sa.String(length=100), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("assignee_ids", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("import_id", "row", name=op.f("pk_client_import_rows")),
    )
    with op.batch_alter_table("client_import_rows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_client_import_rows_import_outcome", ["import_id", "outcome", "row"], unique=False
        )
        batch_op.create_index(
            "ix_client_import_rows_import_siren", ["import_id", "siren"], unique=False
        )

    _reports_to_rows()
    # Only now the foreign key: on SQLite, dropping `report` rebuilds `client_imports`, and
    # dropping the old copy would cascade to the rows already referencing it.
    with op.batch_alter_table("client_imports", schema=None) as batch_op:
        batch_op.drop_column("report")
    with op.batch_alter_table("client_import_rows", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_client_import_rows_import_id_client_imports"),
            "client_imports",
            ["import_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("client_imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report", sa.JSON(), nullable=False, server_default="[]"))
    _rows_to_reports()
    with op.batch_alter_table("client_import_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_client_import_rows_import_siren")
        batch_op.drop_index("ix_client_import_rows_import_outcome")
    op.drop_table("client_import_rows")
    with op.batch_alter_table("client_imports", schema=None) as batch_op:
        for outcome in reversed(OUTCOMES):
            batch_op.drop_column(f"{outcome}_count")
        batch_op.drop_column("unknown_columns")


def _reports_to_rows() -> None:
    """One import at a time: a report is at most the import's row cap."""
    connection = op.get_bind()
    import_ids = connection.execute(sa.select(_imports.c.id)).scalars().all()
    for import_id in import_ids:
        report = connection.execute(
            sa.select(_imports.c.report).where(_imports.c.id == import_id)
        ).scalar_one()
        rows = [_row_of(import_id, line) for line in report or []]
        if rows:
            connection.execute(sa.insert(_rows), rows)
        counts = {f"{outcome}_count": 0 for outcome in OUTCOMES}
        for row in rows:
            counts[f"{row['outcome']}_count"] += 1
        connection.execute(sa.update(_imports).where(_imports.c.id == import_id).values(**counts))


def _row_of(import_id: Any, line: dict[str, Any]) -> dict[str, Any]:
    create = line.get("create") or {}
    row = {"import_id": import_id, "row": line["row"]}
    row |= {name: line.get(name) for name in REPORT_COLUMNS}
    row |= {name: create.get(name) for name in CLIENT_COLUMNS}
    row["assignee_ids"] = create.get("assignees") if create else None
    return row


def _rows_to_reports() -> None:
    connection = op.get_bind()
    import_ids = connection.execute(sa.select(_imports.c.id)).scalars().all()
    for import_id in import_ids:
        lines = connection.execute(
            sa.select(_rows).where(_rows.c.import_id == import_id).order_by(_rows.c.row)
        ).mappings()
        report = [_line_of(row) for row in lines]
        connection.execute(
            sa.update(_imports).where(_imports.c.id == import_id).values(report=report)
        )


def _line_of(row: Any) -> dict[str, Any]:
    line: dict[str, Any] = {"row": row["row"], "outcome": row["outcome"]}
    line |= {name: row[name] for name in REPORT_COLUMNS[1:] if row[name] is not None}
    if row["outcome"] == "created" and row["search_name"] is not None:
        line["create"] = {
            "siren": row["siren"],
            "siret": row["siret"],
            "legal_name": row["legal_name"],
            **{name: row[name] for name in CLIENT_COLUMNS},
            "assignees": row["assignee_ids"] or [],
        }
    return line
