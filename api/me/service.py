"""The caller's own account: who am I, in which workspace, my sessions, devices, activity."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth import service as auth_service
from api.core.actor import Actor
from api.core.authz import Principal
from api.core.errors import NotFound
from api.models.audit_event import AuditEvent
from api.models.auth_session import AuthSession
from api.models.membership import Membership
from api.models.user import User
from api.models.workspace import Workspace


class WorkspaceNotFound(NotFound):
    code = "workspace-not-found"
    title = "Espace de travail introuvable"


@dataclass(frozen=True, slots=True)
class Account:
    user: User
    memberships: list[tuple[Membership, Workspace]]


async def account(session: AsyncSession, principal: Principal) -> Account:
    assert principal.user_id is not None
    user = await session.get(User, principal.user_id)
    assert user is not None
    return Account(user, list(await auth_service.active_memberships(session, principal.user_id)))


async def switch_workspace(session: AsyncSession, actor: Actor, workspace_id: uuid.UUID) -> None:
    """Act in another workspace the user is an active member of (the session remembers it)."""
    assert actor.principal.user_id is not None
    assert actor.principal.session_id is not None
    memberships = await auth_service.active_memberships(session, actor.principal.user_id)
    if workspace_id not in {workspace.id for _, workspace in memberships}:
        raise WorkspaceNotFound()
    auth_session = await session.get(AuthSession, actor.principal.session_id)
    assert auth_session is not None
    auth_session.workspace_id = workspace_id
    await audit.record(
        session,
        "auth.session.workspace_switched",
        actor=actor,
        workspace_id=workspace_id,
        target_type="session",
        target_id=actor.principal.session_id,
    )


async def activity(
    session: AsyncSession, principal: Principal, limit: int, cursor: str | None
) -> tuple[list[AuditEvent], str | None]:
    assert principal.user_id is not None
    return await audit.recent_activity_of(session, principal.user_id, limit, cursor)
