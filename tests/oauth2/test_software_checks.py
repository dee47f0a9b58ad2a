"""What a process remembers of a software call's checks (`api.oauth2.dependencies`): the token
and the organisation, until a change is notified or the token expires; and the key's calls
counted towards its limit even when nothing is read from the database."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.access_cache import AccessCache
from api.core.crypto import hash_token
from api.core.models import utcnow
from api.core.state import state_of
from api.models.api_key import ApiKey
from api.oauth2.service import VerifiedToken
from api.rate_limits.service import BatchedLimit, Limit
from tests.software import EXAMPLES_SELLER_SIREN, SoftwareWorld, software_world, token_for

SEARCH = "/afnor-flow/v1/flows/search"
BODY = {"where": {"updatedAfter": "2000-01-01T00:00:00Z"}}


def _listening_cache(app: FastAPI) -> AccessCache:
    """The cache as the lifespan installs it on PostgreSQL, here told it listens (the
    notifications themselves: tests/auth/test_access_cache.py)."""
    cache = AccessCache()
    cache.listening = True
    state_of(app).put(AccessCache, cache)
    return cache


async def _world(
    client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
) -> tuple[SoftwareWorld, dict[str, str]]:
    world = await software_world(client, session, state_of(app).settings)
    headers = await token_for(client, world.firm_key) | {"Organization-Id": EXAMPLES_SELLER_SIREN}
    return world, headers


async def test_a_remembered_token_stops_working_once_its_key_revocation_is_notified(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world, headers = await _world(client, session, app)
    cache = _listening_cache(app)
    assert (await client.post(SEARCH, json=BODY, headers=headers)).status_code == 200
    token_hash = hash_token(headers["Authorization"].removeprefix("Bearer "))
    assert cache.get(("software-token", token_hash), VerifiedToken) is not None

    key_id = uuid.UUID(world.firm_key.client_id)
    await session.execute(update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=utcnow()))
    await session.commit()
    cache.clear()  # what the database's notification of that commit does

    refused = await client.post(SEARCH, json=BODY, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["errorCode"] == "INVALID_TOKEN"


async def test_a_remembered_token_still_expires(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    _, headers = await _world(client, session, app)
    cache = _listening_cache(app)
    assert (await client.post(SEARCH, json=BODY, headers=headers)).status_code == 200
    key = ("software-token", hash_token(headers["Authorization"].removeprefix("Bearer ")))
    remembered = cache.get(key, VerifiedToken)
    assert remembered is not None
    cache.put(
        key,
        VerifiedToken(remembered.caller, utcnow() - timedelta(seconds=1)),
        cache.generation,
    )

    assert (await client.post(SEARCH, json=BODY, headers=headers)).status_code == 401


async def test_a_refused_organization_is_not_remembered(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    _, headers = await _world(client, session, app)
    _listening_cache(app)
    for _ in range(2):
        refused = await client.post(
            SEARCH, json=BODY, headers=headers | {"Organization-Id": "414617811"}
        )
        assert refused.status_code == 403
    assert (await client.post(SEARCH, json=BODY, headers=headers)).status_code == 200


async def test_the_keys_calls_are_limited_even_when_answered_from_memory(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    _, headers = await _world(client, session, app)
    _listening_cache(app)
    state_of(app).put(BatchedLimit, BatchedLimit(Limit("api-key", 3, 60)))
    for _ in range(3):
        assert (await client.post(SEARCH, json=BODY, headers=headers)).status_code == 200

    limited = await client.post(SEARCH, json=BODY, headers=headers)

    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["errorCode"] == "TOO_MANY_REQUESTS"
