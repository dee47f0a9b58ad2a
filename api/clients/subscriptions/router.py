"""A client's subscription: its plan, payer, status and history."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from api.clients.http import ClientsRead, ClientsWrite
from api.clients.schemas import (
    BulkResult,
    BulkSubscription,
    PlanOut,
    PlanPage,
    SubscriptionChangeOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionWithHistory,
)
from api.clients.subscriptions import service
from api.core.db import DbSession
from api.core.errors import problem_responses
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit, sequence_page
from api.core.settings import app_settings

router = APIRouter(prefix="/clients")


@router.get("/plans", response_model=PlanPage, responses=problem_responses(401, 404, 422))
async def list_plans(
    request: Request,
    _principal: ClientsRead,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> PlanPage:
    """The subscription plans the firm offers (configured catalogue), in its order."""
    plans, next_cursor = sequence_page(
        service.plans(app_settings(request)),
        lambda plan: plan.code,
        "plans,catalogue",
        limit,
        cursor,
    )
    return PlanPage(
        items=[PlanOut.model_validate(plan.model_dump()) for plan in plans],
        next_cursor=next_cursor,
    )


@router.post(
    "/bulk/subscription", response_model=BulkResult, responses=problem_responses(401, 404, 422)
)
async def bulk_set_subscription(
    body: BulkSubscription,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> BulkResult:
    """Set the same subscription on many clients; one result per client."""
    data = SubscriptionIn.model_validate(body.model_dump(exclude={"client_ids"}))
    results = await service.bulk_set_subscription(
        session, app_settings(request), actor, body.client_ids, data
    )
    return BulkResult(results=results)


@router.get(
    "/{client_id}/subscription",
    response_model=SubscriptionWithHistory,
    responses=problem_responses(401, 404),
)
async def get_subscription(
    client_id: uuid.UUID, session: DbSession, principal: ClientsRead
) -> SubscriptionWithHistory:
    """The client's current subscription and its change history (newest first)."""
    current, history = await service.subscription_of(session, principal, client_id)
    return SubscriptionWithHistory(
        current=SubscriptionOut.model_validate(current) if current else None,
        history=[SubscriptionChangeOut.model_validate(change) for change in history],
    )


@router.put(
    "/{client_id}/subscription",
    response_model=SubscriptionOut,
    responses=problem_responses(401, 404, 422),
)
async def set_subscription(
    client_id: uuid.UUID,
    body: SubscriptionIn,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> SubscriptionOut:
    """Set the client's plan, payer, status and start date (kept in the history)."""
    subscription = await service.set_subscription(
        session, app_settings(request), actor, client_id, body
    )
    return SubscriptionOut.model_validate(subscription)
