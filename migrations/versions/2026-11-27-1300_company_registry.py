"""company registry: local SIRENE tables, the remote registry's cache and rate slot

Revision ID: 20261127_company_registry
Revises: 20261127_baseline
Create Date: 2026-11-27 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261127_company_registry"
down_revision: str | None = "20261127_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sirene_unit",
        sa.Column("siren", sa.String(9), nullable=False),
        sa.Column("diffusible", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("legal_name", sa.String(400), nullable=True),
        sa.Column("search_name", sa.String(600), nullable=True),
        sa.Column("nature_juridique", sa.String(4), nullable=True),
        sa.Column("activite_principale", sa.String(8), nullable=True),
        sa.Column("head_office_siret", sa.String(14), nullable=True),
        sa.PrimaryKeyConstraint("siren", name=op.f("pk_sirene_unit")),
    )
    op.create_table(
        "sirene_establishment",
        sa.Column("siret", sa.String(14), nullable=False),
        sa.Column("siren", sa.String(9), nullable=False),
        sa.Column("diffusible", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_head_office", sa.Boolean(), nullable=False),
        sa.Column("address_line", sa.String(400), nullable=True),
        sa.Column("postal_code", sa.String(10), nullable=True),
        sa.Column("city", sa.String(120), nullable=True),
        sa.Column("activite_principale", sa.String(8), nullable=True),
        sa.PrimaryKeyConstraint("siret", name=op.f("pk_sirene_establishment")),
    )
    op.create_index("ix_sirene_establishment_siren", "sirene_establishment", ["siren"])
    op.create_table(
        "company_registry_cache",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("payload", sa.String(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_company_registry_cache")),
    )
    op.create_index(
        op.f("ix_company_registry_cache_expires_at"), "company_registry_cache", ["expires_at"]
    )
    slots = op.create_table(
        "company_registry_rate_slot",
        sa.Column("upstream", sa.String(40), nullable=False),
        sa.Column("next_slot_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("upstream", name=op.f("pk_company_registry_rate_slot")),
    )
    op.bulk_insert(slots, [{"upstream": "recherche_entreprises", "next_slot_at": 0.0}])

    if op.get_bind().dialect.name == "postgresql":
        # A trigram index serves `search_name LIKE '% word%'` for every word of the query.
        # pg_trgm is a trusted extension (PostgreSQL ≥ 13): the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_sirene_unit_search_name_trgm ON sirene_unit "
            "USING gin (search_name gin_trgm_ops)"
        )


def downgrade() -> None:
    op.drop_table("company_registry_rate_slot")
    op.drop_index(op.f("ix_company_registry_cache_expires_at"), "company_registry_cache")
    op.drop_table("company_registry_cache")
    op.drop_index("ix_sirene_establishment_siren", "sirene_establishment")
    op.drop_table("sirene_establishment")
    op.drop_table("sirene_unit")
