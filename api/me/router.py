from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from api.auth import service as auth_service
from api.auth.dependencies import Authenticated, Person, PersonActor
from api.core.authz import Scope, can_mint_scopes
from api.core.db import DbSession
from api.core.errors import problem_responses
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit
from api.devices import service as devices_service
from api.devices.schemas import DevicePage
from api.me import service
from api.me.schemas import (
    ActivityPage,
    Me,
    SessionOut,
    SessionPage,
    UserOut,
    WorkspaceRef,
    WorkspaceSwitch,
)

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", response_model=Me, responses=problem_responses(401))
async def get_me(session: DbSession, principal: Authenticated) -> Me:
    """The caller: user, current workspace, roles and the permissions the UI is built from."""
    account = await service.account(session, principal)
    workspaces = [
        WorkspaceRef(id=w.id, name=w.name, kind=w.kind.value, siren=w.siren, roles=sorted(m.roles))
        for m, w in account.memberships
    ]
    current = next((w for w in workspaces if w.id == principal.workspace_id), None)
    return Me(
        user=UserOut.model_validate(account.user),
        session_id=principal.session_id,
        principal_kind=principal.kind.value,
        device_id=principal.device_id,
        workspace=current,
        roles=sorted(principal.roles),
        permissions=sorted(principal.permissions),
        api_key_scopes=[scope for scope in Scope if can_mint_scopes(principal, frozenset({scope}))],
        workspaces=workspaces,
    )


@router.put(
    "/workspace", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 404)
)
async def switch_workspace(
    body: WorkspaceSwitch, session: DbSession, actor: PersonActor
) -> Response:
    """Switch the session to another workspace the user belongs to."""
    await service.switch_workspace(session, actor, body.workspace_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/sessions", response_model=SessionPage, responses=problem_responses(401, 422))
async def list_sessions(
    session: DbSession,
    principal: Person,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> SessionPage:
    """The caller's open sessions (browsers, apps, integrations), newest first."""
    sessions, next_cursor = await auth_service.list_sessions(session, principal, limit, cursor)
    items = [
        SessionOut(
            id=s.id,
            kind=s.kind.value,
            current=s.id == principal.session_id,
            ip=s.ip,
            user_agent=s.user_agent,
            device_id=s.device_id,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            expires_at=s.expires_at,
        )
        for s in sessions
    ]
    return SessionPage(items=items, next_cursor=next_cursor)


@router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
async def revoke_session(session_id: uuid.UUID, session: DbSession, actor: PersonActor) -> Response:
    """End one of the caller's sessions."""
    await auth_service.revoke_session(session, actor, session_id, "revoked_by_user")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/devices", response_model=DevicePage, responses=problem_responses(401, 422))
async def list_devices(
    session: DbSession,
    principal: Person,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> DevicePage:
    """The caller's enrolled devices, newest first."""
    devices, next_cursor = await devices_service.list_devices(session, principal, limit, cursor)
    return DevicePage.of(devices, next_cursor)


@router.delete(
    "/devices/{device_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
async def revoke_device(device_id: uuid.UUID, session: DbSession, actor: PersonActor) -> Response:
    """Revoke one of the caller's devices and the sessions it opened."""
    await devices_service.revoke(session, actor, device_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/activity", response_model=ActivityPage, responses=problem_responses(401, 422))
async def my_activity(
    session: DbSession,
    principal: Person,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> ActivityPage:
    """The caller's own events (logins approved, devices, uploads, invitations), newest first."""
    events, next_cursor = await service.activity(session, principal, limit, cursor)
    return ActivityPage.of(events, next_cursor)
