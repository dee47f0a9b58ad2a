"""clients: the firm → company link, assignments, subscriptions and their history, imports

Revision ID: 20261127_clients
Revises: 20261127_company_registry
Create Date: 2026-11-27 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_clients"
down_revision: str | None = "20261127_directory_lines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client_imports",
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "analysed", "confirmed", name="clientimportstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_client_imports_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_client_imports_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_imports")),
    )
    with op.batch_alter_table("client_imports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_client_imports_firm_created", ["firm_id", "created_at"], unique=False
        )

    op.create_table(
        "clients",
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("company_workspace_id", sa.Uuid(), nullable=True),
        sa.Column("siren", sa.String(length=9), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("legal_name", sa.String(length=400), nullable=False),
        sa.Column("search_name", sa.String(length=600), nullable=False),
        sa.Column("sort_name", sa.String(length=400), nullable=False),
        sa.Column("address_line", sa.String(length=400), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("vat_number", sa.String(length=13), nullable=True),
        sa.Column("legal_form_code", sa.String(length=4), nullable=True),
        sa.Column("legal_form_label", sa.String(length=200), nullable=True),
        sa.Column("activity_code", sa.String(length=8), nullable=True),
        sa.Column("is_firm_itself", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("invited", "active", name="clientstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "pa_status",
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
        sa.Column("contact_first_name", sa.String(length=100), nullable=True),
        sa.Column("contact_last_name", sa.String(length=100), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_clients_company_workspace_id_workspaces"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_clients_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_clients_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("firm_id", "siren", name=op.f("uq_clients_firm_id_siren")),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(
            "ix_clients_firm_created", ["firm_id", "created_at", "id"], unique=False
        )
        batch_op.create_index("ix_clients_firm_pa_status", ["firm_id", "pa_status"], unique=False)
        batch_op.create_index("ix_clients_firm_siret", ["firm_id", "siret"], unique=False)
        batch_op.create_index(
            "ix_clients_firm_sort_name", ["firm_id", "sort_name", "id"], unique=False
        )
        batch_op.create_index("ix_clients_firm_status", ["firm_id", "status"], unique=False)

    op.create_table(
        "client_assignments",
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_assignments_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_client_assignments_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_client_assignments_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_client_assignments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_assignments")),
        sa.UniqueConstraint(
            "client_id", "user_id", name=op.f("uq_client_assignments_client_id_user_id")
        ),
    )
    with op.batch_alter_table("client_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_client_assignments_firm_user", ["firm_id", "user_id", "client_id"], unique=False
        )

    op.create_table(
        "client_subscription_changes",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("plan_code", sa.String(length=40), nullable=False),
        sa.Column(
            "payer",
            sa.Enum("firm", "client", name="payer", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "trial",
                "active",
                "suspended",
                "cancelled",
                name="subscriptionstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_user_id"],
            ["users.id"],
            name=op.f("fk_client_subscription_changes_changed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_subscription_changes_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_subscription_changes")),
    )
    with op.batch_alter_table("client_subscription_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_client_subscription_changes_client", ["client_id", "changed_at"], unique=False
        )

    op.create_table(
        "client_subscriptions",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("plan_code", sa.String(length=40), nullable=False),
        sa.Column(
            "payer",
            sa.Enum("firm", "client", name="payer", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "trial",
                "active",
                "suspended",
                "cancelled",
                name="subscriptionstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_user_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_subscriptions_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_client_subscriptions_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["users.id"],
            name=op.f("fk_client_subscriptions_updated_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_subscriptions")),
    )
    with op.batch_alter_table("client_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_client_subscriptions_firm_plan", ["firm_id", "plan_code"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        # Name search is `search_name LIKE '% word%'`: a trigram index serves it at 20,000
        # clients (pg_trgm was created by the company registry migration).
        op.execute(
            "CREATE INDEX ix_clients_search_name_trgm ON clients "
            "USING gin (search_name gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_clients_search_name_trgm")
    with op.batch_alter_table("client_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_client_subscriptions_firm_plan")

    op.drop_table("client_subscriptions")
    with op.batch_alter_table("client_subscription_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_client_subscription_changes_client")

    op.drop_table("client_subscription_changes")
    with op.batch_alter_table("client_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_client_assignments_firm_user")

    op.drop_table("client_assignments")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index("ix_clients_firm_status")
        batch_op.drop_index("ix_clients_firm_sort_name")
        batch_op.drop_index("ix_clients_firm_siret")
        batch_op.drop_index("ix_clients_firm_pa_status")
        batch_op.drop_index("ix_clients_firm_created")

    op.drop_table("clients")
    with op.batch_alter_table("client_imports", schema=None) as batch_op:
        batch_op.drop_index("ix_client_imports_firm_created")

    op.drop_table("client_imports")
