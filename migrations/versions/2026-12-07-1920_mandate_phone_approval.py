"""mandate phone approval: signing a mandate with the representative's enrolled phone (the
approval id the QR code names, its server nonce, state, expiry, typed name and device)

Revision ID: 20261207_mandate_phone
Revises: 20261207_ppf_feed
Create Date: 2026-12-07 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_mandate_phone"
down_revision: str | None = "20261207_ppf_feed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mandate_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approval_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("approval_nonce", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("approval_status", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("approval_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("approval_signer_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("approval_requester_ip", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("approval_requester_user_agent", sa.String(length=500), nullable=True)
        )
        batch_op.add_column(sa.Column("approval_device_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("approval_decided_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_mandate_requests_approval_id"), ["approval_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("mandate_requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_mandate_requests_approval_id"), type_="unique")
        for column in (
            "approval_decided_at",
            "approval_device_id",
            "approval_requester_user_agent",
            "approval_requester_ip",
            "approval_signer_name",
            "approval_expires_at",
            "approval_status",
            "approval_nonce",
            "approval_id",
        ):
            batch_op.drop_column(column)
