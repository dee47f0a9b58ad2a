"""readiness counts: the dashboard's funnel counts kept by the database, per firm and per
assigned collaborator, in the same transaction as every change that moves a client

A client's funnel bucket is a function of its directory status (`clients.pa_status`) and of its
mandate request's status (`mandate_requests.status`); a collaborator's buckets are those of the
clients assigned to them (`client_assignments`). Row triggers on those three tables move one
unit from the old bucket to the new one, for the firm (`holder_id` = the firm's id) and for each
assignee, whoever writes (a service, a bulk statement, the worker, an import): the dashboard
reads a few rows instead of every client. Expiry is a matter of time, not of a write: the
« sent » and « opened » buckets include expired links, which the dashboard reads apart
(`ix_mandate_requests_firm_status_expires`, only the expired ones). The bucket's CASE is the
same as `api/mandates/repository.stage_expression` without the time; the test
`tests/mandates/test_readiness_counts.py` compares the counts to a recount after every kind
of change. On SQLite, a later `batch_alter_table` of one of the three tables rebuilds it and
drops its triggers: that migration must create them again (`TRIGGERS` below).

Revision ID: 20261207_readiness_counts
Revises: 20261207_peppol_messages
Create Date: 2026-12-07 22:00:00
"""

# The triggers' SQL is composed from this file's constants only (no input reaches it).
# ruff: noqa: S608

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_readiness_counts"
down_revision: str | None = "20261207_peppol_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def bucket(pa_status: str, request_status: str) -> str:
    """The funnel bucket in SQL: the directory decides first, then the request."""
    return (
        f"CASE WHEN {pa_status} = 'registered' THEN 'registered' "
        f"WHEN {pa_status} = 'error' THEN 'error' "
        f"WHEN {pa_status} = 'pending' THEN 'signed' "
        f"WHEN {request_status} = 'signed' THEN 'signed' "
        f"WHEN {request_status} = 'refused' THEN 'refused' "
        f"WHEN {request_status} = 'locked' THEN 'error' "
        f"WHEN {request_status} = 'opened' THEN 'opened' "
        f"WHEN {request_status} = 'sent' THEN 'sent' "
        "ELSE 'to_send' END"
    )


def request_of(client: str) -> str:
    return f"(SELECT r.status FROM mandate_requests r WHERE r.client_id = {client})"


def pa_of(client: str) -> str:
    return f"(SELECT c.pa_status FROM clients c WHERE c.id = {client})"


def firm_of(client: str) -> str:
    return f"(SELECT c.firm_id FROM clients c WHERE c.id = {client})"


def everyone(firm: str, client: str) -> str:
    """The firm itself and every collaborator assigned to the client."""
    return (
        f"SELECT {firm} AS holder UNION ALL "
        f"SELECT a.user_id FROM client_assignments a WHERE a.client_id = {client}"
    )


def part(firm: str, holders: str, stage: str, delta: int) -> str:
    return (
        f"SELECT {firm} AS firm, h.holder AS holder, {stage} AS stage, {delta} AS delta "
        f"FROM ({holders}) h"
    )


def move(*parts: str) -> str:
    """One statement: the parts' units summed per row, rows locked in one order (firm,
    holder, stage) so that two writers of a firm never take them in opposite orders."""
    return (
        "INSERT INTO readiness_counts (firm_id, holder_id, stage, clients) "
        "SELECT firm, holder, stage, SUM(delta) FROM ("
        + " UNION ALL ".join(parts)
        + ") moves WHERE firm IS NOT NULL GROUP BY firm, holder, stage HAVING SUM(delta) <> 0 "
        "ORDER BY firm, holder, stage "
        "ON CONFLICT (firm_id, holder_id, stage) "
        "DO UPDATE SET clients = readiness_counts.clients + excluded.clients"
    )


