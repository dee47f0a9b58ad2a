from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from api.audit import service
from api.audit.schemas import AuditActor, AuditEventOut, AuditEventPage
from api.auth.dependencies import require
from api.core.authz import Permission, Principal
from api.core.db import DbSession
from api.core.errors import problem_responses
from api.core.input import MachineText
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit
from api.models.audit_event import AuditEvent
from api.models.user import User

router = APIRouter(prefix="/audit-events", tags=["audit"])

AuditRead = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]


def _out(event: AuditEvent, user: User | None) -> AuditEventOut:
    return AuditEventOut(
        id=event.id,
        sequence=event.sequence,
        action=event.action,
        occurred_at=event.occurred_at,
        actor=AuditActor(
            kind=event.actor_kind,
            user_id=event.actor_user_id,
            device_id=event.actor_device_id,
            api_key_id=event.actor_api_key_id,
            email=user.email if user else None,
            name=user.display_name if user else None,
        ),
        target_type=event.target_type,
        target_id=event.target_id,
        ip=event.ip,
        user_agent=event.user_agent,
        data=event.data,
    )


@router.get("", response_model=AuditEventPage, responses=problem_responses(401, 404, 422))
async def list_events(
    session: DbSession,
    principal: AuditRead,
    action: Annotated[
        MachineText | None,
        Query(max_length=60, description="Action prefix, e.g. `member.` or `auth.session`."),
    ] = None,
    actor_user_id: uuid.UUID | None = None,
    target_type: Annotated[MachineText | None, Query(max_length=40)] = None,
    target_id: Annotated[MachineText | None, Query(max_length=64)] = None,
    since: Annotated[
        AwareDatetime | None, Query(alias="from", description="Events at or after this instant.")
    ] = None,
    until: Annotated[
        AwareDatetime | None, Query(alias="to", description="Events strictly before this instant.")
    ] = None,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> AuditEventPage:
    """The workspace's audit trail, newest first."""
    rows, next_cursor = await service.list_events(
        session,
        principal,
        service.AuditFilters(
            action=action,
            actor_user_id=actor_user_id,
            target_type=target_type,
            target_id=target_id,
            since=since,
            until=until,
        ),
        cursor=cursor,
        limit=limit,
    )
    return AuditEventPage(
        items=[_out(event, user) for event, user in rows], next_cursor=next_cursor
    )
