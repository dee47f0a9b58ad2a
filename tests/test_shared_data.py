"""Without `../shared/data` (another layout, a partial checkout), the suite still collects: the
tests that read it skip and say which folder is missing, none fails at import."""

import subprocess
import sys

import pytest

from api.core.settings import PROJECT_ROOT, process_environment

pytestmark = pytest.mark.slow


def test_the_suite_collects_without_the_shared_data(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    nowhere = tmp_path_factory.mktemp("no-shared") / "missing"
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=PROJECT_ROOT,
        env=process_environment() | {"COMPTOIR_TEST_SHARED_DIR": str(nowhere)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    assert "error" not in collected.stdout.splitlines()[-1]
    assert f"shared test data missing: {nowhere}" in collected.stdout
