"""Workspace members. (Invitations, role changes and listing grow here with the members issue.)"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.members import repository
from api.models.membership import MembershipStatus


async def activate_on_enrollment(
    session: AsyncSession, user_id: uuid.UUID, workspace_id: uuid.UUID
) -> None:
    """An invited member becomes active once their first device is enrolled."""
    membership = await repository.get_membership(session, user_id, workspace_id)
    if membership is not None and membership.status == MembershipStatus.INVITED:
        membership.status = MembershipStatus.ACTIVE
        await session.flush()
