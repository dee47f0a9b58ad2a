"""The PPF feed end to end: invoices deposited through the Flow Service, their 200 / 213
messages' copies queued, then sent by the worker's outbox through the `local` adapter (the
default) or the `http` adapter to a real endpoint on a local socket — through an outage, a lost
answer, a worker dying mid-sending, a refusal — and what the flow's screen says of each."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.models import utcnow
from api.core.settings import Settings
from api.core.state import state_of
from api.models.flow import PpfCopyStatus, PpfStatusCopy
from api.models.outbox_message import OutboxMessage, OutboxStatus
from api.outbox import service as outbox
from api.ppf import service as ppf_service
from api.ppf.feed import CopyToSend, Delivered, HttpFeed, LocalFeed, Refused, Unavailable
from api.worker import outbox_handlers
from tests.flows.conftest import EXAMPLES, UC1_CII, Worker, deposit_file
from tests.ppf.conftest import TOKEN, FeedPass, PpfEndpoint, http_settings
from tests.shared_data import SHARED_DATA, needs_shared
from tests.software import SoftwareWorld

pytestmark = needs_shared(EXAMPLES)

INVOICES = [
    UC1_CII,
    EXAMPLES / "UC2" / "UC2_F202500004_00-INV_20250701_CII.xml",
    EXAMPLES / "UC5" / "UC5_F202500007_00-INV_20250702_CII.xml",
    EXAMPLES / "UC5" / "UC5b_F202500011_00-CN_20250703" / "UC5b_F202500011_00-CN_20250703_CII.xml",
    EXAMPLES
    / "UC5"
    / "UC5c_F202500012_00-INV_20250705"
    / "UC5c_F202500012_00-INV_20250705_CII.xml",
]
REJECTED = SHARED_DATA / "einvoices" / "cii" / "CII_example1.xml"


async def _deposit(
    client: httpx.AsyncClient, token: dict[str, str], run_flows_worker: Worker, *paths: Path
) -> list[str]:
    ids = [(await deposit_file(client, token, path)).json()["flowId"] for path in paths]
    await run_flows_worker()
    return ids


async def _copies(session: AsyncSession) -> list[PpfStatusCopy]:
    session.expire_all()
    return list(await session.scalars(select(PpfStatusCopy).order_by(PpfStatusCopy.created_at)))


async def _ppf_of(
    client: httpx.AsyncClient, headers: dict[str, str], flow_id: str
) -> dict[str, Any]:
    detail = await client.get(f"/api/v1/flows/{flow_id}", headers=headers)
    assert detail.status_code == 200, detail.text
    [message] = detail.json()["status_messages"]
    ppf: dict[str, Any] = message["ppf"]
    return ppf


async def test_the_local_feed_is_the_default_and_the_screen_says_the_copy_is_kept_here(
    client: httpx.AsyncClient,
    app: FastAPI,
    world: SoftwareWorld,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    accepted, rejected = await _deposit(client, firm_token, run_flows_worker, UC1_CII, REJECTED)
    settings: Settings = state_of(app).settings
    assert settings.ppf_feed == "local"
    queued = await _ppf_of(client, world.firm_owner, accepted)
    assert (queued["status"], queued["via"], queued["sent_at"]) == ("pending", None, None)

    # The worker's own handler, as `comptoir worker` builds it from the settings (the other
    # kinds queued by the world's set-up, mails and directory calls, are not this test's).
    kind = ppf_service.COPY_KIND
    handlers = {kind: outbox_handlers(settings, sessionmaker)[kind]}
    report = await outbox.deliver_due(
        sessionmaker, handlers, settings, now=utcnow() + timedelta(hours=5)
    )

    assert report.sent == 2
    for flow_id in (accepted, rejected):
        ppf = await _ppf_of(client, world.firm_owner, flow_id)
        assert (ppf["status"], ppf["via"], ppf["error"]) == ("sent", "local", None)
        assert ppf["sent_at"] is not None
    assert sorted(copy.status_code for copy in await _copies(session)) == [200, 213]


async def test_every_copy_reaches_the_endpoint_once_through_an_outage(
    client: httpx.AsyncClient,
    app: FastAPI,
    world: SoftwareWorld,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
    run_ppf_feed: FeedPass,
    ppf_endpoint: PpfEndpoint,
    session: AsyncSession,
) -> None:
    flow_ids = await _deposit(client, firm_token, run_flows_worker, *INVOICES)
    settings = http_settings(state_of(app).settings, ppf_endpoint)
    ppf_endpoint.stop()  # the PPF is down

    down = await run_ppf_feed(HttpFeed(settings), settings)

    assert down.sent == 0
    copies = await _copies(session)
    assert {copy.status for copy in copies} == {PpfCopyStatus.PENDING}
    assert all(copy.last_error and "injoignable" in copy.last_error for copy in copies)
    shown = await _ppf_of(client, world.firm_owner, flow_ids[0])
    assert shown["status"] == "pending"
    assert "injoignable" in shown["error"]
    assert shown["attempts"] == 1

    ppf_endpoint.start()  # back, on the same port; and a new worker process (a new feed)
    back = await run_ppf_feed(HttpFeed(settings), settings)
    again = await run_ppf_feed(HttpFeed(settings), settings)

    assert (back.sent, again.sent) == (5, 0)
    copies = await _copies(session)
    assert {copy.status for copy in copies} == {PpfCopyStatus.SENT}
    assert {copy.transmitted_via for copy in copies} == {"http"}
    assert ppf_endpoint.kept == {str(copy.id): copy.message.encode() for copy in copies}
    assert len(ppf_endpoint.received) == 5  # once each: the outage refused the connection
    assert {request.authorization for request in ppf_endpoint.received} == {f"Bearer {TOKEN}"}
    assert {request.content_type for request in ppf_endpoint.received} == {"application/xml"}
    shown = await _ppf_of(client, world.firm_owner, flow_ids[0])
    assert (shown["status"], shown["via"], shown["response_status"], shown["error"]) == (
        "sent",
        "http",
        202,
        None,
    )
    assert shown["attempts"] == 2
    session.expire_all()
    payloads = await session.scalars(
        select(OutboxMessage.payload).where(OutboxMessage.kind == ppf_service.COPY_KIND)
    )
    assert [sorted(payload) for payload in payloads] == [["copy_id", "status_code"]] * 5


async def test_a_copy_whose_answer_was_lost_is_sent_again_under_the_same_key(
    client: httpx.AsyncClient,
    app: FastAPI,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
    run_ppf_feed: FeedPass,
    ppf_endpoint: PpfEndpoint,
    session: AsyncSession,
) -> None:
    await _deposit(client, firm_token, run_flows_worker, UC1_CII)
    impatient = http_settings(state_of(app).settings, ppf_endpoint, ppf_timeout_seconds=0.3)
    settings = http_settings(state_of(app).settings, ppf_endpoint)
    ppf_endpoint.hang = threading.Event()  # the endpoint takes it, answers too late

    late = await run_ppf_feed(HttpFeed(impatient), impatient)
    ppf_endpoint.hang.set()
    on_time = await run_ppf_feed(HttpFeed(settings), settings)

    assert (late.sent, on_time.sent) == (0, 1)
    [copy] = await _copies(session)
    assert copy.status == PpfCopyStatus.SENT
    assert [request.key for request in ppf_endpoint.received] == [str(copy.id)] * 2
    assert list(ppf_endpoint.kept) == [str(copy.id)]  # the endpoint kept it once


async def test_a_worker_dying_while_sending_leaves_the_copy_to_the_next_one(
    client: httpx.AsyncClient,
    app: FastAPI,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
    run_ppf_feed: FeedPass,
    ppf_endpoint: PpfEndpoint,
    session: AsyncSession,
) -> None:
    await _deposit(client, firm_token, run_flows_worker, UC1_CII)
    settings = http_settings(state_of(app).settings, ppf_endpoint)
    ppf_endpoint.hang = threading.Event()
    dying = asyncio.create_task(run_ppf_feed(HttpFeed(settings), settings))
    assert await asyncio.to_thread(ppf_endpoint.got_request.wait, 10)
    dying.cancel()  # the process stops with the copy on the wire, its outcome never recorded
    with pytest.raises(asyncio.CancelledError):
        await dying
    ppf_endpoint.hang.set()
    [copy] = await _copies(session)
    assert copy.status == PpfCopyStatus.PENDING

    after_its_lease = await run_ppf_feed(HttpFeed(settings), settings)

    assert after_its_lease.sent == 1
    [copy] = await _copies(session)
    assert copy.status == PpfCopyStatus.SENT
    assert [request.key for request in ppf_endpoint.received] == [str(copy.id)] * 2
    assert list(ppf_endpoint.kept) == [str(copy.id)]


async def test_a_refusal_is_kept_with_the_endpoints_answer_shown_and_not_sent_again(
    client: httpx.AsyncClient,
    app: FastAPI,
    world: SoftwareWorld,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
    run_ppf_feed: FeedPass,
    ppf_endpoint: PpfEndpoint,
    session: AsyncSession,
) -> None:
    [flow_id] = await _deposit(client, firm_token, run_flows_worker, UC1_CII)
    settings = http_settings(state_of(app).settings, ppf_endpoint)
    body = '{"errorCode":"CDV_INVALIDE","errorMessage":"MDT-129 inconnu"}'
    ppf_endpoint.answers.append((422, body, {}))

    refused = await run_ppf_feed(HttpFeed(settings), settings)
    later = await run_ppf_feed(HttpFeed(settings), settings)

    assert (refused.sent, later.sent) == (1, 0)  # settled: the outbox does not retry it
    [copy] = await _copies(session)
    assert (copy.status, copy.response_status, copy.sent_at) == (PpfCopyStatus.ERROR, 422, None)
    assert len(ppf_endpoint.received) == 1
    shown = await _ppf_of(client, world.firm_owner, flow_id)
    assert shown["status"] == "error"
    assert shown["response_status"] == 422
    assert shown["error"] == body


async def test_an_endpoint_asking_to_come_back_later_is_retried_after_that(
    app: FastAPI,
    client: httpx.AsyncClient,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
    run_ppf_feed: FeedPass,
    ppf_endpoint: PpfEndpoint,
    session: AsyncSession,
) -> None:
    await _deposit(client, firm_token, run_flows_worker, UC1_CII)
    settings = http_settings(state_of(app).settings, ppf_endpoint)
    ppf_endpoint.answers.append((503, "maintenance", {"Retry-After": "1800"}))
    started = utcnow() + timedelta(days=1)

    busy = await run_ppf_feed(HttpFeed(settings), settings, at=started)

    assert busy.sent == 0
    message = await session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == ppf_service.COPY_KIND)
    )
    assert message is not None
    await session.refresh(message)
    assert message.status == OutboxStatus.PENDING
    assert message.next_attempt_at >= started + timedelta(seconds=1800)
    [copy] = await _copies(session)
    assert (copy.status, copy.response_status) == (PpfCopyStatus.PENDING, 503)
    done = await run_ppf_feed(HttpFeed(settings), settings, at=started + timedelta(hours=1))
    assert done.sent == 1


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (400, Refused),
        (401, Refused),
        (403, Refused),
        (404, Refused),
        (409, Refused),
        (413, Refused),
        (422, Refused),
        (408, Unavailable),
        (425, Unavailable),
        (429, Unavailable),
        (500, Unavailable),
        (502, Unavailable),
        (503, Unavailable),
        (200, Delivered),
        (201, Delivered),
        (202, Delivered),
    ],
)
async def test_each_answer_of_the_endpoint_is_an_outcome(
    settings: Settings, ppf_endpoint: PpfEndpoint, status: int, outcome: type
) -> None:
    ppf_endpoint.answers.append((status, f'{{"status": {status}}}', {}))
    feed = HttpFeed(http_settings(settings, ppf_endpoint))
    try:
        result = await feed.send(CopyToSend(uuid.uuid4(), 200, b"<cdar/>"))
    finally:
        await feed.aclose()
    assert isinstance(result, outcome)
    if isinstance(result, Refused):
        assert result.body == f'{{"status": {status}}}'


async def test_the_http_feed_needs_its_url_and_the_local_feed_needs_nothing(
    settings: Settings,
) -> None:
    with pytest.raises(ValueError, match="COMPTOIR_PPF_URL"):
        HttpFeed(settings.model_copy(update={"ppf_feed": "http", "ppf_url": ""}))
    assert isinstance(await LocalFeed("0000").send(CopyToSend(uuid.uuid4(), 200, b"")), Delivered)


async def test_a_copy_queued_before_the_payload_carried_it_is_read_and_sent_once(
    client: httpx.AsyncClient,
    app: FastAPI,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
    run_ppf_feed: FeedPass,
    ppf_endpoint: PpfEndpoint,
    session: AsyncSession,
) -> None:
    """The migration queued the copies of issue 17 with their id only."""
    await _deposit(client, firm_token, run_flows_worker, UC1_CII)
    [copy] = await _copies(session)
    message = await session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == ppf_service.COPY_KIND)
    )
    assert message is not None
    message.payload = {"copy_id": str(copy.id)}
    await session.flush()
    settings = http_settings(state_of(app).settings, ppf_endpoint)

    first = await run_ppf_feed(HttpFeed(settings), settings)
    await outbox.enqueue(session, ppf_service.COPY_KIND, {"copy_id": str(copy.id)})
    await session.flush()
    replayed = await run_ppf_feed(HttpFeed(settings), settings)

    assert (first.sent, replayed.sent) == (1, 1)  # the replay settles without sending
    assert [request.body for request in ppf_endpoint.received] == [copy.message.encode()]
    [copy] = await _copies(session)
    assert copy.status == PpfCopyStatus.SENT


async def test_copies_refused_for_a_wrong_token_are_resent_once_it_is_fixed(
    client: httpx.AsyncClient,
    app: FastAPI,
    firm_token: dict[str, str],
    run_flows_worker: Worker,
    run_ppf_feed: FeedPass,
    ppf_endpoint: PpfEndpoint,
    session: AsyncSession,
) -> None:
    await _deposit(client, firm_token, run_flows_worker, UC1_CII, REJECTED)
    fixed = http_settings(state_of(app).settings, ppf_endpoint)
    wrong = fixed.model_copy(update={"ppf_token": SecretStr("ancien-jeton")})
    await run_ppf_feed(HttpFeed(wrong), wrong)
    refused = await ppf_service.refused_copies(session, limit=10)
    assert {copy.response_status for copy in refused} == {401}
    assert ppf_endpoint.kept == {}

    requeued = await ppf_service.resend(session, None)
    again = await ppf_service.resend(session, None)  # nothing refused any more
    await session.flush()
    await run_ppf_feed(HttpFeed(fixed), fixed)

    assert sorted(map(str, requeued)) == sorted(str(copy.id) for copy in refused)
    assert again == []
    copies = await _copies(session)
    assert {copy.status for copy in copies} == {PpfCopyStatus.SENT}
    assert set(ppf_endpoint.kept) == {str(copy.id) for copy in copies}
    assert len(ppf_endpoint.received) == 4  # two refused, two accepted
