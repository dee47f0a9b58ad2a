"""software access tokens: the bearer tokens /oauth2/token issues to software (stored hashed)

Revision ID: 20261207_software_tokens
Revises: 20261127_access_notify
Create Date: 2026-12-07 15:19:22.547906
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_software_tokens"
down_revision: str | None = "20261127_access_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "software_access_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("api_key_id", sa.Uuid(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_software_access_tokens_api_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_software_access_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_software_access_tokens_token_hash")),
    )
    with op.batch_alter_table("software_access_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_software_access_tokens_api_key_id"), ["api_key_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_software_access_tokens_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("software_access_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_software_access_tokens_expires_at"))
        batch_op.drop_index(batch_op.f("ix_software_access_tokens_api_key_id"))

    op.drop_table("software_access_tokens")
