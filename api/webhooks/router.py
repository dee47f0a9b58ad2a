from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from api.auth.dependencies import acting
from api.core.actor import Actor
from api.core.authz import Permission
from api.core.db import DbSession
from api.core.errors import problem_responses
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit
from api.core.settings import app_settings
from api.webhooks import service
from api.webhooks.schemas import (
    AttemptOut,
    DeliveryOut,
    DeliveryPage,
    WebhookCreate,
    WebhookOut,
    WebhookPage,
    WebhookUpdate,
    WebhookWithSecret,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

ExtensionsManager = Annotated[Actor, Depends(acting(Permission.EXTENSIONS_MANAGE))]


def _with_secret(created: service.CreatedEndpoint) -> WebhookWithSecret:
    shown = WebhookOut.model_validate(created.endpoint)
    return WebhookWithSecret(**shown.model_dump(), secret=created.secret)


@router.get("", response_model=WebhookPage, responses=problem_responses(401, 404, 422))
async def list_webhooks(
    session: DbSession,
    actor: ExtensionsManager,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> WebhookPage:
    """The workspace's webhook receivers, oldest first."""
    endpoints, next_cursor = await service.list_endpoints(session, actor.principal, limit, cursor)
    return WebhookPage(
        items=[WebhookOut.model_validate(endpoint) for endpoint in endpoints],
        next_cursor=next_cursor,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookWithSecret,
    responses=problem_responses(401, 404, 422),
)
async def create_webhook(
    body: WebhookCreate,
    request: Request,
    session: DbSession,
    actor: ExtensionsManager,
) -> WebhookWithSecret:
    """Subscribe a receiver URL to events; the signing secret is in this response only."""
    created = await service.create_endpoint(
        session,
        app_settings(request),
        actor,
        url=body.url,
        description=body.description,
        event_types=list(body.event_types),
    )
    return _with_secret(created)


@router.patch(
    "/{webhook_id}", response_model=WebhookOut, responses=problem_responses(401, 404, 422)
)
async def update_webhook(
    webhook_id: uuid.UUID,
    body: WebhookUpdate,
    request: Request,
    session: DbSession,
    actor: ExtensionsManager,
) -> WebhookOut:
    """Change a receiver's URL, events or description, or pause it."""
    endpoint = await service.update_endpoint(
        session,
        app_settings(request),
        actor,
        webhook_id,
        url=body.url,
        description=body.description,
        event_types=list(body.event_types) if body.event_types is not None else None,
        enabled=body.enabled,
    )
    return WebhookOut.model_validate(endpoint)


@router.post(
    "/{webhook_id}/rotate-secret",
    response_model=WebhookWithSecret,
    responses=problem_responses(401, 404),
)
async def rotate_webhook_secret(
    webhook_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: ExtensionsManager,
) -> WebhookWithSecret:
    """New signing secret; the previous one also signs during the grace period."""
    rotated = await service.rotate_secret(session, app_settings(request), actor, webhook_id)
    return _with_secret(rotated)


@router.delete(
    "/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 404)
)
async def delete_webhook(
    webhook_id: uuid.UUID, session: DbSession, actor: ExtensionsManager
) -> Response:
    """Remove a receiver and its delivery log."""
    await service.delete_endpoint(session, actor, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveryPage,
    responses=problem_responses(401, 404, 422),
)
async def list_webhook_deliveries(
    webhook_id: uuid.UUID,
    session: DbSession,
    actor: ExtensionsManager,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> DeliveryPage:
    """The delivery log: each event, its status and every attempt with the response code."""
    rows, next_cursor = await service.deliveries(
        session, actor.principal, webhook_id, limit, cursor
    )
    items = [
        DeliveryOut(
            id=delivery.id,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            status=delivery.status.value,
            attempts=delivery.attempts,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            created_at=delivery.created_at,
            delivered_at=delivery.delivered_at,
            payload=delivery.payload,
            log=[AttemptOut.model_validate(attempt) for attempt in attempts],
        )
        for delivery, attempts in rows
    ]
    return DeliveryPage(items=items, next_cursor=next_cursor)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryOut,
    responses=problem_responses(401, 404),
)
async def redeliver_webhook(
    webhook_id: uuid.UUID,
    delivery_id: uuid.UUID,
    session: DbSession,
    actor: ExtensionsManager,
) -> DeliveryOut:
    """Queue a delivery again (manual redelivery from the log)."""
    delivery = await service.redeliver(session, actor, webhook_id, delivery_id)
    return DeliveryOut(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status.value,
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        payload=delivery.payload,
        log=[],
    )
