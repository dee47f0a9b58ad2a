"""firm registration: pending SSO logins, registrations, identity evidence; devices remember
their enrollment link; one firm per SIREN

Revision ID: 20261127_registration
Revises: 20261127_company_registry
Create Date: 2026-11-27 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_registration"
down_revision: str | None = "20261127_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sso_authorizations",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("redirect_uri", sa.String(length=500), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("requester_ip", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_authorizations")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_sso_authorizations_state_hash")),
    )
    with op.batch_alter_table("sso_authorizations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sso_authorizations_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "firm_registrations",
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "awaiting_siren",
                "awaiting_identity",
                "completed",
                name="registrationstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("sso_issuer", sa.String(length=300), nullable=False),
        sa.Column("sso_subject", sa.String(length=255), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("siren_from_sso", sa.Boolean(), nullable=False),
        sa.Column("firm_name", sa.String(length=200), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("address_line", sa.String(length=300), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("enrollment_token_id", sa.Uuid(), nullable=True),
        sa.Column("sealed_enrollment_token", sa.LargeBinary(), nullable=True),
        sa.Column("firm_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_token_id"],
            ["enrollment_tokens.id"],
            name=op.f("fk_firm_registrations_enrollment_token_id_enrollment_tokens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_firm_registrations_firm_id_workspaces"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_firm_registrations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_registrations")),
        sa.UniqueConstraint(
            "enrollment_token_id", name=op.f("uq_firm_registrations_enrollment_token_id")
        ),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_firm_registrations_secret_hash")),
    )
    with op.batch_alter_table("firm_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_registrations_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "identity_verifications",
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("verifier", sa.String(length=60), nullable=False),
        sa.Column("document_format", sa.String(length=16), nullable=True),
        sa.Column("document_fields", sa.JSON(), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("mrz_sha256", sa.String(length=64), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("image_blob_key", sa.String(length=200), nullable=True),
        sa.Column("image_media_type", sa.String(length=40), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=400), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_identity_verifications_device_id_devices"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["firm_registrations.id"],
            name=op.f("fk_identity_verifications_registration_id_firm_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_identity_verifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_verifications")),
    )
    with op.batch_alter_table("identity_verifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_verifications_registration_id"),
            ["registration_id"],
            unique=False,
        )

    # No batch here: on SQLite a batch would copy and drop `devices`, and dropping a table
    # with foreign keys on cascades to its sessions. SQLite adds a nullable column with an
    # inline REFERENCES clause in place.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE devices ADD COLUMN enrollment_token_id CHAR(32) "
            "CONSTRAINT fk_devices_enrollment_token_id_enrollment_tokens "
            "REFERENCES enrollment_tokens (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("devices", sa.Column("enrollment_token_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(
            op.f("fk_devices_enrollment_token_id_enrollment_tokens"),
            "devices",
            "enrollment_tokens",
            ["enrollment_token_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.create_index(
            "uq_workspaces_firm_siren",
            ["siren"],
            unique=True,
            sqlite_where=sa.text("kind = 'firm'"),
            postgresql_where=sa.text("kind = 'firm'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_workspaces_firm_siren",
            sqlite_where=sa.text("kind = 'firm'"),
            postgresql_where=sa.text("kind = 'firm'"),
        )

    with op.batch_alter_table("devices", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            batch_op.drop_constraint(
                batch_op.f("fk_devices_enrollment_token_id_enrollment_tokens"), type_="foreignkey"
            )
        batch_op.drop_column("enrollment_token_id")

    with op.batch_alter_table("identity_verifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_verifications_registration_id"))

    op.drop_table("identity_verifications")
    with op.batch_alter_table("firm_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_registrations_user_id"))

    op.drop_table("firm_registrations")
    with op.batch_alter_table("sso_authorizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_authorizations_expires_at"))

    op.drop_table("sso_authorizations")
