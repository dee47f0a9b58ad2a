"""The phone's device session starts in the workspace last chosen on the phone, when the user
still acts there; otherwise in the default one (firms first)."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import Role
from api.core.settings import Settings
from api.models.membership import Membership, MembershipStatus
from api.models.workspace import Workspace, WorkspaceKind
from tests.helpers import create_firm, enrolled_phone


async def _current_workspace(client: httpx.AsyncClient, auth: dict[str, str]) -> str:
    me = await client.get("/api/v1/me", headers=auth)
    assert me.status_code == 200, me.text
    return str(me.json()["workspace"]["id"])


async def test_a_device_session_starts_in_the_chosen_workspace_if_still_allowed(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    own_company = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.COMPANY, name="Cabinet (société)")
    elsewhere = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.COMPANY, name="Garage Martin")
    session.add_all([own_company, elsewhere])
    await session.flush()
    session.add(
        Membership(
            workspace_id=own_company.id,
            user_id=firm.owner.id,
            roles=frozenset({Role.COMPANY_USER}),
            status=MembershipStatus.ACTIVE,
        )
    )
    await session.commit()
    phone = await enrolled_phone(client, firm.enrollment.url)

    assert (await phone.open_session(client)).status_code == 201
    by_default = await _current_workspace(client, phone.auth)
    assert (await phone.open_session(client, str(own_company.id))).status_code == 201
    chosen = await _current_workspace(client, phone.auth)
    # A workspace the user does not belong to is ignored, never entered.
    assert (await phone.open_session(client, str(elsewhere.id))).status_code == 201
    not_theirs = await _current_workspace(client, phone.auth)

    assert by_default == str(firm.firm.id)
    assert chosen == str(own_company.id)
    assert not_theirs == str(firm.firm.id)
