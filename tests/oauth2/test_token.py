"""POST /oauth2/token: client credentials (RFC 6749 §4.4) with an API key as the client, by
HTTP Basic or form fields; RFC 6749 §5.2 error bodies; and who a token may act for
(`Organization-Id`)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.models import utcnow
from api.core.settings import Settings
from api.models.api_key import ApiKey
from api.models.software_token import SoftwareAccessToken
from api.oauth2 import service
from api.oauth2.service import OrganizationRefused
from tests.software import (
    CERTIFIED_SIREN,
    RIVAL_CLIENT_SIREN,
    UNCERTIFIED_SIREN,
    SoftwareWorld,
    software_world,
)


@pytest.fixture
async def world(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> SoftwareWorld:
    return await software_world(client, session, settings)


async def test_client_secret_basic_gets_a_short_lived_bearer_token(
    client: httpx.AsyncClient, world: SoftwareWorld, session: AsyncSession
) -> None:
    response = await client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials", "scope": "flows:read"},
        headers=world.firm_key.basic(),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "flows:read"
    assert 0 < body["expires_in"] <= 900
    assert response.headers["cache-control"] == "no-store"
    stored = await session.scalar(select(SoftwareAccessToken))
    assert stored is not None
    assert stored.scopes == ["flows:read"]
    assert body["access_token"] not in stored.token_hash  # only its hash is kept


async def test_client_secret_post_without_scope_gets_every_standard_scope_of_the_key(
    client: httpx.AsyncClient, world: SoftwareWorld
) -> None:
    response = await client.post(
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": world.firm_key.client_id,
            "client_secret": world.firm_key.secret,
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "directory:read flows:read flows:write"


@pytest.mark.parametrize(
    ("form", "use_basic", "status", "error"),
    [
        ({"grant_type": "password"}, True, 400, "unsupported_grant_type"),
        ({}, True, 400, "invalid_request"),
        (
            {"grant_type": "client_credentials", "scope": "clients:write"},
            True,
            400,
            "invalid_scope",
        ),
        ({"grant_type": "client_credentials", "scope": "nope"}, True, 400, "invalid_scope"),
        ({"grant_type": "client_credentials"}, False, 401, "invalid_client"),
        (
            {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
            False,
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_secret": "both"},
            True,
            400,
            "invalid_request",
        ),
    ],
)
async def test_token_errors_follow_rfc_6749(
    client: httpx.AsyncClient,
    world: SoftwareWorld,
    form: dict[str, str],
    use_basic: bool,
    status: int,
    error: str,
) -> None:
    headers = world.firm_key.basic() if use_basic else {}
    response = await client.post("/oauth2/token", data=form, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["error_description"]


async def test_a_wrong_secret_is_invalid_client_with_the_basic_challenge(
    client: httpx.AsyncClient, world: SoftwareWorld
) -> None:
    response = await client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(world.firm_key.client_id, world.rival_key.secret),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_a_revoked_key_gets_no_token_and_its_tokens_stop_working(
    client: httpx.AsyncClient, world: SoftwareWorld, session: AsyncSession, settings: Settings
) -> None:
    token = await client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers=world.firm_key.basic(),
    )
    access = token.json()["access_token"]
    caller = (await service.verify(session, settings, access)).caller
    assert caller.principal.api_key_id is not None
    await session.execute(
        update(ApiKey).where(ApiKey.id == caller.principal.api_key_id).values(revoked_at=utcnow())
    )
    await session.commit()
    again = await client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers=world.firm_key.basic(),
    )
    assert again.status_code == 401
    with pytest.raises(service.InvalidSoftwareToken):
        await service.verify(session, settings, access)


def _key(world: SoftwareWorld, name: str) -> str:
    key = getattr(world, name)
    return str(key.client_id)


# (whose key, Organization-Id, acts for the client with this SIREN or is refused)
ORGANIZATION_TABLE = [
    ("firm_key", CERTIFIED_SIREN, CERTIFIED_SIREN),
    ("firm_key", UNCERTIFIED_SIREN, None),
    ("firm_key", RIVAL_CLIENT_SIREN, None),
    ("firm_key", "pas-un-siren", None),
    ("company_key", None, CERTIFIED_SIREN),
    ("company_key", CERTIFIED_SIREN, CERTIFIED_SIREN),
    ("company_key", RIVAL_CLIENT_SIREN, None),
    ("rival_company_key", CERTIFIED_SIREN, None),
    ("rival_key", CERTIFIED_SIREN, None),
    ("rival_key", RIVAL_CLIENT_SIREN, RIVAL_CLIENT_SIREN),
]


@pytest.mark.parametrize(("key_name", "organization_id", "acts_for"), ORGANIZATION_TABLE)
async def test_organization_id_table(
    client: httpx.AsyncClient,
    world: SoftwareWorld,
    session: AsyncSession,
    settings: Settings,
    key_name: str,
    organization_id: str | None,
    acts_for: str | None,
) -> None:
    key = getattr(world, key_name)
    token = await client.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, headers=key.basic()
    )
    caller = (await service.verify(session, settings, token.json()["access_token"])).caller
    if acts_for is None:
        with pytest.raises(OrganizationRefused):
            await service.resolve_organization(session, caller, organization_id)
        return
    organization = await service.resolve_organization(session, caller, organization_id)
    assert organization.siren == acts_for


async def test_a_firm_key_without_organization_id_acts_for_no_one_but_the_firm_itself(
    client: httpx.AsyncClient, world: SoftwareWorld, session: AsyncSession, settings: Settings
) -> None:
    token = await client.post(
        "/oauth2/token", data={"grant_type": "client_credentials"}, headers=world.firm_key.basic()
    )
    caller = (await service.verify(session, settings, token.json()["access_token"])).caller
    # The firm is not a client of itself here: nobody to act for.
    with pytest.raises(OrganizationRefused):
        await service.resolve_organization(session, caller, None)
