"""mandates signed online: the request mailed to the legal representative (its single-use
link, one-time code, evidence and sealed document) and the readiness inputs of a client

Revision ID: 20261207_mandates
Revises: 20261207_flows
Create Date: 2026-12-07 15:19:15.753435
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_mandates"
down_revision: str | None = "20261207_flows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client_readiness",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column(
            "company_category",
            sa.Enum("GE", "ETI", "PME", name="companycategory", native_enum=False, length=8),
            nullable=True,
        ),
        sa.Column(
            "vat_regime",
            sa.Enum(
                "real_normal_monthly",
                "real_normal_quarterly",
                "simplified",
                "franchise",
                name="vatregime",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_readiness_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_client_readiness_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_readiness")),
    )
    op.create_table(
        "mandate_requests",
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "sent",
                "opened",
                "signed",
                "refused",
                "withdrawn",
                "locked",
                name="mandaterequeststatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("signer_email", sa.String(length=320), nullable=False),
        sa.Column("signer_first_name", sa.String(length=100), nullable=True),
        sa.Column("signer_last_name", sa.String(length=100), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sendings", sa.Integer(), nullable=False),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document", sa.LargeBinary(), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("codes_sent", sa.Integer(), nullable=False),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("sealed_document_id", sa.Uuid(), nullable=True),
        sa.Column("sealed_sha256", sa.String(length=64), nullable=True),
        sa.Column("designation_id", sa.Uuid(), nullable=True),
        sa.Column("error_detail", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_mandate_requests_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_mandate_requests_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sealed_document_id"],
            ["documents.id"],
            name=op.f("fk_mandate_requests_sealed_document_id_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_user_id"],
            ["users.id"],
            name=op.f("fk_mandate_requests_sent_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandate_requests")),
        sa.UniqueConstraint("client_id", name=op.f("uq_mandate_requests_client_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_mandate_requests_token_hash")),
    )
    with op.batch_alter_table("mandate_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mandate_requests_firm_status", ["firm_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mandate_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_mandate_requests_firm_status")

    op.drop_table("mandate_requests")
    op.drop_table("client_readiness")
