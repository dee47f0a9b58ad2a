"""peppol messages: every AS4 message received over Peppol, by its message id (duplicates)

Revision ID: 20261207_peppol_messages
Revises: 20261207_flows_sender_invoice
Create Date: 2026-12-07 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_peppol_messages"
down_revision: str | None = "20261207_flows_sender_invoice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "peppol_messages",
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("sending_party", sa.String(length=100), nullable=False),
        sa.Column("sender", sa.String(length=250), nullable=False),
        sa.Column("recipient", sa.String(length=250), nullable=False),
        sa.Column("document_type", sa.String(length=500), nullable=False),
        sa.Column("flow_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["flows.id"],
            name=op.f("fk_peppol_messages_flow_id_flows"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peppol_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_peppol_messages_message_id")),
    )


def downgrade() -> None:
    op.drop_table("peppol_messages")
