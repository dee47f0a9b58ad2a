"""The integrator's path, end to end: the Python client generated from openapi/openapi.json
(scripts/generate-python-client, which fails on any generator warning) runs the script shown in
docs/integrations.md (examples/list_clients_and_upload.py) with an API key against a live
`comptoir run`, whose firm was created and whose owner logged in as a person would."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fpdf import FPDF

from api.core.settings import PROJECT_ROOT, process_environment
from api.webhooks import signing
from tests.companies.conftest import ESTABLISHMENTS_FILE, UNITS_FILE
from tests.conftest import SuiteEnvironment
from tests.helpers import Browser
from tests.live import committed_database, comptoir, free_port, running_server

# Runs the `comptoir` CLI in processes of its own.
pytestmark = pytest.mark.slow

DOC = PROJECT_ROOT / "docs" / "integrations.md"
EXAMPLE = PROJECT_ROOT / "examples" / "list_clients_and_upload.py"
GENERATOR = PROJECT_ROOT / "scripts" / "generate-python-client"
CLIENT_PYTHON = PROJECT_ROOT / "build" / "python-client" / ".venv" / "bin" / "python"
# Companies of the shared SIRENE sample, added as clients of the firm.
CLIENT_SIRENS = ["610869075", "624000170", "414617811"]
DOCUMENTS_UPLOAD_IN_CONTRACT = "post" in json.loads(
    (PROJECT_ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8")
)["paths"].get("/api/v1/documents", {})


@dataclass(frozen=True)
class LiveServer:
    url: str
    api_key: str


@pytest.fixture(scope="module")
def client_python() -> Path:
    """The generated client, installed in its own virtualenv (the one the example runs in)."""
    done = subprocess.run(
        [str(GENERATOR)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return CLIENT_PYTHON


@pytest.fixture(scope="module")
def database_for_server(
    tmp_path_factory: pytest.TempPathFactory, test_environment: SuiteEnvironment
) -> Iterator[str]:
    yield from committed_database(test_environment.database_url, tmp_path_factory.mktemp("live"))


def _owner_logs_in(env: dict[str, str], base: str, key_file: Path) -> dict[str, str]:
    """A QR login approved by the device companion CLI, redeemed in bearer mode."""

    async def log_in() -> dict[str, str]:
        async with httpx.AsyncClient(base_url=base) as http:
            browser = Browser()
            assert (await browser.show_qr(http)).status_code == 201
            approval = await asyncio.to_thread(
                comptoir,
                env,
                "device",
                "approve",
                browser.challenge["qr_url"],
                "--key-file",
                str(key_file),
            )
            assert "Connexion approuvée" in approval
            redeemed = await browser.redeem(http, mode="bearer")
            assert redeemed.status_code == 200, redeemed.text
            return {"Authorization": f"Bearer {redeemed.json()['access_token']}"}

    return asyncio.run(log_in())


@pytest.fixture(scope="module")
def live_server(
    database_for_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """`comptoir run` with a firm, three clients and an API key minted by its owner."""
    folder = tmp_path_factory.mktemp("live-server")
    port = free_port()
    env = process_environment() | {
        "COMPTOIR_DATABASE_URL": database_for_server,
        "COMPTOIR_DATA_DIR": str(folder / "data"),
        "COMPTOIR_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "COMPTOIR_LOG_LEVEL": "WARNING",
    }
    comptoir(env, "migrate")
    comptoir(env, "sirene", "import", str(UNITS_FILE), str(ESTABLISHMENTS_FILE))
    created = comptoir(
        env,
        "firm", "create", "--name", "Cabinet Intégrations", "--siren", "901234567",
        "--owner-email", "claire@cabinet-martin.fr",
        "--owner-first-name", "Claire", "--owner-last-name", "Martin",
    )  # fmt: skip
    link = re.search(r"(http\S+/enroll#\S+)", created)
    assert link is not None, created
    key_file = folder / "device.json"

    with running_server(env, port) as base:
        comptoir(env, "device", "enroll", link.group(1), "--key-file", str(key_file))
        owner = _owner_logs_in(env, base, key_file)
        client_ids = []
        for siren in CLIENT_SIRENS:
            added = httpx.post(
                f"{base}/api/v1/clients", headers=owner, json={"identifier": siren}, timeout=30
            )
            assert added.status_code == 201, added.text
            client_ids.append(added.json()["id"])
        # The owner's `clients:read` key reaches every client of the firm, unassigned ones too.
        minted = httpx.post(
            f"{base}/api/v1/api-keys",
            headers=owner,
            json={"name": "Script d'exemple", "scopes": ["clients:read", "documents:write"]},
        )
        assert minted.status_code == 201, minted.text
        yield LiveServer(base, minted.json()["secret"])


def _run_example(client_python: Path, server: LiveServer, *args: str) -> list[str]:
    done = subprocess.run(
        [str(client_python), str(EXAMPLE), *args],
        env=process_environment()
        | {
            "COMPTOIR_URL": server.url,
            "COMPTOIR_API_KEY": server.api_key,
            # Two per page, so that three clients take the cursor through two pages.
            "COMPTOIR_PAGE_SIZE": "2",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout.splitlines()


def test_documented_script_lists_every_client_across_pages(
    client_python: Path, live_server: LiveServer
) -> None:
    lines = _run_example(client_python, live_server)

    assert sorted(line.split()[0] for line in lines[:-1]) == sorted(CLIENT_SIRENS)
    assert all(line.endswith("(invited)") for line in lines[:-1]), lines
    assert lines[-1] == "3 client(s)"


def test_documented_script_uploads_a_document_once(
    client_python: Path, live_server: LiveServer, tmp_path: Path
) -> None:
    if not DOCUMENTS_UPLOAD_IN_CONTRACT:
        pytest.skip(
            "POST /api/v1/documents is not in openapi/openapi.json yet (issue 8): "
            "the upload half of examples/list_clients_and_upload.py waits for it"
        )
    invoice = FPDF()
    invoice.add_page()
    invoice.set_font("helvetica", size=12)
    invoice.cell(text="Facture F-2026-0001")
    pdf = tmp_path / "facture.pdf"
    invoice.output(str(pdf))

    first = _run_example(client_python, live_server, str(pdf))
    again = _run_example(client_python, live_server, str(pdf))

    assert first[-1].startswith("Document envoyé : ")
    # The same file again carries the same Idempotency-Key: one document, the same id.
    assert again[-1] == first[-1]


def _doc_block(marker: str) -> str:
    """The fenced code block right after the `<!-- marker: … -->` comment of the doc."""
    found = re.search(
        rf"<!-- {marker}:[^\n]*-->\n```\w*\n(.*?)^```$",
        DOC.read_text(encoding="utf-8"),
        re.S | re.M,
    )
    assert found is not None, f"no `{marker}` block in {DOC}"
    return found.group(1)


def test_the_doc_shows_the_script_that_ci_runs() -> None:
    assert _doc_block("example") == EXAMPLE.read_text(encoding="utf-8")


def test_the_doc_verification_code_accepts_comptoir_signatures_only() -> None:
    namespace: dict[str, Any] = {}
    exec(_doc_block("webhook-verification"), namespace)  # noqa: S102 - our own doc
    verify_webhook = namespace["verify_webhook"]
    old, new = signing.new_secret(), signing.new_secret()
    body = b'{"type":"client.created","timestamp":"2026-11-27T10:30:00+00:00","data":{}}'
    now = int(time.time())
    # During a rotation a delivery carries one signature per secret in use.
    headers = signing.headers([new, old], "evt_1", now, body)

    assert verify_webhook(new, headers, body)
    assert verify_webhook(old, headers, body)
    assert not verify_webhook(signing.new_secret(), headers, body)
    assert not verify_webhook(new, headers, body + b" ")
    stale = signing.headers([new], "evt_1", now - 3600, body)
    assert not verify_webhook(new, stale, body)
