"""One validation engine for the whole session: each rule file costs ~0.5 s to compile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.validation import Engine, shared_engine
from tests.shared_data import SHARED_DATA

AFNOR = SHARED_DATA / "afnor"
EXAMPLES = AFNOR / "examples"
EINVOICES = SHARED_DATA / "einvoices"


@pytest.fixture(scope="session")
def validation_engine() -> Engine:
    return shared_engine()


def missing_reason(folder: Path) -> str:
    return f"shared test data missing: {folder} (../shared/data, or set COMPTOIR_TEST_SHARED_DIR)"


def shared_files(folder: Path, pattern: str) -> list[Any]:
    """`pytest.param`s of the shared files matching `pattern` (recursive), named by file; one
    skipped parameter saying why when the shared data is not there."""
    if not folder.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=missing_reason(folder)))]
    return [pytest.param(path, id=path.name) for path in sorted(folder.rglob(pattern))]


def require_shared(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(missing_reason(folder))
