"""documents search text: one normalised column for the text filter, trigram-indexed

The text filter was `ILIKE '%…%'` over five columns: at a million documents, a firm-wide search
read every row of the firm. `search_text` holds the lower-case, accent-free words of the title,
file name, invoice number and counterparts; on PostgreSQL a trigram index serves
`search_text LIKE '%word%'` (pg_trgm was created by the company registry migration). Existing
documents are filled here, in batches.

Revision ID: 20261127_documents_search_text
Revises: 20261127_client_import_rows
Create Date: 2026-11-27 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.adapters.company_registry.base import search_name

revision: str = "20261127_documents_search_text"
down_revision: str | None = "20261127_client_import_rows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
SEARCHED = ("title", "original_filename", "invoice_number", "seller_name", "buyer_name")


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.String(length=2000), nullable=True))

    documents = sa.table(
        "documents",
        sa.column("id", sa.Uuid()),
        sa.column("search_text", sa.String()),
        *(sa.column(name, sa.String()) for name in SEARCHED),
    )
    connection = op.get_bind()
    last_id = None
    while True:
        query = sa.select(documents.c.id, *(documents.c[name] for name in SEARCHED))
        if last_id is not None:
            query = query.where(documents.c.id > last_id)
        rows = connection.execute(query.order_by(documents.c.id).limit(BATCH)).all()
        if not rows:
            break
        values = [
            {"row_id": row[0], "text": (search_name(*row[1:]) or "")[:2000] or None} for row in rows
        ]
        connection.execute(
            documents.update()
            .where(documents.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("text")),
            values,
        )
        last_id = rows[-1][0]

    if connection.dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_documents_search_text_trgm ON documents "
            "USING gin (search_text gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_documents_search_text_trgm")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("search_text")
