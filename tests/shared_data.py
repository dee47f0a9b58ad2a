"""Where the project's shared test data lives (`../shared/data` next to the repository, the
layout of CI and of every checkout), or `COMPTOIR_TEST_SHARED_DIR` for another layout."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from api.core.settings import PROJECT_ROOT


class _SharedLocation(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPTOIR_TEST_", extra="ignore")

    shared_dir: Path = PROJECT_ROOT.parent / "shared"


SHARED_DATA = _SharedLocation().shared_dir / "data"
