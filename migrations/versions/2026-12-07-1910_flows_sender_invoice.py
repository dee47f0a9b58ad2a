"""flows sender invoice: an index on (sender_siren, invoice_number), for the duplicate check
of a deposited invoice (use case UC2: the same seller, number and year already accepted)

Revision ID: 20261207_flows_sender_invoice
Revises: 20261207_software_notify
Create Date: 2026-12-07 19:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261207_flows_sender_invoice"
down_revision: str | None = "20261207_software_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_flows_sender_invoice", "flows", ["sender_siren", "invoice_number"])


def downgrade() -> None:
    op.drop_index("ix_flows_sender_invoice", table_name="flows")
