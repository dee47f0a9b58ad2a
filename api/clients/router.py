"""HTTP routes of the clients application (Gestionnaire de clients; Comptables read their
assigned clients): a client's identity and invitations here, and the routers of the list,
the subscriptions, the Excel import and the assignments (one folder each), put together."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status

from api.clients import invitations, service
from api.clients.assignments.router import assignees_out
from api.clients.assignments.router import router as assignments_router
from api.clients.http import ClientsRead, ClientsWrite
from api.clients.imports.router import router as imports_router
from api.clients.listing.router import router as listing_router
from api.clients.schemas import (
    ClientCreate,
    ClientDetail,
    ClientInvitations,
    ClientOut,
    ContactUpdate,
    InvitationResults,
    ReminderRequest,
    ReminderResults,
    SubscriptionOut,
)
from api.clients.subscriptions import service as subscriptions_service
from api.clients.subscriptions.router import router as subscriptions_router
from api.companies.dependencies import CompanyRegistryDep
from api.core.authz import Principal
from api.core.db import DbSession, ReadOnly
from api.core.errors import problem_responses
from api.core.settings import app_settings

identity = APIRouter(prefix="/clients")


@identity.post(
    "/invitations", response_model=InvitationResults, responses=problem_responses(401, 404, 422)
)
async def invite_clients(
    body: ClientInvitations,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> InvitationResults:
    """Invite the contacts of many clients ("Inviter"); one result per client."""
    results = await invitations.bulk_invite(session, app_settings(request), actor, body.client_ids)
    return InvitationResults(results=results)


@identity.post(
    "/invitations/reminders",
    response_model=ReminderResults,
    responses=problem_responses(401, 404, 422),
)
async def remind_invited_clients(
    body: ReminderRequest,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> ReminderResults:
    """Send a new link to the clients invited N days ago or more and still not active."""
    reminders = await invitations.remind_firm(
        session,
        app_settings(request),
        actor,
        older_than_days=body.older_than_days,
        max_reminders=body.max_reminders,
    )
    return ReminderResults(results=reminders.results, more=reminders.more)


@identity.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ClientOut,
    responses=problem_responses(401, 404, 409, 422, 502, 503),
)
async def create_client(
    body: ClientCreate,
    session: DbSession,
    actor: ClientsWrite,
    registry: CompanyRegistryDep,
) -> ClientOut:
    """Add a client by SIREN or SIRET; its identity comes from the company registry."""
    client = await service.add_client(session, registry, actor, body)
    return ClientOut.model_validate(client)


@identity.post(
    "/self",
    status_code=status.HTTP_201_CREATED,
    response_model=ClientOut,
    responses=problem_responses(401, 404, 409, 422),
)
async def add_firm_itself(
    session: DbSession, actor: ClientsWrite, registry: CompanyRegistryDep
) -> ClientOut:
    """Add the firm itself as a client, creating its own company space."""
    client = await service.add_firm_itself(session, registry, actor)
    return ClientOut.model_validate(client)


async def _detail(session: DbSession, client_id: uuid.UUID, principal: Principal) -> ClientDetail:
    client = await service.get_client(session, principal, client_id)
    subscription, _history = await subscriptions_service.subscription_of(
        session, principal, client_id
    )
    return ClientDetail.model_validate(
        ClientOut.model_validate(client).model_dump()
        | {
            "assignees": await assignees_out(session, client_id),
            "subscription": SubscriptionOut.model_validate(subscription) if subscription else None,
        }
    )


@identity.get(
    "/{client_id}",
    response_model=ClientDetail,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_client(
    client_id: uuid.UUID, session: DbSession, principal: ClientsRead
) -> ClientDetail:
    """One client, with its Comptables and its subscription."""
    return await _detail(session, client_id, principal)


@identity.patch(
    "/{client_id}", response_model=ClientDetail, responses=problem_responses(401, 404, 422)
)
async def update_client_contact(
    client_id: uuid.UUID,
    body: ContactUpdate,
    session: DbSession,
    actor: ClientsWrite,
) -> ClientDetail:
    """Change the client's contact (the person the invitation goes to)."""
    await service.update_contact(session, actor, client_id, body)
    return await _detail(session, client_id, actor.principal)


@identity.post(
    "/{client_id}/invitation",
    response_model=ClientDetail,
    responses=problem_responses(401, 404, 409, 422),
)
async def invite_client(
    client_id: uuid.UUID,
    request: Request,
    session: DbSession,
    actor: ClientsWrite,
) -> ClientDetail:
    """Invite the client's contact: a mail with a single-use activation link (a new link,
    the previous one dying, when an invitation was already sent)."""
    await invitations.invite(session, app_settings(request), actor, client_id)
    return await _detail(session, client_id, actor.principal)


@identity.delete(
    "/{client_id}/invitation",
    response_model=ClientDetail,
    responses=problem_responses(401, 404, 409),
)
async def withdraw_invitation(
    client_id: uuid.UUID, session: DbSession, actor: ClientsWrite
) -> ClientDetail:
    """Cancel the client's pending invitation: its link stops working."""
    await invitations.withdraw(session, actor, client_id)
    return await _detail(session, client_id, actor.principal)


# The routes in the contract's order (openapi/openapi.json), which is also the order Starlette
# tries them in: the fixed paths (`/plans`, `/imports`, `/self`…) before `/{client_id}`.
CONTRACT_ORDER = (
    "list_clients",
    "export_clients",
    "list_plans",
    "import_template",
    "upload_import",
    "get_import",
    "confirm_import",
    "bulk_assign",
    "bulk_set_subscription",
    "invite_clients",
    "remind_invited_clients",
    "create_client",
    "add_firm_itself",
    "get_client",
    "update_client_contact",
    "invite_client",
    "withdraw_invitation",
    "list_assignments",
    "assign",
    "unassign",
    "get_subscription",
    "set_subscription",
)

router = APIRouter(tags=["clients"])
for part in (listing_router, subscriptions_router, imports_router, assignments_router, identity):
    router.include_router(part)
router.routes.sort(key=lambda route: CONTRACT_ORDER.index(getattr(route, "name", "")))
