"""Firm creation: one firm per SIREN, even when two registrations race."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.settings import Settings
from api.firms import service
from api.firms.schemas import FirmCreate
from api.models.workspace import Workspace


def _firm(email: str) -> FirmCreate:
    return FirmCreate(
        name="Cabinet Martin & Associés",
        siren="901234567",
        owner_email=email,
        owner_first_name="Claire",
        owner_last_name="Martin",
    )


async def test_a_siren_already_registered_is_a_409(
    session: AsyncSession, settings: Settings
) -> None:
    await service.create_firm(session, settings, _firm("claire@cabinet-martin.fr"))
    with pytest.raises(service.FirmAlreadyRegistered):
        await service.create_firm(session, settings, _firm("paul@cabinet-martin.fr"))


async def test_the_unique_index_settles_a_race_with_the_same_clear_error(
    session: AsyncSession, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    await service.create_firm(session, settings, _firm("claire@cabinet-martin.fr"))

    async def check_passed_before_the_other_insert(_session: AsyncSession, _siren: str) -> None:
        return None

    monkeypatch.setattr(service, "ensure_siren_is_free", check_passed_before_the_other_insert)
    with pytest.raises(service.FirmAlreadyRegistered):
        await service.create_firm(session, settings, _firm("paul@cabinet-martin.fr"))
    # The refused insert was undone alone: the session goes on.
    count = await session.scalar(
        select(func.count()).select_from(Workspace).where(Workspace.siren == "901234567")
    )
    assert count == 1
