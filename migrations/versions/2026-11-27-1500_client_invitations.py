"""client invitations: the contact's latest link, its expiry, reminders and invited user

Revision ID: 20261127_client_invitations
Revises: 20261127_outbox
Create Date: 2026-11-27 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_client_invitations"
down_revision: str | None = "20261127_einvoicing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invitation_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("invitation_reminders", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("invited_user_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_clients_invited_user_id_users"),
            "users",
            ["invited_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            "ix_clients_status_invited_at", ["status", "invited_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index("ix_clients_status_invited_at")
        batch_op.drop_constraint(batch_op.f("fk_clients_invited_user_id_users"), type_="foreignkey")
        batch_op.drop_column("invited_user_id")
        batch_op.drop_column("invitation_reminders")
        batch_op.drop_column("invitation_expires_at")
