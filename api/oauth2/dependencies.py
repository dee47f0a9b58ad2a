"""The caller of a standard-API request: a software bearer token, and the organisation it acts
for (`Organization-Id`), with the permission its route needs.

On PostgreSQL both answers are remembered by the process (`api.auth.access_cache`: forgotten
when a key, token, membership, workspace, client, assignment or designation changes, or after
30 s), so a call costs no round trip before its own work; its count towards the key's limit is
written once a second (`api.rate_limits.service.BatchedLimit`). Only successes are remembered:
a refused token or organisation is read again each time."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.access_cache import AccessCache
from api.core.authz import Permission
from api.core.crypto import hash_token
from api.core.db import DbSession, changes_no_access, release_connection, writable
from api.core.models import utcnow
from api.core.state import request_state
from api.oauth2 import service
from api.oauth2.service import MissingSoftwareToken, Organization, SoftwareCaller, VerifiedToken
from api.rate_limits.service import BatchedLimit

ORGANIZATION_HEADER = "organization-id"


@dataclass(frozen=True, slots=True)
class Acting:
    caller: SoftwareCaller
    organization: Organization


def _bearer(request: Request) -> str:
    authorization = request.headers.get("authorization")
    if not authorization:
        raise MissingSoftwareToken(
            "En-tête Authorization: Bearer attendu (jeton de /oauth2/token).",
            headers={"WWW-Authenticate": 'Bearer realm="comptoir"'},
        )
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise MissingSoftwareToken(
            "En-tête Authorization: Bearer attendu (jeton de /oauth2/token).",
            headers={"WWW-Authenticate": 'Bearer realm="comptoir"'},
        )
    return token.strip()


async def _caller(request: Request, session: AsyncSession) -> tuple[SoftwareCaller, str]:
    """The token's caller (and the token's hash, which names it in the cache), its call
    counted."""
    token = _bearer(request)
    token_hash = hash_token(token)
    state = request_state(request)
    cache = state.get(AccessCache)
    verified = None if cache is None else cache.get(("software-token", token_hash), VerifiedToken)
    if verified is None:
        generation = 0 if cache is None else cache.generation
        verified = await service.verify(session, state.settings, token)
        if cache is not None:
            cache.put(("software-token", token_hash), verified, generation)
    caller = service.caller_of(verified, utcnow())
    limit = state.once(BatchedLimit, lambda: service.call_limit(state.settings))

    @contextlib.asynccontextmanager
    async def counting() -> AsyncIterator[AsyncSession]:
        async with writable(request, session) as writer:
            yield writer
        # The key's calls count on one row: committed now, its lock is held for one
        # statement, not for the whole request (an upload), which would queue the key's
        # calls one behind the other (measured: 10 deposits/s at 32 connections).
        await release_connection(session)

    await service.count_call(limit, counting, caller)
    # The standard APIs manage no key, member or session: what a call writes changes no
    # access check, and this process need not forget them when it commits.
    changes_no_access(request)
    return caller, token_hash


async def _organization(
    request: Request, session: AsyncSession, caller: SoftwareCaller, token_hash: str
) -> Organization:
    wanted = request.headers.get(ORGANIZATION_HEADER)
    cache = request_state(request).get(AccessCache)
    key = ("software-organization", token_hash, wanted)
    organization = None if cache is None else cache.get(key, Organization)
    if organization is None:
        generation = 0 if cache is None else cache.generation
        organization = await service.resolve_organization(session, caller, wanted)
        if cache is not None:
            cache.put(key, organization, generation)
    return organization


def acting_for(permission: Permission) -> Callable[[Request, DbSession], Awaitable[Acting]]:
    """Dependency factory: a valid token holding `permission`, acting for an organisation the
    key may act for (`service.resolve_organization`)."""

    async def dependency(request: Request, session: DbSession) -> Acting:
        caller, token_hash = await _caller(request, session)
        service.require_permission(caller, permission)
        organization = await _organization(request, session, caller, token_hash)
        return Acting(caller, organization)

    return dependency


def authenticated(
    permission: Permission,
) -> Callable[[Request, DbSession], Awaitable[SoftwareCaller]]:
    """Dependency factory: a valid token holding `permission`, whatever organisation."""

    async def dependency(request: Request, session: DbSession) -> SoftwareCaller:
        caller, _ = await _caller(request, session)
        service.require_permission(caller, permission)
        return caller

    return dependency
