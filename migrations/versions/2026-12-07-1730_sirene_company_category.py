"""sirene company category: INSEE `categorieEntreprise` (GE, ETI, PME) on sirene_unit, for the
e-invoicing calendar of the readiness dashboard (emission from 2026 or 2027)

Revision ID: 20261207_sirene_category
Revises: 20261207_mandates
Create Date: 2026-12-07 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_sirene_category"
down_revision: str | None = "20261207_mandates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sirene_unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("categorie_entreprise", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sirene_unit", schema=None) as batch_op:
        batch_op.drop_column("categorie_entreprise")
