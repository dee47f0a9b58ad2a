"""`comptoir ppf refused` and `comptoir ppf resend`, run as real commands on a database file."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.live import comptoir_on_files

# Runs the `comptoir` CLI in processes of its own.
pytestmark = pytest.mark.slow


def test_an_operator_sees_no_refused_copy_and_resending_an_unknown_one_says_so(
    tmp_path: Path,
) -> None:
    assert comptoir_on_files(tmp_path, "migrate").returncode == 0
    listed = comptoir_on_files(tmp_path, "ppf", "refused")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "Aucune copie refusée par le PPF."
    unknown = str(uuid.uuid4())
    resent = comptoir_on_files(tmp_path, "ppf", "resend", unknown)
    assert resent.returncode == 1
    assert resent.stdout.startswith("0 copie(s) remise(s)")
    assert unknown in resent.stdout
