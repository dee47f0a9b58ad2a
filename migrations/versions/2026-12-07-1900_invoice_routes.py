"""invoice routes: where each invoice went (buyer here, another platform, 221), and the peer
platform a received flow came from

Revision ID: 20261207_invoice_routes
Revises: 20261207_sirene_category
Create Date: 2026-12-07 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_invoice_routes"
down_revision: str | None = "20261207_sirene_category"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_routes",
        sa.Column("flow_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("platform_id", sa.String(length=100), nullable=True),
        sa.Column("addressing_identifier", sa.String(length=230), nullable=True),
        sa.Column("directory_line_id", sa.String(length=100), nullable=True),
        sa.Column("buyer_client_id", sa.Uuid(), nullable=True),
        sa.Column("delivered_flow_id", sa.Uuid(), nullable=True),
        sa.Column("remote_flow_id", sa.String(length=100), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_client_id"],
            ["clients.id"],
            name=op.f("fk_invoice_routes_buyer_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["delivered_flow_id"],
            ["flows.id"],
            name=op.f("fk_invoice_routes_delivered_flow_id_flows"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["flows.id"],
            name=op.f("fk_invoice_routes_flow_id_flows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_routes")),
        sa.UniqueConstraint("flow_id", name=op.f("uq_invoice_routes_flow_id")),
    )
    op.create_index("ix_invoice_routes_remote", "invoice_routes", ["platform_id", "remote_flow_id"])
    with op.batch_alter_table("flows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("peer_platform_id", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("flows", schema=None) as batch_op:
        batch_op.drop_column("peer_platform_id")
    op.drop_index("ix_invoice_routes_remote", table_name="invoice_routes")
    op.drop_table("invoice_routes")
