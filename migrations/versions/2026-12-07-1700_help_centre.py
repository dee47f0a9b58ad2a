"""help centre: article feedback, guided tour progress, support requests

The articles are shipped Markdown files (api/help/articles/), never rows.

Revision ID: 20261207_help_centre
Revises: 20261207_software_tokens
Create Date: 2026-12-07 15:19:30.773226
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_help_centre"
down_revision: str | None = "20261207_software_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "help_article_feedback",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("article_slug", sa.String(length=120), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_help_article_feedback_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_article_feedback")),
        sa.UniqueConstraint(
            "user_id", "article_slug", name=op.f("uq_help_article_feedback_user_id_article_slug")
        ),
    )
    with op.batch_alter_table("help_article_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_help_article_feedback_article_slug"), ["article_slug"], unique=False
        )

    op.create_table(
        "help_tour_progress",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("tour_id", sa.String(length=60), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_help_tour_progress_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_tour_progress")),
        sa.UniqueConstraint(
            "user_id", "tour_id", name=op.f("uq_help_tour_progress_user_id_tour_id")
        ),
    )
    op.create_table(
        "support_requests",
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("screen", sa.String(length=300), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=False),
        sa.Column("user_agent", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_support_requests_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_support_requests_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_support_requests_reference")),
    )
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.create_index("ix_support_requests_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_support_requests_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_requests_workspace_id"))
        batch_op.drop_index("ix_support_requests_created_at")

    op.drop_table("support_requests")
    op.drop_table("help_tour_progress")
    with op.batch_alter_table("help_article_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_article_feedback_article_slug"))

    op.drop_table("help_article_feedback")
