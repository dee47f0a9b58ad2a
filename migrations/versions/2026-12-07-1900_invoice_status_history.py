"""invoice status history: every lifecycle status of an invoice flow (who, when, why, the CDAR)

Revision ID: 20261207_invoice_status_history
Revises: 20261207_invoice_routes
Create Date: 2026-12-07 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_invoice_status_history"
down_revision: str | None = "20261207_invoice_routes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_status_history",
        sa.Column("invoice_flow_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("author_kind", sa.String(length=16), nullable=False),
        sa.Column("author_user_id", sa.Uuid(), nullable=True),
        sa.Column("author_device_id", sa.Uuid(), nullable=True),
        sa.Column("author_api_key_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("reason_text", sa.String(length=1024), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("vat_rate", sa.String(length=10), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("cdar_flow_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cdar_flow_id"],
            ["flows.id"],
            name=op.f("fk_invoice_status_history_cdar_flow_id_flows"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_flow_id"],
            ["flows.id"],
            name=op.f("fk_invoice_status_history_invoice_flow_id_flows"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_status_history")),
        sa.UniqueConstraint(
            "invoice_flow_id",
            "message_id",
            name=op.f("uq_invoice_status_history_invoice_flow_id_message_id"),
        ),
    )
    op.create_index(
        "ix_invoice_status_history_invoice",
        "invoice_status_history",
        ["invoice_flow_id", "occurred_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_invoice_status_history_invoice", table_name="invoice_status_history")
    op.drop_table("invoice_status_history")
