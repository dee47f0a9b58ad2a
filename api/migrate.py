"""Run Alembic migrations from code: the only way Comptoir's schema is created."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from api.core.settings import PROJECT_ROOT


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["skip_logging"] = True
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(connection: Connection | None = None) -> None:
    """Upgrade the configured database (or the given sync connection) to the newest revision."""
    command.upgrade(alembic_config(connection), "head")
