"""access notify: PostgreSQL tells every API process when a session check may have changed

The processes remember session checks (`api/auth/access_cache.py`) only while they listen on
`comptoir_access`. These statement-level triggers notify it whenever a commit changes what a
check reads: a session's owner, device, workspace, expiry or revocation; any membership; a
device's revocation; a user's deletion. The heartbeat (`auth_sessions.last_used_at`) does not
notify. SQLite has no notifications: its processes never cache.

Revision ID: 20261127_access_notify
Revises: 20261127_documents_search_text
Create Date: 2026-11-27 17:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261127_access_notify"
down_revision: str | None = "20261127_documents_search_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = {
    "auth_sessions": "UPDATE OF user_id, device_id, workspace_id, expires_at, revoked_at OR DELETE",
    "memberships": "INSERT OR UPDATE OR DELETE",
    "devices": "UPDATE OF user_id, revoked_at OR DELETE",
    "users": "UPDATE OF deleted_at OR DELETE",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION comptoir_notify_access() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('comptoir_access', '');
            RETURN NULL;
        END
        $$
        """
    )
    for table, events in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {table}_notify_access AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION comptoir_notify_access()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TRIGGERS:
        op.execute(f"DROP TRIGGER {table}_notify_access ON {table}")
    op.execute("DROP FUNCTION comptoir_notify_access()")
