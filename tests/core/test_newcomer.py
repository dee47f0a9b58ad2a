"""What a newcomer meets first: `comptoir run --port N` links to port N without more set-up,
and a bad setting is named with its rule instead of a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from api.core.crypto import private_key_public_jwk
from api.core.settings import PROJECT_ROOT, Settings, process_environment
from api.ppf.feed import LocalFeed, build_feed
from tests.helpers import Browser
from tests.live import free_port, running_server


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in process_environment().items()
        if key not in ("COMPTOIR_PUBLIC_URL", "COMPTOIR_PORT", "COMPTOIR_HOST")
    }
    return (
        environment
        | {
            "COMPTOIR_DATA_DIR": str(tmp_path),
            "COMPTOIR_DATABASE_URL": "",
            "COMPTOIR_LOG_LEVEL": "WARNING",
            "COMPTOIR_SPA_DIST": str(tmp_path / "no-spa"),
        }
        | extra
    )


def _comptoir(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=environment,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_public_url_follows_host_and_port_unless_it_is_set() -> None:
    assert Settings(port=8131).public_url == "http://127.0.0.1:8131"
    assert Settings(host="0.0.0.0", port=8131).public_url == "http://127.0.0.1:8131"  # noqa: S104
    assert Settings(port=8131, public_url="https://compta.example.fr").public_url == (
        "https://compta.example.fr"
    )


@pytest.mark.slow
def test_run_on_another_port_puts_that_port_in_the_qr_and_the_demo_links(
    tmp_path: Path,
) -> None:
    port = free_port()
    environment = _environment(tmp_path)
    demo = _comptoir(environment | {"COMPTOIR_PORT": str(port)}, "demo")
    assert demo.returncode == 0, demo.stderr
    assert f"http://127.0.0.1:{port}/enroll#" in demo.stdout
    # `comptoir run --port N`, nothing else set.
    with running_server(environment, port) as base, httpx.Client(base_url=base) as client:
        created = client.post(
            "/api/v1/auth/login-challenges",
            json={"browser_key": private_key_public_jwk(Browser().private_key)},
        )
    assert created.status_code == 201, created.text
    assert created.json()["qr_url"].startswith(f"http://127.0.0.1:{port}/qr/v1/")


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("COMPTOIR_LOGIN_CHALLENGE_TTL_SECONDS", "10", "la valeur doit être ≥ 30"),
        ("COMPTOIR_OUTBOX_BATCH_SIZE", "beaucoup", "un nombre entier est attendu"),
        ("COMPTOIR_ENVIRONMENT", "prod", "valeurs possibles"),
    ],
)
def test_a_bad_setting_is_named_with_its_rule_not_a_traceback(
    tmp_path: Path, variable: str, value: str, said: str
) -> None:
    done = _comptoir(_environment(tmp_path, **{variable: value}), "demo")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{variable} : {said}" in done.stderr
    assert repr(value) in done.stderr


@pytest.mark.parametrize(
    ("extra", "missing"),
    [
        ({"COMPTOIR_PPF_URL": "https://ppf.example/copies"}, ["PLATFORM_REGISTRATION_NUMBER"]),
        ({"COMPTOIR_PLATFORM_REGISTRATION_NUMBER": "0142"}, ["PPF_URL"]),
        ({}, ["PPF_URL", "PLATFORM_REGISTRATION_NUMBER"]),
    ],
)
def test_the_http_ppf_feed_refuses_to_start_without_its_endpoint_and_this_platforms_matricule(
    tmp_path: Path, extra: dict[str, str], missing: list[str]
) -> None:
    environment = _environment(tmp_path, COMPTOIR_PPF_FEED="http", **extra)
    for name in ("PPF_URL", "PLATFORM_REGISTRATION_NUMBER"):
        if f"COMPTOIR_{name}" not in extra:
            environment.pop(f"COMPTOIR_{name}", None)
    done = _comptoir(environment, "demo")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "Configuration invalide" in done.stderr
    assert (
        "COMPTOIR_PPF_FEED=http demande " + " et ".join(f"COMPTOIR_{name}" for name in missing)
        in done.stderr
    )


def test_the_local_ppf_feed_says_which_platform_id_its_copies_carry() -> None:
    unnamed = build_feed(Settings(ppf_feed="local", platform_registration_number=""))
    assert isinstance(unnamed, LocalFeed)
    assert unnamed.platform_id == Settings().directory_platform_id
    named = build_feed(Settings(platform_registration_number="0142", directory_platform_id="7777"))
    assert isinstance(named, LocalFeed)
    assert named.platform_id == "0142"
