"""Webhooks: SSRF-checked receivers, Standard Webhooks signatures, every attempt logged."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.settings import Settings
from api.core.state import state_of
from api.models.webhook import DeliveryStatus, WebhookDelivery
from api.webhooks import service, signing
from tests.helpers import bearer_login, create_firm, enrolled_phone
from tests.peers.webhook_receiver import Receiver, webhook_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def loopback_settings(app: FastAPI, settings: Settings) -> Settings:
    """Only tests may target loopback receivers."""
    allowed = settings.model_copy(
        update={"webhook_allow_private_targets": True, "webhook_timeout_seconds": 10.0}
    )
    state_of(app).settings = allowed
    return allowed


@pytest.fixture
async def owner(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> dict[str, str]:
    firm = await create_firm(session, settings)
    tokens = await bearer_login(client, await enrolled_phone(client, firm.enrollment.url))
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "ftp://example.org/hook",
        "https://user:pass@example.org/hook",
    ],
)
async def test_private_loopback_and_link_local_targets_are_refused(
    client: httpx.AsyncClient, owner: dict[str, str], url: str
) -> None:
    response = await client.post(
        "/api/v1/webhooks", headers=owner, json={"url": url, "event_types": ["client.created"]}
    )
    assert response.status_code == 422
    assert response.json()["code"] in {"webhook-url-refused", "validation-error"}


async def _endpoint_and_delivery(
    client: httpx.AsyncClient, session: AsyncSession, owner: dict[str, str], url: str
) -> tuple[dict[str, str], WebhookDelivery]:
    created = await client.post(
        "/api/v1/webhooks",
        headers=owner,
        json={"url": url, "event_types": ["client.created"], "description": "ERP"},
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()
    delivery = WebhookDelivery(
        endpoint_id=uuid.UUID(endpoint["id"]),
        event_id=f"evt_{uuid.uuid4().hex}",
        event_type="client.created",
        payload={"client_id": "c1", "name": "Boulangerie Durand"},
    )
    session.add(delivery)
    await session.commit()
    return endpoint, delivery


async def test_a_delivery_is_signed_and_verifiable_by_the_receiver(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    loopback_settings: Settings,
    owner: dict[str, str],
    receiver: Receiver,
    http: httpx.AsyncClient,
) -> None:
    endpoint, delivery = await _endpoint_and_delivery(client, session, owner, receiver.url)
    assert endpoint["secret"].startswith("whsec_")
    done = await service.attempt(sessionmaker, loopback_settings, delivery.id, http)
    assert done is not None
    assert done.status == DeliveryStatus.SUCCEEDED
    [received] = receiver.received
    headers = received.headers
    assert headers["webhook-id"] == delivery.event_id
    assert signing.verify(
        endpoint["secret"],
        headers["webhook-id"],
        int(headers["webhook-timestamp"]),
        received.body,
        headers["webhook-signature"],
    )
    assert not signing.verify(
        signing.new_secret(),
        headers["webhook-id"],
        int(headers["webhook-timestamp"]),
        received.body,
        headers["webhook-signature"],
    )
    assert json.loads(received.body)["data"]["name"] == "Boulangerie Durand"


async def test_failing_receiver_is_retried_and_every_attempt_is_logged(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    loopback_settings: Settings,
    owner: dict[str, str],
    receiver: Receiver,
    http: httpx.AsyncClient,
) -> None:
    endpoint, delivery = await _endpoint_and_delivery(client, session, owner, receiver.url)
    receiver.script = [500, 503]
    for _ in range(2):
        with pytest.raises(service.ReceiverFailed):
            await service.attempt(sessionmaker, loopback_settings, delivery.id, http)
    done = await service.attempt(sessionmaker, loopback_settings, delivery.id, http)
    assert done is not None
    assert done.status == DeliveryStatus.SUCCEEDED
    # Same event id on every attempt: the receiver can deduplicate.
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.event_id}

    log = await client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=owner)
    [entry] = log.json()["items"]
    assert log.json()["next_cursor"] is None
    assert entry["status"] == "succeeded"
    assert entry["attempts"] == 3
    assert [attempt["status_code"] for attempt in entry["log"]] == [500, 503, 200]


async def test_a_receiver_that_never_answers_times_out(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    loopback_settings: Settings,
    owner: dict[str, str],
    receiver: Receiver,
    http: httpx.AsyncClient,
) -> None:
    _endpoint, delivery = await _endpoint_and_delivery(client, session, owner, receiver.url)
    receiver.hang_seconds = 3
    impatient = loopback_settings.model_copy(update={"webhook_timeout_seconds": 0.5})
    with pytest.raises(service.ReceiverFailed, match="Timeout"):
        await service.attempt(sessionmaker, impatient, delivery.id, http)
    final = await service.attempt(sessionmaker, impatient, delivery.id, http, final=True)
    assert final is not None
    assert final.status == DeliveryStatus.FAILED


async def test_rotation_signs_with_both_secrets_during_the_grace_period(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    loopback_settings: Settings,
    owner: dict[str, str],
    receiver: Receiver,
    http: httpx.AsyncClient,
) -> None:
    endpoint, delivery = await _endpoint_and_delivery(client, session, owner, receiver.url)
    rotated = await client.post(f"/api/v1/webhooks/{endpoint['id']}/rotate-secret", headers=owner)
    new_secret = rotated.json()["secret"]
    assert new_secret != endpoint["secret"]
    await service.attempt(sessionmaker, loopback_settings, delivery.id, http)
    [received] = receiver.received
    header = received.headers["webhook-signature"]
    assert len(header.split(" ")) == 2
    for secret in (endpoint["secret"], new_secret):
        assert signing.verify(
            secret,
            received.headers["webhook-id"],
            int(received.headers["webhook-timestamp"]),
            received.body,
            header,
        )


async def test_webhooks_of_another_firm_are_not_found(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    loopback_settings: Settings,
    owner: dict[str, str],
    receiver: Receiver,
) -> None:
    endpoint, _ = await _endpoint_and_delivery(client, session, owner, receiver.url)
    rival = await create_firm(session, settings, name="Cabinet Rival")
    rival_tokens = await bearer_login(client, await enrolled_phone(client, rival.enrollment.url))
    rival_auth = {"Authorization": f"Bearer {rival_tokens['access_token']}"}
    assert (
        await client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=rival_auth)
    ).status_code == 404
    listed = await client.get("/api/v1/webhooks", headers=rival_auth)
    assert listed.json() == {"items": [], "next_cursor": None}


async def test_an_event_is_published_through_the_outbox_and_retried_until_delivered(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    loopback_settings: Settings,
    owner: dict[str, str],
    receiver: Receiver,
) -> None:
    from datetime import timedelta

    from api.core.models import utcnow
    from api.outbox import service as outbox
    from api.worker import outbox_handlers

    created = await client.post(
        "/api/v1/webhooks",
        headers=owner,
        json={"url": receiver.url, "event_types": ["member.invited"]},
    )
    secret = created.json()["secret"]
    receiver.script = [500, 502]
    invited = await client.post(
        "/api/v1/members/invitations",
        headers=owner,
        json={"first_name": "Nina", "last_name": "Roux", "email": "nina@cabinet-martin.fr",
              "roles": ["accountant"]},
    )  # fmt: skip
    assert invited.status_code == 201, invited.text

    handlers = outbox_handlers(loopback_settings, sessionmaker)
    moment = utcnow()
    for _ in range(3):  # each pass runs after the previous retry delay
        moment += timedelta(hours=2)
        await outbox.deliver_due(sessionmaker, handlers, loopback_settings, now=moment)

    assert len(receiver.received) == 3
    last = receiver.received[-1]
    assert json.loads(last.body)["type"] == "member.invited"
    assert signing.verify(
        secret,
        last.headers["webhook-id"],
        int(last.headers["webhook-timestamp"]),
        last.body,
        last.headers["webhook-signature"],
    )
    log = await client.get(f"/api/v1/webhooks/{created.json()['id']}/deliveries", headers=owner)
    [entry] = log.json()["items"]
    assert entry["status"] == "succeeded"
    assert [attempt["status_code"] for attempt in entry["log"]] == [500, 502, 200]

    again = await client.post(
        f"/api/v1/webhooks/{created.json()['id']}/deliveries/{entry['id']}/redeliver",
        headers=owner,
    )
    assert again.status_code == 202
    await outbox.deliver_due(sessionmaker, handlers, loopback_settings, now=moment)
    assert len(receiver.received) == 4
    assert receiver.received[-1].headers["webhook-id"] == entry["event_id"]
