"""Where the project's shared test data lives (`../shared/data` next to the repository, the
layout of CI and of every checkout), or `COMPTOIR_TEST_SHARED_DIR` for another layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.core.settings import PROJECT_ROOT


class _SharedLocation(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPTOIR_TEST_", extra="ignore")

    shared_dir: Path = PROJECT_ROOT.parent / "shared"


SHARED_DATA = _SharedLocation().shared_dir / "data"


def missing_reason(folder: Path) -> str:
    return f"shared test data missing: {folder} (../shared/data, or set COMPTOIR_TEST_SHARED_DIR)"


def needs_shared(folder: Path) -> pytest.MarkDecorator:
    """Mark a test (or a module, as `pytestmark`) that reads `folder`: skipped, saying why,
    when the shared data is not there."""
    return pytest.mark.skipif(not folder.is_dir(), reason=missing_reason(folder))


def skip_module_without(folder: Path) -> None:
    """For a module that reads shared files when it is imported: skip it whole, saying why,
    instead of an error at collection."""
    if not folder.is_dir():
        pytest.skip(missing_reason(folder), allow_module_level=True)


def require_shared(folder: Path) -> Path:
    """Inside a test or a fixture: skip, saying why, when `folder` is missing."""
    if not folder.is_dir():
        pytest.skip(missing_reason(folder))
    return folder


def shared_files(folder: Path, pattern: str) -> list[Any]:
    """`pytest.param`s of the shared files matching `pattern` (recursive), named by file; one
    skipped parameter saying why when the shared data is not there."""
    if not folder.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=missing_reason(folder)))]
    return [pytest.param(path, id=path.name) for path in sorted(folder.rglob(pattern))]
