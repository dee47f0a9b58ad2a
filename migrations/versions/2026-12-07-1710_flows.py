"""flows: the flow store of the Flow Service, its webhooks, and the status copies queued for the PPF

Revision ID: 20261207_flows
Revises: 20261207_help_centre
Create Date: 2026-12-07 15:24:20.430297
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_flows"
down_revision: str | None = "20261207_help_centre"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flow_webhooks",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("api_key_id", sa.Uuid(), nullable=True),
        sa.Column("callback_url", sa.String(length=2000), nullable=False),
        sa.Column("flow_types", sa.JSON(), nullable=True),
        sa.Column("flow_direction", sa.String(length=3), nullable=True),
        sa.Column("ack_status", sa.String(length=10), nullable=True),
        sa.Column("signing_key", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_flow_webhooks_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_flow_webhooks_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_flow_webhooks_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_webhooks")),
    )
    with op.batch_alter_table("flow_webhooks", schema=None) as batch_op:
        batch_op.create_index("ix_flow_webhooks_client", ["client_id"], unique=False)

    op.create_table(
        "flows",
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("In", "Out", name="flowdirection", native_enum=False),
            nullable=False,
        ),
        sa.Column("flow_type", sa.String(length=40), nullable=False),
        sa.Column("syntax", sa.String(length=10), nullable=False),
        sa.Column("profile", sa.String(length=20), nullable=False),
        sa.Column("processing_rule", sa.String(length=20), nullable=False),
        sa.Column("processing_rule_source", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("tracking_id", sa.String(length=64), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=127), nullable=False),
        sa.Column("blob_key", sa.String(length=80), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "ack_status",
            sa.Enum("Pending", "Ok", "Error", name="ackstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("ack_details", sa.JSON(), nullable=True),
        sa.Column("lifecycle_status", sa.Integer(), nullable=True),
        sa.Column("rules_release", sa.String(length=40), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=True),
        sa.Column("invoice_number", sa.String(length=200), nullable=True),
        sa.Column("invoice_type_code", sa.String(length=8), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("sender_siren", sa.String(length=9), nullable=True),
        sa.Column("sender_siret", sa.String(length=14), nullable=True),
        sa.Column("sender_routing_code", sa.String(length=100), nullable=True),
        sa.Column("recipient_siren", sa.String(length=9), nullable=True),
        sa.Column("recipient_siret", sa.String(length=14), nullable=True),
        sa.Column("recipient_routing_code", sa.String(length=100), nullable=True),
        sa.Column("facts", sa.JSON(), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("related_flow_id", sa.Uuid(), nullable=True),
        sa.Column("api_key_id", sa.Uuid(), nullable=True),
        sa.Column("deposited_by", sa.Uuid(), nullable=True),
        sa.Column("converted_blob_key", sa.String(length=80), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_flows_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_flows_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_flows_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_flows_firm_id_workspaces"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["related_flow_id"],
            ["flows.id"],
            name=op.f("fk_flows_related_flow_id_flows"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flows")),
        sa.UniqueConstraint(
            "client_id", "direction", "sha256", name=op.f("uq_flows_client_id_direction_sha256")
        ),
    )
    with op.batch_alter_table("flows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_flows_client_tracking", ["client_id", "tracking_id"], unique=False
        )
        batch_op.create_index(
            "ix_flows_client_updated", ["client_id", "updated_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_flows_related_flow_id"), ["related_flow_id"], unique=False
        )

    op.create_table(
        "ppf_status_copies",
        sa.Column("status_flow_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_flow_id", sa.Uuid(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_flow_id"],
            ["flows.id"],
            name=op.f("fk_ppf_status_copies_invoice_flow_id_flows"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["status_flow_id"],
            ["flows.id"],
            name=op.f("fk_ppf_status_copies_status_flow_id_flows"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ppf_status_copies")),
        sa.UniqueConstraint("status_flow_id", name=op.f("uq_ppf_status_copies_status_flow_id")),
    )
    with op.batch_alter_table("ppf_status_copies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ppf_status_copies_unsent", ["sent_at", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ppf_status_copies", schema=None) as batch_op:
        batch_op.drop_index("ix_ppf_status_copies_unsent")

    op.drop_table("ppf_status_copies")
    with op.batch_alter_table("flows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flows_related_flow_id"))
        batch_op.drop_index("ix_flows_client_updated")
        batch_op.drop_index("ix_flows_client_tracking")

    op.drop_table("flows")
    with op.batch_alter_table("flow_webhooks", schema=None) as batch_op:
        batch_op.drop_index("ix_flow_webhooks_client")

    op.drop_table("flow_webhooks")
