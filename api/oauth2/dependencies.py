"""The caller of a standard-API request: a software bearer token, and the organisation it acts
for (`Organization-Id`), with the permission its route needs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from api.core.authz import Permission
from api.core.db import DbSession, writable
from api.core.state import request_state
from api.oauth2 import service
from api.oauth2.service import MissingSoftwareToken, Organization, SoftwareCaller

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


def acting_for(permission: Permission) -> Callable[[Request, DbSession], Awaitable[Acting]]:
    """Dependency factory: a valid token holding `permission`, acting for an organisation the
    key may act for (`service.resolve_organization`)."""

    async def dependency(request: Request, session: DbSession) -> Acting:
        async with writable(request, session) as writer:
            caller = await service.authenticate(
                writer, request_state(request).settings, _bearer(request)
            )
        service.require_permission(caller, permission)
        organization = await service.resolve_organization(
            session, caller, request.headers.get(ORGANIZATION_HEADER)
        )
        return Acting(caller, organization)

    return dependency


def authenticated(
    permission: Permission,
) -> Callable[[Request, DbSession], Awaitable[SoftwareCaller]]:
    """Dependency factory: a valid token holding `permission`, whatever organisation."""

    async def dependency(request: Request, session: DbSession) -> SoftwareCaller:
        async with writable(request, session) as writer:
            caller = await service.authenticate(
                writer, request_state(request).settings, _bearer(request)
            )
        service.require_permission(caller, permission)
        return caller

    return dependency
