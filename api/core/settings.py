"""Every setting of Comptoir, read once from `COMPTOIR_*` environment variables.

This is the only module that reads the process environment; everything else receives a
`Settings` object (`get_settings()` or the app's `app.state.settings`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """Typed configuration. Defaults are the embedded, offline set-up of a fresh machine."""

    model_config = SettingsConfigDict(
        env_prefix="COMPTOIR_", env_file=".env", extra="ignore", frozen=True
    )

    environment: Literal["development", "test", "production"] = "development"
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public base URL of the web app, used in QR codes and e-mail links.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    data_dir: Path = Field(
        default=PROJECT_ROOT / "var",
        description="Folder for the embedded SQLite database, blobs and local keys.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file in data_dir. "
        "Use postgresql+asyncpg://user:pass@host/db in production.",
    )
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    database_echo: bool = False

    company_registry: Literal["sirene", "recherche_entreprises"] = Field(
        default="sirene",
        description="Source of company data: the local SIRENE tables (loaded by "
        "`comptoir sirene import`) or the public API Recherche d'entreprises.",
    )
    recherche_entreprises_url: str = "https://recherche-entreprises.api.gouv.fr"
    recherche_entreprises_timeout_seconds: float = Field(default=5.0, gt=0)
    recherche_entreprises_requests_per_second: float = Field(
        default=7.0,
        gt=0,
        description="The public API's documented limit, shared by every API process "
        "through the database.",
    )
    recherche_entreprises_max_retries: int = Field(default=2, ge=0)
    recherche_entreprises_max_wait_seconds: float = Field(
        default=5.0,
        ge=0,
        description="Longest wait (rate slot or `Retry-After`) while a user waits; beyond it "
        "the lookup fails with a 503 carrying the delay.",
    )
    company_registry_cache_ttl_seconds: int = Field(default=86_400, ge=0)

    spa_dist: Path = Field(
        default=PROJECT_ROOT / "spa" / "dist",
        description="Built SPA served at / when the folder exists.",
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'comptoir.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def process_environment() -> dict[str, str]:
    """A copy of the process environment, for starting child processes (CLI, tests, bench)."""
    return dict(os.environ)
