"""Who is calling: the request's `Principal`, from a bearer token or the browser's cookies.

    Authenticated   any valid session (user, device) or API key
    Person          a user or device session, never an API key
    require(P...)   a session acting in a workspace with every permission P, else 404
    acting(P...)    the same, as an `Actor` (principal + where the request comes from), for
                    the writes that are audited; `AuthenticatedActor`, `PersonActor` likewise

Browser sessions carry the access token in an HttpOnly `__Host-` cookie; unsafe methods must
then repeat the CSRF cookie's value in `X-CSRF-Token` (double submit; SameSite=Strict is the
first line, this the second).
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.api_keys import service as api_keys_service
from api.auth import repository
from api.auth.access_cache import AccessCache
from api.auth.tokens import InvalidAccessToken, KeyRing
from api.core.actor import Actor
from api.core.authz import Permission, Principal, PrincipalKind, permissions_of
from api.core.db import DbSession, writable, write_soon, writes_after_response
from api.core.errors import AppError, NotFound, Unauthorized
from api.core.models import utcnow
from api.core.request_context import Origin, RequestOrigin, request_origin
from api.core.state import request_state
from api.models.auth_session import SessionKind
from api.models.membership import MembershipStatus

ACCESS_COOKIE = "__Host-comptoir_access"
REFRESH_COOKIE = "__Host-comptoir_refresh"
CSRF_COOKIE = "comptoir_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writing last_used_at on every request would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class CsrfFailed(AppError):
    status = 403
    code = "csrf-failed"
    title = "Jeton CSRF manquant ou invalide"


class SessionEnded(Unauthorized):
    code = "session-ended"
    title = "Session terminée : reconnectez-vous"


async def key_ring(request: Request) -> KeyRing:
    state = request_state(request)
    return state.once(KeyRing, lambda: KeyRing(state.settings))


Keys = Annotated[KeyRing, Depends(key_ring)]


def _credentials(request: Request) -> tuple[str | None, bool]:
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise InvalidAccessToken("En-tête Authorization attendu : « Bearer <jeton> ».")
        return token.strip(), False
    return request.cookies.get(ACCESS_COOKIE), True


def check_csrf(request: Request) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    header = request.headers.get(CSRF_HEADER)
    if not cookie or not header or not hmac.compare_digest(cookie, header):
        raise CsrfFailed("Rechargez la page puis recommencez.")


async def current_principal(
    request: Request, session: DbSession, keys: Keys, origin: Origin
) -> Principal:
    token, from_cookie = _credentials(request)
    if not token:
        raise Unauthorized("Connectez-vous pour continuer.")
    if not from_cookie and api_keys_service.is_api_key(token):
        async with writable(request, session) as writer:
            return await api_keys_service.authenticate(
                writer, request_state(request).settings, origin, token
            )
    if from_cookie and request.method not in SAFE_METHODS:
        check_csrf(request)
    claims = await keys.verify(session, token)
    context = await _access_context(request, session, claims.session_id)
    now = utcnow()
    if context is None or not _session_alive(context, claims.user_id, now):
        raise SessionEnded()
    if now - context.last_used_at > LAST_USED_RESOLUTION:
        if writes_after_response(request):
            session_id = claims.session_id
            write_soon(
                request,
                lambda writer: repository.touch_session(writer, session_id, now),
                what="session-last-used",
            )
        else:
            await repository.touch_session(session, claims.session_id, now)
        cache = request_state(request).get(AccessCache)
        if cache is not None:
            cache.put(claims.session_id, replace(context, last_used_at=now), cache.generation)
    return Principal(
        kind=PrincipalKind.DEVICE if context.kind == SessionKind.DEVICE else PrincipalKind.USER,
        user_id=context.user_id,
        session_id=claims.session_id,
        device_id=context.device_id,
        workspace_id=context.workspace_id,
        membership_id=context.membership_id,
        roles=context.roles,
        permissions=permissions_of(context.roles),
    )


async def _access_context(
    request: Request, session: AsyncSession, session_id: uuid.UUID
) -> repository.AccessContext | None:
    """The session's check, from this process's cache when it may answer (`access_cache`)."""
    cache = request_state(request).get(AccessCache)
    if cache is None:
        return await repository.access_context(session, session_id)
    context = cache.get(session_id, repository.AccessContext)
    if context is None:
        generation = cache.generation
        context = await repository.access_context(session, session_id)
        if context is not None:
            cache.put(session_id, context, generation)
    return context


def _session_alive(context: repository.AccessContext, user_id: uuid.UUID, now: datetime) -> bool:
    return (
        context.user_id == user_id
        and context.revoked_at is None
        and context.expires_at > now
        and context.user_deleted_at is None
        and (context.device_id is None or (context.device_found and not context.device_revoked_at))
        and (context.workspace_id is None or context.membership_id is not None)
        and (context.membership_id is None or context.membership_status == MembershipStatus.ACTIVE)
    )


Authenticated = Annotated[Principal, Depends(current_principal)]


async def person(principal: Authenticated) -> Principal:
    """A person's own session (browser, app or device): an API key has no sessions, devices
    or activity of its own, and must never reach its creator's (404)."""
    if principal.kind == PrincipalKind.API_KEY:
        raise NotFound()
    return principal


Person = Annotated[Principal, Depends(person)]


def require(*permissions: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """Dependency factory: the caller acts in a workspace and holds every permission given.
    Anything less is a 404, so a role never learns that a screen or a resource exists."""

    async def dependency(principal: Authenticated) -> Principal:
        if principal.workspace_id is None or not all(principal.has(p) for p in permissions):
            raise NotFound()
        return principal

    return dependency


def acting(*permissions: Permission) -> Callable[[Principal, RequestOrigin], Awaitable[Actor]]:
    """`require(*permissions)` as the request's `Actor`: the principal and its origin."""
    return _actor_of(require(*permissions))


def _actor_of(
    principal_dependency: Callable[..., Awaitable[Principal]],
) -> Callable[[Principal, RequestOrigin], Awaitable[Actor]]:
    # Defaults, not `Annotated[...]`: the annotations are strings (PEP 563) that FastAPI resolves
    # in the module's globals, where `principal_dependency` does not exist.
    async def dependency(
        principal: Principal = Depends(principal_dependency),
        origin: RequestOrigin = Depends(request_origin),
    ) -> Actor:
        return Actor(principal=principal, origin=origin)

    return dependency


AuthenticatedActor = Annotated[Actor, Depends(_actor_of(current_principal))]
PersonActor = Annotated[Actor, Depends(_actor_of(person))]
