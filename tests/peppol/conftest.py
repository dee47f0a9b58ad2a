"""Peppol fixtures: the test PKI (tests/peppol/pki.py), built once per run."""

from __future__ import annotations

import pytest

from tests.peppol.pki import Pki, peppol_pki


@pytest.fixture(scope="session")
def pki() -> Pki:
    return peppol_pki()
