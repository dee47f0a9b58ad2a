"""A firm with two clients and one person per role, logged in over HTTP; a second firm.

Client A is assigned to the Comptable and active, with a company space whose user is logged
in; client B is nobody's. The phone of the Comptable is kept for device (mobile) uploads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import Role
from api.core.settings import Settings
from api.models.client import Client, ClientAssignment, ClientStatus
from api.models.workspace import Workspace, WorkspaceKind
from tests.helpers import Phone, bearer, bearer_login, create_firm, create_member, enrolled_phone
from tests.shared_data import SHARED_DATA

EINVOICES = SHARED_DATA / "einvoices"


@dataclass
class Space:
    firm_id: uuid.UUID
    client_a: uuid.UUID
    client_b: uuid.UUID
    other_firm_client: uuid.UUID
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    accountant_phone: Phone | None = None


def _client(firm_id: uuid.UUID, siren: str, name: str, **values: object) -> Client:
    return Client(
        id=uuid.uuid4(),
        firm_id=firm_id,
        siren=siren,
        legal_name=name,
        search_name=" " + name.lower(),
        sort_name=name.lower(),
        **values,
    )


@pytest.fixture
async def space(client: httpx.AsyncClient, session: AsyncSession, settings: Settings) -> Space:
    firm = await create_firm(session, settings, name="Cabinet Durand")
    other = await create_firm(session, settings, name="Cabinet Voisin")
    company = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.COMPANY, name="Garage Martin")
    session.add(company)
    await session.flush()
    client_a = _client(
        firm.firm.id,
        "356000000",
        "Garage Martin",
        company_workspace_id=company.id,
        status=ClientStatus.ACTIVE,
    )
    client_b = _client(firm.firm.id, "732829320", "Boulangerie Petit")
    other_client = _client(other.firm.id, "356000000", "Garage Martin")
    session.add_all([client_a, client_b, other_client])
    await session.flush()
    world = Space(firm.firm.id, client_a.id, client_b.id, other_client.id)

    async def log_in(link: str, keep_phone: bool = False) -> dict[str, str]:
        phone = await enrolled_phone(client, link)
        if keep_phone:
            world.accountant_phone = phone
        return bearer(await bearer_login(client, phone))

    world.headers["owner"] = await log_in(firm.enrollment.url)
    world.headers["other_firm"] = await log_in(other.enrollment.url)
    for persona, role in (
        ("admin", Role.ADMIN),
        ("client_manager", Role.CLIENT_MANAGER),
        ("accountant", Role.ACCOUNTANT),
    ):
        user, link = await create_member(session, settings, firm.firm, frozenset({role}))
        world.headers[persona] = await log_in(link, keep_phone=persona == "accountant")
        if persona == "accountant":
            session.add(
                ClientAssignment(firm_id=firm.firm.id, client_id=client_a.id, user_id=user.id)
            )
    _user, link = await create_member(session, settings, company, frozenset({Role.COMPANY_USER}))
    world.headers["company_user"] = await log_in(link)
    world.headers["anonymous"] = {}
    await session.commit()
    return world