# (trigger, table, timing and event, the statement it runs)
TRIGGERS: list[tuple[str, str, str, str]] = [
    (
        "clients_readiness_insert",
        "clients",
        "AFTER INSERT",
        move(
            part(
                "NEW.firm_id",
                everyone("NEW.firm_id", "NEW.id"),
                bucket("NEW.pa_status", request_of("NEW.id")),
                1,
            )
        ),
    ),
    (
        "clients_readiness_update",
        "clients",
        "AFTER UPDATE OF pa_status, firm_id",
        move(
            part(
                "OLD.firm_id",
                everyone("OLD.firm_id", "OLD.id"),
                bucket("OLD.pa_status", request_of("OLD.id")),
                -1,
            ),
            part(
                "NEW.firm_id",
                everyone("NEW.firm_id", "NEW.id"),
                bucket("NEW.pa_status", request_of("NEW.id")),
                1,
            ),
        ),
    ),
    # Before the row goes: its assignments and request, deleted by the cascade afterwards, still
    # say whose counts it was in (their own triggers then find no client and do nothing).
    (
        "clients_readiness_delete",
        "clients",
        "BEFORE DELETE",
        move(
            part(
                "OLD.firm_id",
                everyone("OLD.firm_id", "OLD.id"),
                bucket("OLD.pa_status", request_of("OLD.id")),
                -1,
            )
        ),
    ),
    (
        "mandate_requests_readiness_insert",
        "mandate_requests",
        "AFTER INSERT",
        move(
            part(
                firm_of("NEW.client_id"),
                everyone(firm_of("NEW.client_id"), "NEW.client_id"),
                bucket(pa_of("NEW.client_id"), "NULL"),
                -1,
            ),
            part(
                firm_of("NEW.client_id"),
                everyone(firm_of("NEW.client_id"), "NEW.client_id"),
                bucket(pa_of("NEW.client_id"), "NEW.status"),
                1,
            ),
        ),
    ),
    # A request stays its client's for good (one per client): only its status moves.
    (
        "mandate_requests_readiness_update",
        "mandate_requests",
        "AFTER UPDATE OF status",
        move(
            part(
                firm_of("NEW.client_id"),
                everyone(firm_of("NEW.client_id"), "NEW.client_id"),
                bucket(pa_of("NEW.client_id"), "OLD.status"),
                -1,
            ),
            part(
                firm_of("NEW.client_id"),
                everyone(firm_of("NEW.client_id"), "NEW.client_id"),
                bucket(pa_of("NEW.client_id"), "NEW.status"),
                1,
            ),
        ),
    ),
    (
        "mandate_requests_readiness_delete",
        "mandate_requests",
        "AFTER DELETE",
        move(
            part(
                firm_of("OLD.client_id"),
                everyone(firm_of("OLD.client_id"), "OLD.client_id"),
                bucket(pa_of("OLD.client_id"), "OLD.status"),
                -1,
            ),
            part(
                firm_of("OLD.client_id"),
                everyone(firm_of("OLD.client_id"), "OLD.client_id"),
                bucket(pa_of("OLD.client_id"), "NULL"),
                1,
            ),
        ),
    ),
    (
        "client_assignments_readiness_insert",
        "client_assignments",
        "AFTER INSERT",
        move(
            part(
                firm_of("NEW.client_id"),
                "SELECT NEW.user_id AS holder",
                bucket(pa_of("NEW.client_id"), request_of("NEW.client_id")),
                1,
            )
        ),
    ),
    (
        "client_assignments_readiness_update",
        "client_assignments",
        "AFTER UPDATE OF client_id, user_id",
        move(
            part(
                firm_of("OLD.client_id"),
                "SELECT OLD.user_id AS holder",
                bucket(pa_of("OLD.client_id"), request_of("OLD.client_id")),
                -1,
            ),
            part(
                firm_of("NEW.client_id"),
                "SELECT NEW.user_id AS holder",
                bucket(pa_of("NEW.client_id"), request_of("NEW.client_id")),
                1,
            ),
        ),
    ),
    (
        "client_assignments_readiness_delete",
        "client_assignments",
        "AFTER DELETE",
        move(
            part(
                firm_of("OLD.client_id"),
                "SELECT OLD.user_id AS holder",
                bucket(pa_of("OLD.client_id"), request_of("OLD.client_id")),
                -1,
            )
        ),
    ),
]

# What the triggers would have counted so far.
BACKFILL = [
    "INSERT INTO readiness_counts (firm_id, holder_id, stage, clients) "
    f"SELECT c.firm_id, c.firm_id, {bucket('c.pa_status', 'r.status')}, COUNT(*) "
    "FROM clients c LEFT JOIN mandate_requests r ON r.client_id = c.id "
    f"GROUP BY c.firm_id, {bucket('c.pa_status', 'r.status')}",
    "INSERT INTO readiness_counts (firm_id, holder_id, stage, clients) "
    f"SELECT c.firm_id, a.user_id, {bucket('c.pa_status', 'r.status')}, COUNT(*) "
    "FROM clients c JOIN client_assignments a ON a.client_id = c.id "
    "LEFT JOIN mandate_requests r ON r.client_id = c.id "
    f"GROUP BY c.firm_id, a.user_id, {bucket('c.pa_status', 'r.status')}",
]


def upgrade() -> None:
    op.create_table(
        "readiness_counts",
        sa.Column("firm_id", sa.Uuid(), nullable=False),
        sa.Column("holder_id", sa.Uuid(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("clients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["workspaces.id"],
            name=op.f("fk_readiness_counts_firm_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_id", "holder_id", "stage", name=op.f("pk_readiness_counts")),
    )
    with op.batch_alter_table("mandate_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mandate_requests_firm_status_expires",
            ["firm_id", "status", "expires_at"],
            unique=False,
        )
    for statement in BACKFILL:
        op.execute(statement)
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, when, statement in TRIGGERS:
        if postgresql:
            # A BEFORE trigger must hand the row back for the delete to proceed.
            returned = "OLD" if when.startswith("BEFORE") else "NULL"
            op.execute(
                f"CREATE FUNCTION comptoir_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {statement}; RETURN {returned}; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} {when} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION comptoir_{name}()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW BEGIN {statement}; END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table, _when, _statement in TRIGGERS:
        if postgresql:
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION comptoir_{name}()")
        else:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table("mandate_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_mandate_requests_firm_status_expires")
    op.drop_table("readiness_counts")
