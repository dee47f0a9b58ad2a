"""software notify: PostgreSQL tells every API process when a software call's check may change

The processes remember a software call's check (its bearer token, key, the key's creator, and
the organisation it acts for: `api/oauth2/dependencies.py`) in the same per-process memory as
the session checks, forgotten on `NOTIFY comptoir_access` (migration `20261127_access_notify`,
whose function these triggers reuse). They notify whenever a commit changes what that check
reads: a key's revocation, expiry, scopes or owner; a token; a workspace's kind or SIREN; a
client's identity, firm, company space or e-invoicing status; an assignment; a designation
(the certified mandate). Memberships already notify. A key's last use does not.

Revision ID: 20261207_software_notify
Revises: 20261207_mandate_phone
Create Date: 2026-12-07 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261207_software_notify"
down_revision: str | None = "20261207_mandate_phone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = {
    "api_keys": "UPDATE OF workspace_id, scopes, created_by_user_id, expires_at, revoked_at "
    "OR DELETE",
    "software_access_tokens": "UPDATE OR DELETE",
    "workspaces": "UPDATE OF kind, siren OR DELETE",
    "clients": "INSERT OR UPDATE OF firm_id, company_workspace_id, siren, siret, legal_name, "
    "pa_status OR DELETE",
    "client_assignments": "INSERT OR UPDATE OR DELETE",
    "pa_designations": "INSERT OR UPDATE OF client_id OR DELETE",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
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
