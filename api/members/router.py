from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from api.auth.dependencies import acting, require
from api.core.actor import Actor
from api.core.authz import Permission, Principal, Role
from api.core.db import DbSession
from api.core.errors import problem_responses
from api.core.input import HumanText
from api.core.models import utcnow
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit
from api.core.settings import AppSettings
from api.members import service
from api.members.schemas import (
    InvitationOut,
    MemberInvite,
    MemberOut,
    MemberPage,
    RolesUpdate,
)
from api.models.membership import MembershipStatus

router = APIRouter(prefix="/members", tags=["members"])

MembersRead = Annotated[Principal, Depends(require(Permission.MEMBERS_READ))]
MembersManage = Annotated[Actor, Depends(acting(Permission.MEMBERS_MANAGE))]


def _out(member: service.Member) -> MemberOut:
    membership, user, link = member.membership, member.user, member.invitation
    return MemberOut(
        id=membership.id,
        user_id=user.id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        roles=sorted(membership.roles),
        status=membership.status,
        created_at=membership.created_at,
        invitation=InvitationOut(expires_at=link.expires_at, expired=link.expires_at <= utcnow())
        if link
        else None,
    )


@router.get("", response_model=MemberPage, responses=problem_responses(401, 404, 422))
async def list_members(
    session: DbSession,
    principal: MembersRead,
    q: Annotated[
        HumanText | None, Query(max_length=100, description="Part of the name or e-mail address.")
    ] = None,
    role: Role | None = None,
    member_status: Annotated[MembershipStatus | None, Query(alias="status")] = None,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> MemberPage:
    """The workspace's users, by last name, with search and filters."""
    members, next_cursor = await service.list_members(
        session,
        principal,
        service.MemberFilters(search=q, role=role, status=member_status),
        cursor=cursor,
        limit=limit,
    )
    return MemberPage(items=[_out(member) for member in members], next_cursor=next_cursor)


@router.post(
    "/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=MemberOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def invite(
    body: MemberInvite,
    session: DbSession,
    settings: AppSettings,
    actor: MembersManage,
) -> MemberOut:
    """Invite a collaborator by e-mail, with one or more roles (single-use link)."""
    return _out(await service.invite(session, settings, actor, body))


@router.get("/{member_id}", response_model=MemberOut, responses=problem_responses(401, 404))
async def get_member(member_id: uuid.UUID, session: DbSession, principal: MembersRead) -> MemberOut:
    """One user of the workspace."""
    return _out(await service.get_member(session, principal, member_id))


@router.post(
    "/{member_id}/invitation/resend",
    response_model=MemberOut,
    responses=problem_responses(401, 403, 404, 409),
)
async def resend_invitation(
    member_id: uuid.UUID,
    session: DbSession,
    settings: AppSettings,
    actor: MembersManage,
) -> MemberOut:
    """Mail a new invitation link; the previous one stops working."""
    return _out(await service.resend_invitation(session, settings, actor, member_id))


@router.delete(
    "/{member_id}/invitation",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 409),
)
async def revoke_invitation(
    member_id: uuid.UUID, session: DbSession, actor: MembersManage
) -> Response:
    """Withdraw a pending invitation: its link stops working."""
    await service.revoke_invitation(session, actor, member_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/{member_id}/roles",
    response_model=MemberOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def change_roles(
    member_id: uuid.UUID,
    body: RolesUpdate,
    session: DbSession,
    actor: MembersManage,
) -> MemberOut:
    """Replace the user's roles (cumulative; effective at their next request)."""
    roles = frozenset(Role(role) for role in body.roles)
    return _out(await service.change_roles(session, actor, member_id, roles))


@router.post(
    "/{member_id}/deactivate",
    response_model=MemberOut,
    responses=problem_responses(401, 403, 404, 409),
)
async def deactivate(member_id: uuid.UUID, session: DbSession, actor: MembersManage) -> MemberOut:
    """Suspend the user's access to the workspace; their sessions here end now."""
    return _out(await service.deactivate(session, actor, member_id))


@router.post(
    "/{member_id}/reactivate",
    response_model=MemberOut,
    responses=problem_responses(401, 403, 404, 409),
)
async def reactivate(member_id: uuid.UUID, session: DbSession, actor: MembersManage) -> MemberOut:
    """Give a deactivated user their access back."""
    return _out(await service.reactivate(session, actor, member_id))


@router.delete(
    "/{member_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 409),
)
async def remove(member_id: uuid.UUID, session: DbSession, actor: MembersManage) -> Response:
    """Remove the user from the workspace (their account remains for other workspaces)."""
    await service.remove(session, actor, member_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
