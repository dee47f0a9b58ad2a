"""One validation engine for the whole session: each rule file costs ~0.5 s to compile."""

from __future__ import annotations

import pytest

from api.validation import Engine, shared_engine
from tests.shared_data import SHARED_DATA, missing_reason, require_shared, shared_files

__all__ = ["missing_reason", "require_shared", "shared_files"]

AFNOR = SHARED_DATA / "afnor"
EXAMPLES = AFNOR / "examples"
EINVOICES = SHARED_DATA / "einvoices"


@pytest.fixture(scope="session")
def validation_engine() -> Engine:
    return shared_engine()
