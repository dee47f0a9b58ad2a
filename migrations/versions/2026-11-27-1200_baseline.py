"""baseline: the empty schema every later revision builds on

Revision ID: 20261127_baseline
Revises:
Create Date: 2026-11-27 12:00:00
"""

from collections.abc import Sequence

revision: str = "20261127_baseline"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
