"""Webhooks: receivers subscribed to events, signed per Standard Webhooks, delivered from the
outbox with retries, each attempt logged; manual redelivery.

    publish(session, workspace_id, event_type, data)   inside the change's unit of work
    attempt(sessionmaker, settings, delivery_id)        one HTTP attempt (the outbox retries)
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.audit import service as audit
from api.core.actor import Actor
from api.core.authz import Principal
from api.core.errors import AppError, NotFound
from api.core.models import utcnow
from api.core.pagination import decode_sorted_cursor, encode_sorted_cursor
from api.core.settings import Settings
from api.core.ssrf import UnsafeUrl, check_public_url
from api.models.webhook import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from api.outbox import service as outbox
from api.outbox.service import DeliveryAttempt, OutboxHandler, Payload
from api.webhooks import repository, signing
from api.webhooks.events import WebhookEvent

WEBHOOK_KIND = "webhook"


class WebhookNotFound(NotFound):
    code = "webhook-not-found"
    title = "Webhook introuvable"


class DeliveryNotFound(NotFound):
    code = "webhook-delivery-not-found"
    title = "Livraison introuvable"


class WebhookUrlRefused(AppError):
    status = 422
    code = "webhook-url-refused"
    title = "Adresse de webhook refusée"


class ReceiverFailed(Exception):
    """Raised to the outbox so it retries later; the attempt is already logged."""


@dataclass(frozen=True, slots=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str


async def _check_url(settings: Settings, url: str) -> None:
    try:
        await check_public_url(url, allow_private=settings.webhook_allow_private_targets)
    except UnsafeUrl as exc:
        raise WebhookUrlRefused(str(exc)) from exc


async def create_endpoint(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    *,
    url: str,
    description: str,
    event_types: list[str],
) -> CreatedEndpoint:
    assert actor.principal.workspace_id is not None
    await _check_url(settings, url)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        workspace_id=actor.principal.workspace_id,
        url=url,
        description=description,
        event_types=sorted(set(event_types)),
        secret=secret,
        created_by_user_id=actor.principal.user_id,
        created_at=utcnow(),
    )
    session.add(endpoint)
    await session.flush()
    await _audit(session, actor, "webhook.created", endpoint)
    return CreatedEndpoint(endpoint, secret)


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    endpoint: WebhookEndpoint,
) -> None:
    await audit.record(
        session,
        action,
        actor=actor,
        workspace_id=endpoint.workspace_id,
        target_type="webhook_endpoint",
        target_id=endpoint.id,
        data={"url": endpoint.url, "event_types": endpoint.event_types},
    )


async def _endpoint(
    session: AsyncSession, principal: Principal, endpoint_id: uuid.UUID
) -> WebhookEndpoint:
    assert principal.workspace_id is not None
    endpoint = await repository.endpoint_in(session, principal.workspace_id, endpoint_id)
    if endpoint is None:
        raise WebhookNotFound()
    return endpoint


async def list_endpoints(
    session: AsyncSession, principal: Principal, limit: int, cursor: str | None
) -> tuple[list[WebhookEndpoint], str | None]:
    assert principal.workspace_id is not None
    return await repository.endpoints_of(session, principal.workspace_id, limit, cursor)


async def update_endpoint(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    endpoint_id: uuid.UUID,
    *,
    url: str | None,
    description: str | None,
    event_types: list[str] | None,
    enabled: bool | None,
) -> WebhookEndpoint:
    endpoint = await _endpoint(session, actor.principal, endpoint_id)
    if url is not None:
        await _check_url(settings, url)
        endpoint.url = url
    if description is not None:
        endpoint.description = description
    if event_types is not None:
        endpoint.event_types = sorted(set(event_types))
    if enabled is not None:
        endpoint.disabled_at = None if enabled else (endpoint.disabled_at or utcnow())
    await session.flush()
    await _audit(session, actor, "webhook.updated", endpoint)
    return endpoint


async def rotate_secret(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    endpoint_id: uuid.UUID,
) -> CreatedEndpoint:
    """A new secret; the old one keeps signing too during the grace period."""
    endpoint = await _endpoint(session, actor.principal, endpoint_id)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = utcnow() + timedelta(
        hours=settings.webhook_secret_rotation_grace_hours
    )
    endpoint.secret = signing.new_secret()
    await session.flush()
    await _audit(session, actor, "webhook.secret_rotated", endpoint)
    return CreatedEndpoint(endpoint, endpoint.secret)


async def delete_endpoint(session: AsyncSession, actor: Actor, endpoint_id: uuid.UUID) -> None:
    endpoint = await _endpoint(session, actor.principal, endpoint_id)
    await _audit(session, actor, "webhook.deleted", endpoint)
    await session.delete(endpoint)
    await session.flush()


DELIVERIES_SORT = "-created_at"


async def deliveries(
    session: AsyncSession,
    principal: Principal,
    endpoint_id: uuid.UUID,
    limit: int,
    cursor: str | None = None,
) -> tuple[list[tuple[WebhookDelivery, list[WebhookAttempt]]], str | None]:
    """One page of the delivery log, newest first, and the cursor of the next one."""
    endpoint = await _endpoint(session, principal, endpoint_id)
    before_key = (
        decode_sorted_cursor(cursor, DELIVERIES_SORT, datetime.fromisoformat) if cursor else None
    )
    rows = list(await repository.deliveries_of(session, endpoint.id, limit + 1, before_key))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_sorted_cursor(DELIVERIES_SORT, rows[-1].created_at, rows[-1].id)
    return [
        (delivery, list(await repository.attempts_of(session, delivery.id))) for delivery in rows
    ], next_cursor


async def publish(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    event_type: WebhookEvent,
    data: dict[str, Any],
) -> list[WebhookDelivery]:
    """Record the event for every subscribed receiver and queue its delivery, in the caller's
    unit of work: a change that rolls back announces nothing."""
    return await publish_many(session, workspace_id, event_type, [data])


async def publish_many(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    event_type: WebhookEvent,
    events: Sequence[dict[str, Any]],
) -> list[WebhookDelivery]:
    """`publish` of many events of one type (the clients of an import): the subscribers are
    read once, and nothing more happens when there are none."""
    endpoints = await repository.subscribers(session, workspace_id, event_type)
    return await _deliver(session, event_type, [(endpoints, data) for data in events])


async def publish_each(
    session: AsyncSession,
    event_type: WebhookEvent,
    events: Sequence[tuple[uuid.UUID, dict[str, Any]]],
) -> list[WebhookDelivery]:
    """`publish` of events of one type to several workspaces (`(workspace_id, data)` each: the
    firms of both parties of an invoice): their subscribers read in one query."""
    endpoints = await repository.subscribers_of_workspaces(
        session, {workspace_id for workspace_id, _ in events}, event_type
    )
    return await _deliver(
        session,
        event_type,
        [(endpoints.get(workspace_id, []), data) for workspace_id, data in events],
    )


async def _deliver(
    session: AsyncSession,
    event_type: WebhookEvent,
    events: Sequence[tuple[Sequence[WebhookEndpoint], dict[str, Any]]],
) -> list[WebhookDelivery]:
    """One delivery per event and subscribed endpoint, queued; nothing when none subscribes."""
    deliveries = []
    for endpoints, data in events:
        if not endpoints:
            continue
        event_id = f"evt_{uuid.uuid4().hex}"
        for endpoint in endpoints:
            delivery = WebhookDelivery(
                id=uuid.uuid4(),
                endpoint_id=endpoint.id,
                event_id=event_id,
                event_type=event_type,
                payload=json.loads(json.dumps(data, default=str)),
                created_at=utcnow(),
            )
            session.add(delivery)
            deliveries.append(delivery)
    await session.flush()
    for delivery in deliveries:
        await _queue(session, delivery, attempt_round=0)
    return deliveries


async def _queue(session: AsyncSession, delivery: WebhookDelivery, attempt_round: int) -> None:
    await outbox.enqueue(
        session,
        WEBHOOK_KIND,
        {"delivery_id": str(delivery.id)},
        dedupe_key=f"webhook:{delivery.id}:{attempt_round}",
    )


async def redeliver(
    session: AsyncSession,
    actor: Actor,
    endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> WebhookDelivery:
    """Send a delivery again (same event id, so receivers can still deduplicate)."""
    endpoint = await _endpoint(session, actor.principal, endpoint_id)
    found = await repository.delivery_with_endpoint(session, delivery_id)
    if found is None or found[1].id != endpoint.id:
        raise DeliveryNotFound()
    delivery = found[0]
    delivery.status = DeliveryStatus.PENDING
    await session.flush()
    await _queue(session, delivery, attempt_round=delivery.attempts)
    await audit.record(
        session,
        "webhook.redelivered",
        actor=actor,
        workspace_id=endpoint.workspace_id,
        target_type="webhook_delivery",
        target_id=delivery.id,
        data={"event_id": delivery.event_id, "event_type": delivery.event_type},
    )
    return delivery


def delivery_handler(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> OutboxHandler:
    """The outbox's handler for webhooks: one HTTP attempt per outbox attempt; the last one
    marks the delivery failed. A receiver that never answers costs one timeout per attempt."""

    async def deliver(payload: Payload, attempt_info: DeliveryAttempt) -> None:
        async with httpx.AsyncClient(follow_redirects=False) as http:
            await attempt(
                sessionmaker,
                settings,
                uuid.UUID(payload["delivery_id"]),
                http,
                final=attempt_info.final,
            )

    return OutboxHandler(deliver=deliver)


def _secrets_in_use(endpoint: WebhookEndpoint) -> list[str]:
    in_use = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at
        and endpoint.previous_secret_expires_at > utcnow()
    ):
        in_use.append(endpoint.previous_secret)
    return in_use


def event_body(delivery: WebhookDelivery) -> bytes:
    envelope: dict[str, Any] = {
        "type": delivery.event_type,
        "timestamp": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


async def attempt(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    delivery_id: uuid.UUID,
    http: httpx.AsyncClient,
    *,
    final: bool = False,
) -> WebhookDelivery | None:
    """POST one delivery to its receiver and log the attempt in its own transaction (the log
    survives whatever happens next). Raises `ReceiverFailed` on a non-2xx answer, a timeout or
    a refused address so the outbox retries; `final` marks the delivery failed instead."""
    async with sessionmaker() as session, session.begin():
        found = await repository.delivery_with_endpoint(session, delivery_id)
        if found is None:
            return None
        delivery, endpoint = found
        if delivery.status == DeliveryStatus.SUCCEEDED or endpoint.disabled_at is not None:
            return delivery
        body = event_body(delivery)
        headers = signing.headers(
            _secrets_in_use(endpoint), delivery.event_id, int(time.time()), body
        )
        url = endpoint.url
    started = time.perf_counter()
    status_code: int | None = None
    error: str | None = None
    try:
        await check_public_url(url, allow_private=settings.webhook_allow_private_targets)
        response = await http.post(
            url, content=body, headers=headers, timeout=settings.webhook_timeout_seconds
        )
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except UnsafeUrl as exc:
        error = str(exc)
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
    duration_ms = int((time.perf_counter() - started) * 1000)
    async with sessionmaker() as session, session.begin():
        found = await repository.delivery_with_endpoint(session, delivery_id)
        assert found is not None
        delivery = found[0]
        delivery.attempts += 1
        delivery.last_status_code = status_code
        delivery.last_error = error
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                status_code=status_code,
                error=error,
                duration_ms=duration_ms,
            )
        )
        if error is None:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = utcnow()
        elif final:
            delivery.status = DeliveryStatus.FAILED
    if error is not None and not final:
        raise ReceiverFailed(error)
    return delivery
