"""einvoicing: mandate certifications, PA designations, bulk activations

Revision ID: 20261127_einvoicing
Revises: 20261127_outbox
Create Date: 2026-11-27 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_einvoicing"
down_revision: str | None = "20261127_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mandate_certifications",
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("text_version", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("api_key_id", sa.Uuid(), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=400), nullable=True),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_mandate_certifications_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mandate_certifications_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandate_certifications")),
    )
    with op.batch_alter_table("mandate_certifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mandate_certifications_firm_certified", ["firm_id", "certified_at"], unique=False
        )

    op.create_table(
        "einvoicing_bulk_jobs",
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("certification_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("refused", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["mandate_certifications.id"],
            name=op.f("fk_einvoicing_bulk_jobs_certification_id_mandate_certifications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_einvoicing_bulk_jobs_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_einvoicing_bulk_jobs_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_einvoicing_bulk_jobs")),
    )
    with op.batch_alter_table("einvoicing_bulk_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_einvoicing_bulk_jobs_firm_created", ["firm_id", "created_at"], unique=False
        )

    op.create_table(
        "pa_designations",
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("certification_id", sa.Uuid(), nullable=False),
        sa.Column("bulk_job_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "not_registered",
                "pending",
                "registered",
                "error",
                "deregistered",
                name="pastatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("siren", sa.String(length=9), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=True),
        sa.Column("signed_mandate_sha256", sa.String(length=64), nullable=True),
        sa.Column("directory_line_id", sa.String(length=100), nullable=True),
        sa.Column("platform_id", sa.String(length=100), nullable=True),
        sa.Column("end_requested_on", sa.Date(), nullable=True),
        sa.Column("error_code", sa.String(length=40), nullable=True),
        sa.Column("error_detail", sa.String(length=1000), nullable=True),
        sa.Column("conflict_platform_id", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bulk_job_id"],
            ["einvoicing_bulk_jobs.id"],
            name=op.f("fk_pa_designations_bulk_job_id_einvoicing_bulk_jobs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["certification_id"],
            ["mandate_certifications.id"],
            name=op.f("fk_pa_designations_certification_id_mandate_certifications"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_pa_designations_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_pa_designations_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pa_designations")),
    )
    with op.batch_alter_table("pa_designations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pa_designations_bulk_job_status", ["bulk_job_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_pa_designations_client_created", ["client_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pa_designations", schema=None) as batch_op:
        batch_op.drop_index("ix_pa_designations_client_created")
        batch_op.drop_index("ix_pa_designations_bulk_job_status")

    op.drop_table("pa_designations")
    with op.batch_alter_table("einvoicing_bulk_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_einvoicing_bulk_jobs_firm_created")

    op.drop_table("einvoicing_bulk_jobs")
    with op.batch_alter_table("mandate_certifications", schema=None) as batch_op:
        batch_op.drop_index("ix_mandate_certifications_firm_certified")

    op.drop_table("mandate_certifications")
