"""documents routes: documents and folders reference their firm and client; dates never NULL

Revision ID: 20261127_documents_routes
Revises: 20261127_outbox
Create Date: 2026-11-27 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_documents_routes"
down_revision: str | None = "20261127_client_invitations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows ingested before the routes existed may lack a date: the upload day stands in.
    # `date(…)` reads as a function on SQLite and as a cast on PostgreSQL.
    op.execute("UPDATE documents SET document_date = date(created_at) WHERE document_date IS NULL")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.alter_column("document_date", existing_type=sa.Date(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_workspace_id_workspaces"),
            "workspaces",
            ["workspace_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_documents_client_id_clients"),
            "clients",
            ["client_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("folders", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_folders_client_id_clients"),
            "clients",
            ["client_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("folders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_folders_client_id_clients"), type_="foreignkey")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_documents_client_id_clients"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_documents_workspace_id_workspaces"), type_="foreignkey"
        )
        batch_op.alter_column("document_date", existing_type=sa.Date(), nullable=True)
