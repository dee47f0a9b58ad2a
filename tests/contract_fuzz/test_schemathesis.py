"""The contract fuzzed against a live `comptoir run` (schemathesis): every operation of
openapi/openapi.json with generated valid and invalid inputs, then stateful sequences that
feed one operation's answers into the next. The bar: no server error (5xx) and no status
the contract does not document. A firm's owner is logged in (bearer) so the fuzzer gets past
authentication and reaches the rules.

Runtime is kept modest (a handful of examples per operation); run a longer campaign with
`COMPTOIR_FUZZ_EXAMPLES=200 pytest tests/contract_fuzz`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from api.cli import OPENAPI_PATH
from api.core.settings import process_environment
from tests.conftest import SuiteEnvironment
from tests.helpers import Browser
from tests.live import committed_database, comptoir, free_port, running_server

pytestmark = pytest.mark.slow

EXAMPLES = int(process_environment().get("COMPTOIR_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance]

# An Excel or PDF upload is bytes like any file (schemathesis ships no serializer for them).
for _media_type in (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/pdf",
):
    schemathesis.serializer.alias(_media_type, "application/octet-stream")

# What would end the fuzzer's own session (it would then only see 401s) or needs a browser
# redirect dance (the SSO); everything else is fuzzed.
schema = (
    schemathesis.openapi.from_path(OPENAPI_PATH)
    .exclude(path="/api/v1/auth/logout")
    .exclude(path_regex=r"^/api/v1/me/sessions/")
    .exclude(path_regex=r"^/api/v1/registration/sso/")
)


# Headers that frame the HTTP message itself: a generated `Content-Length: qB1#g` makes the
# request invalid HTTP, refused by the server's protocol layer (uvicorn: 400 « Invalid HTTP
# request received. ») before any route runs. That is HTTP's contract, not the API's.
FRAMING_HEADERS = {"content-length", "transfer-encoding", "host", "connection", "expect", "upgrade"}


def _without_framing_headers(case: Any) -> None:
    for name in [name for name in case.headers or () if name.lower() in FRAMING_HEADERS]:
        del case.headers[name]


@dataclass(frozen=True)
class Target:
    url: str
    headers: dict[str, str]


@pytest.fixture(scope="module")
def target(
    tmp_path_factory: pytest.TempPathFactory, test_environment: SuiteEnvironment
) -> Iterator[Target]:
    folder = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    for database_url in committed_database(test_environment.database_url, folder):
        env = process_environment() | {
            "COMPTOIR_DATABASE_URL": database_url,
            "COMPTOIR_DATA_DIR": str(folder / "data"),
            "COMPTOIR_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "COMPTOIR_LOG_LEVEL": "WARNING",
            # The fuzzer is one client sending hundreds of requests a minute.
            "COMPTOIR_RATE_LIMIT_CHALLENGES_PER_IP_PER_MINUTE": "100000",
            "COMPTOIR_RATE_LIMIT_DEVICE_SESSIONS_PER_IP_PER_MINUTE": "100000",
            "COMPTOIR_RATE_LIMIT_SSO_STARTS_PER_IP_PER_MINUTE": "100000",
        }
        comptoir(env, "migrate")
        created = comptoir(
            env,
            "firm", "create", "--name", "Cabinet Fuzz", "--siren", "732829320",
            "--owner-email", "claire@cabinet-martin.fr",
            "--owner-first-name", "Claire", "--owner-last-name", "Martin",
        )  # fmt: skip
        link = re.search(r"(http\S+/enroll#\S+)", created)
        assert link is not None, created
        key_file = folder / "device.json"
        with running_server(env, port) as base:
            comptoir(env, "device", "enroll", link.group(1), "--key-file", str(key_file))
            yield Target(base, _owner_logs_in(env, base, key_file))


def _owner_logs_in(env: dict[str, str], base: str, key_file: Path) -> dict[str, str]:
    async def log_in() -> dict[str, str]:
        async with httpx.AsyncClient(base_url=base) as http:
            browser = Browser()
            assert (await browser.show_qr(http)).status_code == 201
            approval = await asyncio.to_thread(
                comptoir, env, "device", "approve", browser.challenge["qr_url"],
                "--key-file", str(key_file),
            )  # fmt: skip
            assert "Connexion approuvée" in approval
            redeemed = await browser.redeem(http, mode="bearer")
            assert redeemed.status_code == 200, redeemed.text
            return {"Authorization": f"Bearer {redeemed.json()['access_token']}"}

    return asyncio.run(log_in())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error_or_an_undocumented_status(
    case: Any, target: Target
) -> None:
    _without_framing_headers(case)
    case.call_and_validate(base_url=target.url, headers=target.headers, checks=CHECKS)


class _Sequences(schema.as_state_machine()):  # type: ignore[misc]
    target: Target

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        _without_framing_headers(case)
        return {"base_url": self.target.url, "headers": self.target.headers}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(response, checks=CHECKS)


def test_stateful_sequences_answer_no_server_error_or_undocumented_status(
    target: Target,
) -> None:
    _Sequences.target = target
    _Sequences.run(
        settings=settings(
            max_examples=EXAMPLES * 3,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
