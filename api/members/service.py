"""Workspace members: invitations, cumulative roles, deactivation, removal.

Rules every change obeys:
- only the owner grants the owner role, or changes a member who holds it;
- the firm always keeps at least one *active* owner or Administrateur (the last one cannot be
  demoted, deactivated or removed), and at least one active owner (the sole owner cannot give
  the role up, even to stay Administrateur: `comptoir firm set-owner` restores one);
- an invited member cannot log in until their device is enrolled with the invitation link;
- a deactivated or removed member's sessions in this workspace end (at their next request);
- every change is an audit event of the workspace (`member.*`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.audit.service import SYSTEM, Author
from api.auth import service as auth_service
from api.core.actor import Actor
from api.core.authz import Principal, Role, can_grant_roles
from api.core.errors import Conflict, Forbidden, NotFound
from api.core.pagination import InvalidCursor, decode_cursor, encode_cursor
from api.core.settings import Settings
from api.enrollments import service as enrollments
from api.enrollments.service import Acceptance
from api.mail import service as mail
from api.members import messages, repository
from api.members.schemas import MemberInvite
from api.models.enrollment_token import EnrollmentPurpose, EnrollmentToken
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.workspace import Workspace
from api.webhooks import service as webhooks_service
from api.webhooks.events import WebhookEvent

ADMINISTRATOR_ROLES = frozenset({Role.OWNER, Role.ADMIN})


class MemberNotFound(NotFound):
    code = "member-not-found"
    title = "Utilisateur introuvable"


class MemberAlreadyExists(Conflict):
    code = "member-already-exists"
    title = "Cette adresse e-mail est déjà celle d'un utilisateur du cabinet"


class LastAdministrator(Conflict):
    code = "last-administrator"
    title = "Le cabinet doit garder au moins un propriétaire ou Administrateur actif"


class LastOwner(Conflict):
    code = "last-owner"
    title = "Le cabinet doit garder au moins un propriétaire actif"


class OwnerReserved(Forbidden):
    code = "owner-reserved"
    title = "Seul le propriétaire du cabinet peut attribuer ou modifier le rôle propriétaire"


class InvitationNotPending(Conflict):
    code = "invitation-not-pending"
    title = "Cet utilisateur n'a pas d'invitation en attente"


class MemberNotActive(Conflict):
    code = "member-not-active"
    title = "Cet utilisateur n'est pas actif"


class MemberNotDeactivated(Conflict):
    code = "member-not-deactivated"
    title = "Cet utilisateur n'est pas désactivé"


@dataclass(frozen=True, slots=True)
class Member:
    membership: Membership
    user: User
    invitation: EnrollmentToken | None  # the live link of an invited member


@dataclass(frozen=True, slots=True)
class MemberFilters:
    search: str | None = None
    role: Role | None = None
    status: MembershipStatus | None = None


def _workspace_of(principal: Principal) -> uuid.UUID:
    assert principal.workspace_id is not None  # `require(...)` guarantees it
    return principal.workspace_id


async def _with_invitations(
    session: AsyncSession, workspace_id: uuid.UUID, rows: list[tuple[Membership, User]]
) -> list[Member]:
    invited = [
        user.id for membership, user in rows if membership.status == MembershipStatus.INVITED
    ]
    links = await repository.pending_enrollments(session, workspace_id, invited)
    return [
        Member(
            membership,
            user,
            links.get(user.id) if membership.status == MembershipStatus.INVITED else None,
        )
        for membership, user in rows
    ]


async def list_members(
    session: AsyncSession,
    principal: Principal,
    filters: MemberFilters,
    *,
    cursor: str | None,
    limit: int,
) -> tuple[list[Member], str | None]:
    """One page of the workspace's members, by last name then first name."""
    workspace_id = _workspace_of(principal)
    after_key = None
    if cursor:
        last_name, first_name, membership_id = decode_cursor(cursor, 3)
        try:
            after_key = [str(last_name), str(first_name), uuid.UUID(str(membership_id))]
        except ValueError as error:
            raise InvalidCursor() from error
    rows = await repository.list_members(
        session,
        workspace_id,
        search=filters.search,
        role=filters.role,
        status=filters.status,
        after_key=after_key,
        limit=limit + 1,
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        membership, user = rows[-1]
        next_cursor = encode_cursor(
            [user.last_name.lower(), user.first_name.lower(), str(membership.id)]
        )
    return await _with_invitations(session, workspace_id, rows), next_cursor


async def get_member(
    session: AsyncSession, principal: Principal, membership_id: uuid.UUID
) -> Member:
    workspace_id = _workspace_of(principal)
    found = await repository.get_member(session, workspace_id, membership_id)
    if found is None:
        raise MemberNotFound()
    return (await _with_invitations(session, workspace_id, [found]))[0]


async def _member_to_change(
    session: AsyncSession, principal: Principal, membership_id: uuid.UUID
) -> tuple[Membership, User]:
    """Lock the workspace, find the member, and check the caller may touch them."""
    workspace_id = _workspace_of(principal)
    await repository.lock_workspace(session, workspace_id)
    found = await repository.get_member(session, workspace_id, membership_id)
    if found is None:
        raise MemberNotFound()
    membership, _user = found
    if Role.OWNER in membership.roles and Role.OWNER not in principal.roles:
        raise OwnerReserved("Un Administrateur ne modifie pas le compte du propriétaire.")
    return found


async def _keep_an_administrator(
    session: AsyncSession, membership: Membership, *, still_counts: bool
) -> None:
    """Refuse a change after which no active owner or Administrateur would remain."""
    counts_now = membership.status == MembershipStatus.ACTIVE and bool(
        membership.roles & ADMINISTRATOR_ROLES
    )
    if not counts_now or still_counts:
        return
    others = await repository.count_active_administrators(
        session, membership.workspace_id, excluding=membership.id
    )
    if others == 0:
        raise LastAdministrator("Nommez d'abord un autre Administrateur actif, puis recommencez.")


async def _keep_an_owner(
    session: AsyncSession, membership: Membership, *, still_owner: bool
) -> None:
    """Refuse a change after which the firm would have no active owner: only an owner grants
    the owner role, so nobody could ever give it back from the application."""
    is_owner_now = membership.status == MembershipStatus.ACTIVE and Role.OWNER in membership.roles
    if not is_owner_now or still_owner:
        return
    others = await repository.count_active_administrators(
        session, membership.workspace_id, excluding=membership.id, owners_only=True
    )
    if others == 0:
        raise LastOwner(
            "Vous êtes le seul propriétaire actif du cabinet : donnez d'abord le rôle "
            "propriétaire à un autre utilisateur actif, puis recommencez."
        )


async def _record(
    session: AsyncSession,
    action: str,
    actor: Actor,
    membership: Membership,
    user: User,
    **data: object,
) -> None:
    await audit.record(
        session,
        action,
        actor=actor,
        workspace_id=membership.workspace_id,
        target_type="member",
        target_id=membership.id,
        data={"email": user.email, **data},
    )


async def _send_invitation(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    membership: Membership,
    user: User,
    *,
    reminder: bool,
) -> EnrollmentToken:
    """A fresh single-use link (older ones die) and its mail, queued in this transaction."""
    enrollment = await enrollments.issue(
        session,
        settings,
        user_id=user.id,
        workspace_id=membership.workspace_id,
        purpose=EnrollmentPurpose.INVITATION,
    )
    inviter = await session.get(User, principal.user_id)
    workspace = await session.get(Workspace, membership.workspace_id)
    assert workspace is not None
    await mail.queue(
        session,
        messages.invitation_mail(
            to=user.email,
            first_name=user.first_name,
            inviter_name=inviter.display_name if inviter else "Votre cabinet",
            firm_name=workspace.name,
            roles=membership.roles,
            url=enrollment.url,
            expires_at=enrollment.record.expires_at,
            reminder=reminder,
        ),
        dedupe_key=f"enrollment:{enrollment.record.id}",
    )
    return enrollment.record


async def invite(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    data: MemberInvite,
) -> Member:
    """Invite a collaborator: an invited membership, a single-use enrollment link, its mail."""
    workspace_id = _workspace_of(actor.principal)
    roles = frozenset(Role(role) for role in data.roles)
    if not can_grant_roles(actor.principal, roles):
        raise OwnerReserved()
    await repository.lock_workspace(session, workspace_id)
    email = str(data.email).lower()
    user = await repository.user_by_email(session, email)
    if user is None:
        user = User(
            id=uuid.uuid4(), email=email, first_name=data.first_name, last_name=data.last_name
        )
        session.add(user)
        await session.flush()
    elif (existing := await repository.get_membership(session, user.id, workspace_id)) is not None:
        raise MemberAlreadyExists(
            f"{email} est déjà dans le cabinet (statut : {_STATUS_FR[existing.status]}).",
            extra={"member_id": str(existing.id)},
        )
    membership = Membership(
        id=uuid.uuid4(),
        workspace_id=workspace_id,
        user_id=user.id,
        roles=roles,
        status=MembershipStatus.INVITED,
    )
    session.add(membership)
    await session.flush()
    link = await _send_invitation(
        session, settings, actor.principal, membership, user, reminder=False
    )
    await _record(session, "member.invited", actor, membership, user, roles=sorted(roles))
    await webhooks_service.publish(
        session,
        workspace_id,
        WebhookEvent.MEMBER_INVITED,
        {"member_id": str(membership.id), "email": user.email, "roles": sorted(roles)},
    )
    return Member(membership, user, link)


_STATUS_FR = {
    MembershipStatus.INVITED: "invité",
    MembershipStatus.ACTIVE: "actif",
    MembershipStatus.DEACTIVATED: "désactivé",
}


async def resend_invitation(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    membership_id: uuid.UUID,
) -> Member:
    """A new link by mail; the previous one stops working."""
    membership, user = await _member_to_change(session, actor.principal, membership_id)
    if membership.status != MembershipStatus.INVITED:
        raise InvitationNotPending()
    link = await _send_invitation(
        session, settings, actor.principal, membership, user, reminder=True
    )
    await _record(session, "member.invitation_resent", actor, membership, user)
    return Member(membership, user, link)


async def revoke_invitation(session: AsyncSession, actor: Actor, membership_id: uuid.UUID) -> None:
    """Withdraw an invitation: the link dies and the invited member leaves the list."""
    membership, user = await _member_to_change(session, actor.principal, membership_id)
    if membership.status != MembershipStatus.INVITED:
        raise InvitationNotPending()
    await enrollments.revoke(session, user_id=user.id, workspace_id=membership.workspace_id)
    await _record(session, "member.invitation_revoked", actor, membership, user)
    await session.delete(membership)
    await session.flush()


async def change_roles(
    session: AsyncSession,
    actor: Actor,
    membership_id: uuid.UUID,
    roles: frozenset[Role],
) -> Member:
    membership, user = await _member_to_change(session, actor.principal, membership_id)
    if not can_grant_roles(actor.principal, roles):
        raise OwnerReserved()
    before = membership.roles
    if roles != before:
        await _keep_an_owner(session, membership, still_owner=Role.OWNER in roles)
        await _keep_an_administrator(
            session, membership, still_counts=bool(roles & ADMINISTRATOR_ROLES)
        )
        membership.roles = roles
        await session.flush()
        await _record(
            session,
            "member.roles_changed",
            actor,
            membership,
            user,
            before=sorted(before),
            after=sorted(roles),
        )
    return await get_member(session, actor.principal, membership.id)


async def deactivate(session: AsyncSession, actor: Actor, membership_id: uuid.UUID) -> Member:
    """The member keeps their place and roles but can no longer act in this workspace; their
    sessions here end now."""
    membership, user = await _member_to_change(session, actor.principal, membership_id)
    if membership.status != MembershipStatus.ACTIVE:
        raise MemberNotActive()
    await _keep_an_owner(session, membership, still_owner=False)
    await _keep_an_administrator(session, membership, still_counts=False)
    membership.status = MembershipStatus.DEACTIVATED
    await auth_service.revoke_workspace_sessions(
        session, user.id, membership.workspace_id, "member_deactivated"
    )
    await session.flush()
    await _record(session, "member.deactivated", actor, membership, user)
    return Member(membership, user, None)


async def reactivate(session: AsyncSession, actor: Actor, membership_id: uuid.UUID) -> Member:
    membership, user = await _member_to_change(session, actor.principal, membership_id)
    if membership.status != MembershipStatus.DEACTIVATED:
        raise MemberNotDeactivated()
    membership.status = MembershipStatus.ACTIVE
    await session.flush()
    await _record(session, "member.reactivated", actor, membership, user)
    return Member(membership, user, None)


async def remove(session: AsyncSession, actor: Actor, membership_id: uuid.UUID) -> None:
    """Take the member out of the workspace (the person's account and devices remain, for
    their other workspaces); their links and sessions here end."""
    membership, user = await _member_to_change(session, actor.principal, membership_id)
    await _keep_an_owner(session, membership, still_owner=False)
    await _keep_an_administrator(session, membership, still_counts=False)
    await enrollments.revoke(session, user_id=user.id, workspace_id=membership.workspace_id)
    await auth_service.revoke_workspace_sessions(
        session, user.id, membership.workspace_id, "member_removed"
    )
    await _record(
        session,
        "member.removed",
        actor,
        membership,
        user,
        roles=sorted(membership.roles),
        status=membership.status.value,
    )
    await session.delete(membership)
    await session.flush()


async def restore_owner(session: AsyncSession, workspace_id: uuid.UUID, email: str) -> Member:
    """`comptoir firm set-owner`: the self-hoster's way back when no one can act as the firm's
    owner any more (left, lost every device). The member gets the owner role (on top of their
    roles) and, if deactivated, is active again; an audit event of the system records it."""
    await repository.lock_workspace(session, workspace_id)
    found = await repository.membership_by_email(session, workspace_id, email)
    if found is None:
        raise MemberNotFound(f"Aucun utilisateur du cabinet n'a l'adresse {email}.")
    membership, user = found
    roles_before, status_before = membership.roles, membership.status
    membership.roles = frozenset(membership.roles | {Role.OWNER})
    if membership.status == MembershipStatus.DEACTIVATED:
        membership.status = MembershipStatus.ACTIVE
    await session.flush()
    await audit.record_as(
        session,
        "member.owner_restored",
        author=SYSTEM,
        workspace_id=workspace_id,
        target_type="member",
        target_id=membership.id,
        data={
            "email": user.email,
            "before": sorted(roles_before),
            "after": sorted(membership.roles),
            "status_before": status_before.value,
            "via": "comptoir firm set-owner",
        },
    )
    return Member(membership, user, None)


async def accept_into_workspace(session: AsyncSession, accepted: Acceptance) -> None:
    """An invited member becomes active once their first device is enrolled (an
    `api.enrollments` acceptance handler)."""
    user_id, workspace_id = accepted.user_id, accepted.workspace_id
    membership = await repository.get_membership(session, user_id, workspace_id)
    if membership is not None and membership.status == MembershipStatus.INVITED:
        membership.status = MembershipStatus.ACTIVE
        await session.flush()
        await audit.record_as(
            session,
            # Not under "member.": those are the administrators' actions on members.
            "membership.activated",
            author=Author.user(user_id),
            workspace_id=workspace_id,
            target_type="membership",
            target_id=membership.id,
        )
        await webhooks_service.publish(
            session,
            workspace_id,
            WebhookEvent.MEMBER_ACTIVATED,
            {"member_id": str(membership.id), "user_id": str(user_id)},
        )
