"""directory lines of the embedded national directory

Revision ID: 20261127_directory_lines
Revises: 20261127_api_keys
Create Date: 2026-11-27 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_directory_lines"
down_revision: str | None = "20261127_registration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_lines",
        sa.Column("addressing_identifier", sa.String(length=230), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("routing_identifier", sa.String(length=100), nullable=True),
        sa.Column("addressing_suffix", sa.String(length=100), nullable=True),
        sa.Column("platform_id", sa.String(length=100), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_lines")),
        sa.UniqueConstraint(
            "platform_id",
            "idempotency_key",
            name=op.f("uq_directory_lines_platform_id_idempotency_key"),
        ),
    )
    with op.batch_alter_table("directory_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_directory_lines_addressing_identifier_date_from",
            ["addressing_identifier", "date_from"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("directory_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_directory_lines_addressing_identifier_date_from")

    op.drop_table("directory_lines")
