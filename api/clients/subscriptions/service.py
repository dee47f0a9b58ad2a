"""A client's subscription: its plan, payer, status and history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from api.clients.schemas import BulkItemResult, SubscriptionIn
from api.clients.service import (
    audit_change,
    for_each_client,
    get_client,
)
from api.clients.subscriptions import repository
from api.core.actor import Actor
from api.core.authz import Principal
from api.core.errors import FieldError, UnprocessableEntity
from api.core.models import utcnow
from api.core.settings import ClientPlan, Settings
from api.models.client import (
    Client,
    ClientSubscription,
    ClientSubscriptionChange,
)


class UnknownPlan(UnprocessableEntity):
    code = "unknown-plan"
    title = "Formule d'abonnement inconnue"


def plans(settings: Settings) -> list[ClientPlan]:
    return list(settings.client_plans)


def _check_plan(settings: Settings, plan_code: str) -> None:
    if plan_code not in {plan.code for plan in settings.client_plans}:
        known = ", ".join(plan.code for plan in settings.client_plans)
        raise UnknownPlan(
            f"La formule « {plan_code} » n'existe pas (formules : {known}).",
            errors=[
                FieldError(
                    pointer="/body/plan_code", detail="Formule inconnue.", code=UnknownPlan.code
                )
            ],
        )


async def set_subscription(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    client_id: uuid.UUID,
    data: SubscriptionIn,
) -> ClientSubscription:
    client = await get_client(session, actor.principal, client_id)
    _check_plan(settings, data.plan_code)
    return await _set_subscription(session, actor, client, data)


async def _set_subscription(
    session: AsyncSession,
    actor: Actor,
    client: Client,
    data: SubscriptionIn,
) -> ClientSubscription:
    now = utcnow()
    subscription = await repository.get_subscription(session, client.id)
    previous = None
    if subscription is None:
        subscription = ClientSubscription(client_id=client.id, firm_id=client.firm_id)
        session.add(subscription)
    else:
        previous = {
            "plan_code": subscription.plan_code,
            "payer": subscription.payer,
            "status": subscription.status,
            "start_date": subscription.start_date,
        }
    subscription.plan_code = data.plan_code
    subscription.payer = data.payer
    subscription.status = data.status
    subscription.start_date = data.start_date
    subscription.updated_at = now
    subscription.updated_by_user_id = actor.principal.user_id
    session.add(
        ClientSubscriptionChange(
            client_id=client.id,
            plan_code=data.plan_code,
            payer=data.payer,
            status=data.status,
            start_date=data.start_date,
            changed_at=now,
            changed_by_user_id=actor.principal.user_id,
        )
    )
    await session.flush()
    await audit_change(
        session,
        actor,
        "client.subscription_changed",
        client,
        {"from": previous, "to": data.model_dump()},
    )
    return subscription


async def bulk_set_subscription(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    client_ids: Sequence[uuid.UUID],
    data: SubscriptionIn,
) -> list[BulkItemResult]:
    _check_plan(settings, data.plan_code)

    async def one(client: Client) -> None:
        await _set_subscription(session, actor, client, data)

    return await for_each_client(session, actor.principal, client_ids, one)


async def subscription_of(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID
) -> tuple[ClientSubscription | None, list[ClientSubscriptionChange]]:
    client = await get_client(session, principal, client_id)
    return (
        await repository.get_subscription(session, client.id),
        await repository.subscription_history(session, client.id),
    )
