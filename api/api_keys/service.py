"""API keys: scoped service principals of a workspace for integrations (Extensions).

The secret (`cpt_key_…`, 256 bits) is shown once and stored as its SHA-256. A key's
permissions are its scopes' permissions, capped twice by its creator's rights: when minted
(`can_mint_scopes`) and at every use (the creator's current roles), so demoting or deactivating
the creator narrows or stops their keys.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.api_keys import repository
from api.audit import service as audit
from api.core.actor import Actor
from api.core.authz import (
    Principal,
    PrincipalKind,
    Scope,
    can_mint_scopes,
    permissions_of,
    permissions_of_scopes,
)
from api.core.crypto import hash_token, new_token
from api.core.errors import AppError, NotFound, Unauthorized
from api.core.models import utcnow
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.models.api_key import ApiKey
from api.models.membership import MembershipStatus
from api.rate_limits import service as rate_limits
from api.rate_limits.service import Limit

API_KEY_PREFIX = "cpt_key_"
# Writing last-used data on every call would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyNotFound(NotFound):
    code = "api-key-not-found"
    title = "Clé d'API introuvable"


class ScopesBeyondCreator(AppError):
    status = 422
    code = "scopes-beyond-creator"
    title = "Portée supérieure à vos propres droits"


class InvalidApiKey(Unauthorized):
    code = "invalid-api-key"
    title = "Clé d'API invalide, expirée ou révoquée"


@dataclass(frozen=True, slots=True)
class MintedKey:
    key: ApiKey
    secret: str


def is_api_key(token: str) -> bool:
    return token.startswith(API_KEY_PREFIX)


async def mint(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    scopes: frozenset[Scope],
    expires_at: datetime | None,
) -> MintedKey:
    assert actor.principal.workspace_id is not None
    assert actor.principal.user_id is not None
    if not can_mint_scopes(actor.principal, scopes):
        missing = sorted(
            scope.value
            for scope in scopes
            if not can_mint_scopes(actor.principal, frozenset({scope}))
        )
        raise ScopesBeyondCreator(
            "Une clé ne peut pas avoir plus de droits que son créateur : "
            f"{', '.join(missing)} non autorisé(s) pour vos rôles."
        )
    secret = new_token(API_KEY_PREFIX)
    key = ApiKey(
        id=uuid.uuid4(),
        workspace_id=actor.principal.workspace_id,
        name=name,
        prefix=secret[: len(API_KEY_PREFIX) + 6],
        secret_hash=hash_token(secret),
        scopes=sorted(scope.value for scope in scopes),
        created_by_user_id=actor.principal.user_id,
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    await audit.record(
        session,
        "api_key.created",
        actor=actor,
        workspace_id=actor.principal.workspace_id,
        target_type="api_key",
        target_id=key.id,
        data={"name": name, "scopes": key.scopes, "expires_at": expires_at},
    )
    return MintedKey(key, secret)


async def list_keys(
    session: AsyncSession, principal: Principal, limit: int, cursor: str | None
) -> tuple[list[ApiKey], str | None]:
    assert principal.workspace_id is not None
    return await repository.of_workspace(session, principal.workspace_id, limit, cursor)


async def revoke(session: AsyncSession, actor: Actor, key_id: uuid.UUID) -> ApiKey:
    assert actor.principal.workspace_id is not None
    key = await repository.get_in_workspace(session, actor.principal.workspace_id, key_id)
    if key is None:
        raise ApiKeyNotFound()
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await audit.record(
            session,
            "api_key.revoked",
            actor=actor,
            workspace_id=actor.principal.workspace_id,
            target_type="api_key",
            target_id=key.id,
            data={"name": key.name},
        )
    return key


async def authenticate(
    session: AsyncSession, settings: Settings, origin: RequestOrigin, secret: str
) -> Principal:
    """The service principal of a presented key, or 401. Rate-limited per key."""
    found = await repository.by_secret_hash(session, hash_token(secret))
    now = utcnow()
    if found is None:
        raise InvalidApiKey()
    key, creator = found
    if (
        key.revoked_at is not None
        or (key.expires_at is not None and key.expires_at <= now)
        or creator is None
        or creator.status != MembershipStatus.ACTIVE
    ):
        raise InvalidApiKey()
    await rate_limits.enforce(
        session,
        Limit("api-key", settings.rate_limit_api_key_requests_per_minute, 60),
        str(key.id),
        "Limite de requêtes de cette clé atteinte.",
    )
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        key.last_used_at = now
        key.last_used_ip = origin.ip
    scopes = frozenset(Scope(scope) for scope in key.scopes)
    return Principal(
        kind=PrincipalKind.API_KEY,
        user_id=key.created_by_user_id,
        api_key_id=key.id,
        workspace_id=key.workspace_id,
        membership_id=creator.id,
        roles=frozenset(),
        permissions=permissions_of_scopes(scopes) & permissions_of(creator.roles),
    )
