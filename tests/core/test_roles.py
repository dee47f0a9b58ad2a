"""Cumulative roles are stored as a bitmask and filterable in SQL."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import Role
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind


async def test_has_role_filters_members_by_one_of_their_roles(session: AsyncSession) -> None:
    firm = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.FIRM, name="Cabinet")
    session.add(firm)
    people = {}
    for name, roles in {
        "comptable": {Role.ACCOUNTANT},
        "gestionnaire-comptable": {Role.CLIENT_MANAGER, Role.ACCOUNTANT},
        "admin": {Role.ADMIN},
    }.items():
        user = User(id=uuid.uuid4(), email=f"{name}@cabinet.fr", first_name=name, last_name="X")
        session.add(user)
        await session.flush()
        session.add(
            Membership(
                workspace_id=firm.id,
                user_id=user.id,
                roles=frozenset(roles),
                status=MembershipStatus.ACTIVE,
            )
        )
        people[user.id] = name
    await session.flush()
    found = await session.scalars(
        select(Membership.user_id).where(
            Membership.workspace_id == firm.id, Membership.has_role(Role.ACCOUNTANT)
        )
    )
    assert sorted(people[user_id] for user_id in found) == ["comptable", "gestionnaire-comptable"]
    stored = await session.scalar(
        select(Membership).where(Membership.has_role(Role.CLIENT_MANAGER))
    )
    assert stored is not None
    assert stored.roles == frozenset({Role.CLIENT_MANAGER, Role.ACCOUNTANT})
