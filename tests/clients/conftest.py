"""Clients fixtures: a firm whose people are logged in over HTTP, and the SIRENE sample."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import Role
from api.core.settings import Settings
from api.firms.service import CreatedFirm
from tests.companies.conftest import load_sirene_sample
from tests.helpers import bearer_login, create_firm, create_member, enrolled_phone
from tests.shared_data import SHARED_DATA

SAMPLE_DIR = SHARED_DATA / "clients"


@dataclass
class Person:
    user_id: str
    email: str
    headers: dict[str, str]


async def log_in(client: httpx.AsyncClient, enrollment_url: str) -> dict[str, str]:
    phone = await enrolled_phone(client, enrollment_url)
    tokens = await bearer_login(client, phone)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def member(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    firm: CreatedFirm,
    roles: frozenset[Role],
    first_name: str = "Paul",
) -> Person:
    user, link = await create_member(session, settings, firm.firm, roles, first_name=first_name)
    return Person(str(user.id), user.email, await log_in(client, link))


@dataclass
class Firm:
    created: CreatedFirm
    owner: Person


@pytest.fixture
async def firm(client: httpx.AsyncClient, session: AsyncSession, settings: Settings) -> Firm:
    created = await create_firm(session, settings)
    owner = Person(
        str(created.owner.id), created.owner.email, await log_in(client, created.enrollment.url)
    )
    return Firm(created, owner)


@pytest.fixture
async def sirene(session: AsyncSession) -> None:
    await load_sirene_sample(session)
    await session.commit()
