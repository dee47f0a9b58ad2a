"""ppf feed: each status copy's transmission (status, adapter, attempts, last answer), and an
outbox message for every copy queued before the feed existed

Revision ID: 20261207_ppf_feed
Revises: 20261207_invoice_status_history
Create Date: 2026-12-07 19:00:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_ppf_feed"
down_revision: str | None = "20261207_invoice_status_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_outbox = sa.table(
    "outbox_messages",
    sa.column("id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("payload", sa.JSON()),
    sa.column("dedupe_key", sa.String()),
    sa.column("status", sa.String()),
    sa.column("attempts", sa.Integer()),
    sa.column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("ppf_status_copies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), nullable=False, server_default="pending")
        )
        batch_op.add_column(sa.Column("transmitted_via", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("response_status", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    # The copies queued by issue 17 waited for this feed: each gets its outbox message (the
    # same kind and dedupe key as api.ppf.service.queue_copy).
    connection = op.get_bind()
    unsent = connection.execute(
        sa.text("SELECT id FROM ppf_status_copies WHERE sent_at IS NULL")
    ).scalars()
    now = datetime.now(UTC)
    copy_ids = [str(uuid.UUID(str(copy_id))) for copy_id in unsent]  # SQLite keeps hex
    rows = [
        {
            "id": uuid.uuid4(),
            "kind": "ppf.status_copy",
            "payload": {"copy_id": copy_id},
            "dedupe_key": f"ppf:{copy_id}",
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for copy_id in copy_ids
    ]
    if rows:
        op.bulk_insert(_outbox, rows)


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM outbox_messages WHERE kind = 'ppf.status_copy'"))
    with op.batch_alter_table("ppf_status_copies", schema=None) as batch_op:
        batch_op.drop_column("last_error")
        batch_op.drop_column("response_status")
        batch_op.drop_column("last_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("transmitted_via")
        batch_op.drop_column("status")
