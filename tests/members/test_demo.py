"""The demo step invites one collaborator per firm role into the demo firm, once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.settings import Settings
from api.firms import service as firms_service
from api.firms.schemas import FirmCreate
from api.members.demo import DEMO_FIRM_SIREN, invite_demo_collaborators
from api.models.membership import Membership, MembershipStatus
from api.models.outbox_message import OutboxMessage


async def test_demo_collaborators_are_invited_once_when_the_demo_firm_exists(
    session: AsyncSession, settings: Settings
) -> None:
    assert await invite_demo_collaborators(session, settings) == []  # no demo firm: skipped
    created = await firms_service.create_firm(
        session,
        settings,
        FirmCreate(
            name="Cabinet Démo",
            siren=DEMO_FIRM_SIREN,
            owner_email="expert@cabinet-demo.example",
            owner_first_name="Hélène",
            owner_last_name="Garnier",
        ),
    )
    lines = await invite_demo_collaborators(session, settings)
    assert "Sophie Bernard, Karim Haddad, Julie Moreau" in lines[0]
    assert await invite_demo_collaborators(session, settings) == []

    invited = await session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.workspace_id == created.firm.id,
            Membership.status == MembershipStatus.INVITED,
        )
    )
    assert invited == 4  # the owner has not enrolled a phone either
    mails = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert mails == 3
