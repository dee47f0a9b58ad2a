"""The worker's side of activation, against both real directories: the embedded one and the
HTTP adapter talking to a Directory Service peer on loopback. Each case ends in its documented
status (docs/einvoicing.md), retries stop at the configured limit, and a client is never
registered twice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory import (
    AfnorDirectory,
    Directory,
    DirectoryAddress,
    LocalDirectory,
    Registered,
    RegisterLine,
)
from api.core.models import utcnow
from api.core.settings import Settings
from api.einvoicing.service import DIRECTORY_KIND
from api.models.audit_event import AuditEvent
from api.models.outbox_message import OutboxMessage, OutboxStatus
from tests.adapters.test_directory import (
    OTHER_PLATFORM,
    OTHER_TOKEN,
    OUR_PLATFORM,
    OUR_TOKEN,
    afnor_settings,
)
from tests.clients.conftest import Firm
from tests.einvoicing.conftest import ACTIVE_SIRENS, Worker, add_client, certified
from tests.peers.directory_server import DirectoryServer, Fault, directory_server

pytestmark = pytest.mark.usefixtures("sirene")
SIREN = ACTIVE_SIRENS[0]


@dataclass
class Platforms:
    ours: Directory
    other: Directory


@pytest.fixture
def peer() -> Iterator[DirectoryServer]:
    with directory_server({OUR_TOKEN: OUR_PLATFORM, OTHER_TOKEN: OTHER_PLATFORM}) as peer:
        yield peer


@pytest.fixture(params=["local", "afnor"])
async def platforms(
    request: pytest.FixtureRequest,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Platforms]:
    if request.param == "local":
        yield Platforms(
            LocalDirectory(sessionmaker, OUR_PLATFORM), LocalDirectory(sessionmaker, OTHER_PLATFORM)
        )
        return
    peer: DirectoryServer = request.getfixturevalue("peer")
    ours = AfnorDirectory(afnor_settings(settings, peer.url))
    other = AfnorDirectory(
        afnor_settings(settings, peer.url, token=OTHER_TOKEN, directory_platform_id=OTHER_PLATFORM)
    )
    yield Platforms(ours, other)
    await ours.aclose()
    await other.aclose()


async def _activate(client: httpx.AsyncClient, firm: Firm) -> str:
    client_id = await add_client(client, firm, SIREN)
    response = await client.post(
        f"/api/v1/clients/{client_id}/einvoicing/activation",
        json=certified(),
        headers=firm.owner.headers,
    )
    assert response.status_code == 202, response.text
    return client_id


async def _designation(client: httpx.AsyncClient, firm: Firm, client_id: str) -> dict[str, object]:
    response = await client.get(
        f"/api/v1/clients/{client_id}/einvoicing", headers=firm.owner.headers
    )
    body = response.json()
    designation: dict[str, object] = body["designation"] | {"pa_status": body["pa_status"]}
    return designation


def _line(key: str, start: date) -> RegisterLine:
    return RegisterLine(address=DirectoryAddress(siren=SIREN), date_from=start, idempotency_key=key)


async def test_a_line_held_by_another_platform_is_a_conflict_shown_to_the_user(
    client: httpx.AsyncClient, firm: Firm, platforms: Platforms, run_worker: Worker,
    session: AsyncSession,
) -> None:  # fmt: skip
    assert isinstance(await platforms.other.attempt(_line("other", date(2026, 9, 1))), Registered)
    client_id = await _activate(client, firm)
    await run_worker(platforms.ours)
    designation = await _designation(client, firm, client_id)
    assert designation["pa_status"] == "error"
    assert designation["error_code"] == "conflict"
    assert designation["conflict_platform_id"] == OTHER_PLATFORM
    assert "autre plateforme" in str(designation["error_detail"])
    failed = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "einvoicing.failed")
    )
    assert failed is not None
    assert failed.data["error_code"] == "conflict"


async def test_an_overlap_with_our_own_later_line_is_refused(
    client: httpx.AsyncClient, firm: Firm, platforms: Platforms, run_worker: Worker
) -> None:
    later = date.today() + timedelta(days=30)
    assert isinstance(await platforms.ours.attempt(_line("earlier-intent", later)), Registered)
    client_id = await _activate(client, firm)
    await run_worker(platforms.ours)
    designation = await _designation(client, firm, client_id)
    assert (designation["pa_status"], designation["error_code"]) == ("error", "overlap_refused")


async def test_a_registration_is_settled_once_and_replayed_passes_change_nothing(
    client: httpx.AsyncClient, firm: Firm, platforms: Platforms, run_worker: Worker
) -> None:
    client_id = await _activate(client, firm)
    await run_worker(platforms.ours)
    await run_worker(platforms.ours)  # replays change nothing
    designation = await _designation(client, firm, client_id)
    assert designation["pa_status"] == "registered"
    assert designation["attempts"] == 1


async def test_5xx_then_success_registers_once(
    client: httpx.AsyncClient,
    firm: Firm,
    peer: DirectoryServer,
    settings: Settings,
    run_worker: Worker,
) -> None:
    directory = AfnorDirectory(afnor_settings(settings, peer.url))
    peer.fail_next(Fault(status=503), Fault(status=502))
    client_id = await _activate(client, firm)

    await run_worker(directory)
    pending = await _designation(client, firm, client_id)
    assert (pending["pa_status"], pending["attempts"]) == ("pending", 1)
    assert "503" in str(pending["error_detail"])
    await run_worker(directory, passes=2)

    designation = await _designation(client, firm, client_id)
    assert (designation["pa_status"], designation["attempts"]) == ("registered", 3)
    assert peer.posts() == 3
    assert len(peer.lines_of(SIREN)) == 1
    await directory.aclose()


async def test_the_directory_retry_after_is_waited_for(
    client: httpx.AsyncClient,
    firm: Firm,
    peer: DirectoryServer,
    settings: Settings,
    session: AsyncSession,
    run_worker: Worker,
) -> None:
    directory = AfnorDirectory(afnor_settings(settings, peer.url))
    peer.fail_next(Fault(status=429, headers={"Retry-After": "1800"}))
    client_id = await _activate(client, firm)

    await run_worker(directory)  # the pass runs 3 hours from now

    message = await session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.kind == DIRECTORY_KIND)
        .execution_options(populate_existing=True)
    )
    assert message is not None
    # The usual backoff after a first failure is at most 30 s; the directory asked for 30 min.
    assert message.next_attempt_at > utcnow() + timedelta(hours=3, minutes=25)
    await run_worker(directory)
    assert (await _designation(client, firm, client_id))["pa_status"] == "registered"
    assert len(peer.lines_of(SIREN)) == 1
    await directory.aclose()


async def test_a_reply_lost_to_a_timeout_is_retried_without_a_second_line(
    client: httpx.AsyncClient,
    firm: Firm,
    peer: DirectoryServer,
    settings: Settings,
    run_worker: Worker,
) -> None:
    directory = AfnorDirectory(afnor_settings(settings, peer.url, directory_timeout_seconds=0.3))
    peer.fail_next(Fault(delay_seconds=1.0))  # the peer acts, its answer comes too late
    client_id = await _activate(client, firm)

    await run_worker(directory)
    assert (await _designation(client, firm, client_id))["pa_status"] == "pending"
    assert len(peer.lines_of(SIREN)) == 1
    await run_worker(directory)

    designation = await _designation(client, firm, client_id)
    assert designation["pa_status"] == "registered"
    assert peer.posts() == 2
    [line] = peer.lines_of(SIREN)
    assert designation["directory_line_id"] == str(line.id_instance)
    await directory.aclose()


async def test_retries_stop_at_the_configured_limit_in_error(
    client: httpx.AsyncClient,
    firm: Firm,
    peer: DirectoryServer,
    settings: Settings,
    session: AsyncSession,
    run_worker: Worker,
) -> None:
    limited = settings.model_copy(update={"outbox_max_attempts": 3})
    directory = AfnorDirectory(afnor_settings(limited, peer.url))
    peer.fail_next(*[Fault(status=503)] * 5)
    client_id = await _activate(client, firm)

    await run_worker(directory, passes=5, worker_settings=limited)

    designation = await _designation(client, firm, client_id)
    assert designation["pa_status"] == "error"
    assert designation["error_code"] == "directory_unavailable"
    assert designation["attempts"] == 3
    assert peer.posts() == 3
    assert peer.lines_of(SIREN) == []
    message = await session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "einvoicing.directory")
    )
    assert message is not None
    assert message.status == OutboxStatus.SENT  # settled: nothing left to retry
    await directory.aclose()
