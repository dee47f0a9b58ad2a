"""documents and folders: stored documents with their e-invoice metadata, per-client folders

Revision ID: 20261127_documents
Revises: 20261127_baseline
Create Date: 2026-11-27 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_documents"
down_revision: str | None = "20261127_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "folders",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["folders.id"],
            name=op.f("fk_folders_parent_id_folders"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_folders")),
        sa.UniqueConstraint("parent_id", "name", name=op.f("uq_folders_parent_id_name")),
    )
    with op.batch_alter_table("folders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_folders_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_folders_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(
            "uq_folders_client_id_name_top_level",
            ["client_id", "name"],
            unique=True,
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        )

    # Partial indexes (deleted_at IS NULL) serve the cross-client list; see api/models/document.py.
    op.create_table(
        "documents",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("folder_id", sa.Uuid(), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("blob_key", sa.String(length=80), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("einvoice_status", sa.String(length=16), nullable=True),
        sa.Column("einvoice_format", sa.String(length=16), nullable=True),
        sa.Column("einvoice_error", sa.String(length=500), nullable=True),
        sa.Column("invoice_number", sa.String(length=200), nullable=True),
        sa.Column("invoice_type_code", sa.String(length=8), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("seller_name", sa.String(length=255), nullable=True),
        sa.Column("seller_siren", sa.String(length=9), nullable=True),
        sa.Column("seller_vat_number", sa.String(length=32), nullable=True),
        sa.Column("buyer_name", sa.String(length=255), nullable=True),
        sa.Column("buyer_siren", sa.String(length=9), nullable=True),
        sa.Column("buyer_vat_number", sa.String(length=32), nullable=True),
        # Money as whole hundredths (api.core.models.MoneyAmount): exact on SQLite too.
        sa.Column("total_excl_vat", sa.BigInteger(), nullable=True),
        sa.Column("total_vat", sa.BigInteger(), nullable=True),
        sa.Column("total_incl_vat", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "source IN ('web', 'mobile', 'integration')", name=op.f("ck_documents_source")
        ),
        sa.CheckConstraint(
            "type IN ('invoice', 'statement', 'shared', 'other')", name=op.f("ck_documents_type")
        ),
        sa.CheckConstraint(
            "period_start IS NULL OR period_end IS NULL OR period_start <= period_end",
            name=op.f("ck_documents_period_order"),
        ),
        sa.CheckConstraint("size >= 0", name=op.f("ck_documents_size_positive")),
        sa.ForeignKeyConstraint(
            ["folder_id"],
            ["folders.id"],
            name=op.f("fk_documents_folder_id_folders"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint(
            "workspace_id",
            "idempotency_key",
            name=op.f("uq_documents_workspace_id_idempotency_key"),
        ),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_blob_key"), ["blob_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_buyer_siren"), ["buyer_siren"], unique=False)
        batch_op.create_index(
            "ix_documents_client_type_date",
            ["client_id", "type", "document_date", "id"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_documents_folder_id"), ["folder_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_documents_seller_siren"), ["seller_siren"], unique=False
        )
        batch_op.create_index(
            "ix_documents_workspace_date",
            ["workspace_id", "document_date", "id"],
            unique=False,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "ix_documents_workspace_invoice_number",
            ["workspace_id", "invoice_number"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_workspace_invoice_number")
        batch_op.drop_index(
            "ix_documents_workspace_date",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_documents_seller_siren"))
        batch_op.drop_index(batch_op.f("ix_documents_folder_id"))
        batch_op.drop_index(
            "ix_documents_client_type_date",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_documents_buyer_siren"))
        batch_op.drop_index(batch_op.f("ix_documents_blob_key"))

    op.drop_table("documents")
    with op.batch_alter_table("folders", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_folders_client_id_name_top_level",
            sqlite_where=sa.text("parent_id IS NULL"),
            postgresql_where=sa.text("parent_id IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_folders_parent_id"))
        batch_op.drop_index(batch_op.f("ix_folders_client_id"))

    op.drop_table("folders")
