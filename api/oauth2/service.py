"""Software access to the standard APIs: OAuth2 client credentials (RFC 6749 §4.4) where the
client is an API key (client id = the key's id, client secret = the key's secret), short-lived
opaque bearer tokens stored hashed, and the organisation a call acts for (`Organization-Id`).

    issue_token(...)             the token endpoint's work; `OAuthError` carries RFC 6749 §5.2
    verify(...)                  a bearer token → the caller (its key and creator checked)
    resolve_organization(...)    who the call acts for:
        a firm's key     for one of its clients (by SIREN or client id) whose mandate the firm
                         certified; a Comptable's key only for the clients assigned to them;
                         without the header, for the firm itself as its own client
        a company's key  only for the company itself
        a peer platform  (its `inbound_client_id` in `peer_platforms`) only for a company
                         registered in the directory through this platform: it delivers
                         invoices and lifecycle messages (docs/flows.md « Routage »)
    Anything else is refused with 403 `FORBIDDEN_ACCESS`, as the annex's error responses say.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.authz import (
    SOFTWARE_SCOPES,
    Permission,
    Principal,
    PrincipalKind,
    Scope,
    permissions_of,
    permissions_of_scopes,
)
from api.core.crypto import hash_token, new_token
from api.core.errors import AppError
from api.core.models import utcnow
from api.core.settings import PeerPlatform, Settings
from api.models.client import Client
from api.models.membership import MembershipStatus
from api.models.software_token import SoftwareAccessToken
from api.models.workspace import WorkspaceKind
from api.oauth2 import repository
from api.rate_limits.service import BatchedLimit, Limit

ACCESS_TOKEN_PREFIX = "cpt_at_"
PEER_TOKEN_PREFIX = "cpt_pt_"
logger = logging.getLogger("comptoir.oauth2")
_SIREN = re.compile(r"^\d{9}$")


class OAuthError(Exception):
    """An error of the token endpoint, rendered as RFC 6749 §5.2 (`error`, `error_description`)."""

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class InvalidSoftwareToken(AppError):
    status = 401
    code = "INVALID_TOKEN"
    title = "Jeton d'accès invalide ou expiré"


class MissingSoftwareToken(AppError):
    status = 401
    code = "MISSING_TOKEN"
    title = "Jeton d'accès manquant"


class ScopeMissing(AppError):
    status = 403
    code = "FORBIDDEN_ACCESS"
    title = "Portée du jeton insuffisante"


class OrganizationRefused(AppError):
    status = 403
    code = "FORBIDDEN_ACCESS"
    title = "Organisation non autorisée pour cette clé"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scopes: list[str]


@dataclass(frozen=True, slots=True)
class SoftwareCaller:
    """The software behind a bearer token: its key's principal, in the key's workspace."""

    principal: Principal
    workspace_kind: WorkspaceKind
    workspace_siren: str | None
    scopes: frozenset[Scope]
    # Another platform delivering to us (its id in the directory); None for software.
    peer_platform_id: str | None = None


@dataclass(frozen=True, slots=True)
class Organization:
    """The company a call acts for, as a client of its firm."""

    client_id: uuid.UUID
    firm_id: uuid.UUID
    siren: str
    siret: str | None
    name: str
    company_workspace_id: uuid.UUID | None

    @classmethod
    def of(cls, client: Client) -> Organization:
        return cls(
            client_id=client.id,
            firm_id=client.firm_id,
            siren=client.siren,
            siret=client.siret,
            name=client.legal_name,
            company_workspace_id=client.company_workspace_id,
        )


def _requested_scopes(scope: str | None, granted: frozenset[Scope]) -> frozenset[Scope]:
    """RFC 6749 §3.3: the scopes asked for, all of them held by the key; none asked for means
    every standard-API scope the key holds."""
    if scope is None or not scope.strip():
        chosen = granted & SOFTWARE_SCOPES
        if not chosen:
            raise OAuthError(
                "invalid_scope",
                "Cette clé n'a aucune des portées flows:read, flows:write, directory:read.",
            )
        return chosen
    asked: set[Scope] = set()
    for word in scope.split():
        try:
            asked.add(Scope(word))
        except ValueError:
            raise OAuthError("invalid_scope", f"Portée inconnue : {word}.") from None
    beyond = {s for s in asked if s not in granted or s not in SOFTWARE_SCOPES}
    if beyond:
        raise OAuthError(
            "invalid_scope",
            "Portée non accordée à cette clé : " + ", ".join(sorted(beyond)) + ".",
        )
    return frozenset(asked)


async def issue_token(
    session: AsyncSession,
    settings: Settings,
    *,
    client_id: str,
    client_secret: str,
    scope: str | None,
) -> IssuedToken:
    """Authenticate the client (an API key) and mint a bearer token for the asked scopes."""
    invalid_client = OAuthError(
        "invalid_client", "Identifiant ou secret client invalide.", status=401
    )
    peer = next((p for p in settings.peer_platforms if p.inbound_client_id == client_id), None)
    if peer is not None:
        if not hmac.compare_digest(
            hash_token(client_secret), hash_token(peer.inbound_client_secret.get_secret_value())
        ):
            raise invalid_client
        return _peer_token(peer, settings)
    try:
        key_id = uuid.UUID(client_id)
    except ValueError:
        raise invalid_client from None
    context = await repository.key_context(session, key_id)
    now = utcnow()
    if (
        context is None
        or not hmac.compare_digest(context.key.secret_hash, hash_token(client_secret))
        or context.key.revoked_at is not None
        or (context.key.expires_at is not None and context.key.expires_at <= now)
        or context.creator is None
        or context.creator.status != MembershipStatus.ACTIVE
    ):
        raise invalid_client
    scopes = _requested_scopes(scope, frozenset(Scope(s) for s in context.key.scopes))
    token = new_token(ACCESS_TOKEN_PREFIX)
    ttl = settings.software_token_ttl_seconds
    expires_at = now + timedelta(seconds=ttl)
    if context.key.expires_at is not None:
        expires_at = min(expires_at, context.key.expires_at)
    session.add(
        SoftwareAccessToken(
            id=uuid.uuid4(),
            token_hash=hash_token(token),
            api_key_id=context.key.id,
            scopes=sorted(s.value for s in scopes),
            issued_at=now,
            expires_at=expires_at,
        )
    )
    context.key.last_used_at = now
    await session.flush()
    return IssuedToken(
        token, max(1, int((expires_at - now).total_seconds())), sorted(s.value for s in scopes)
    )


def _alive(expires_at: datetime, context: repository.KeyContext, now: datetime) -> bool:
    key = context.key
    return (
        expires_at > now
        and key.revoked_at is None
        and (key.expires_at is None or key.expires_at > now)
        and context.creator is not None
        and context.creator.status == MembershipStatus.ACTIVE
    )


def _peer_mac(peer: PeerPlatform, claims: str) -> str:
    key = peer.inbound_client_secret.get_secret_value().encode()
    digest = hmac.new(key, f"comptoir-peer-token-v1|{claims}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _peer_token(peer: PeerPlatform, settings: Settings) -> IssuedToken:
    """A peer platform's token holds its claims (which peer, until when) and their HMAC keyed
    by the secret we issued it: nothing is stored, and removing the peer from the settings
    (or changing its secret) ends its tokens at once."""
    ttl = settings.software_token_ttl_seconds
    expires = int(utcnow().timestamp()) + ttl
    peer_part = base64.urlsafe_b64encode(peer.id.encode()).rstrip(b"=").decode()
    claims = f"{peer_part}.{expires}"
    token = f"{PEER_TOKEN_PREFIX}{claims}.{_peer_mac(peer, claims)}"
    return IssuedToken(token, ttl, [Scope.FLOWS_WRITE.value])


def _peer_caller(settings: Settings, token: str) -> SoftwareCaller:
    invalid = InvalidSoftwareToken("Demandez un nouveau jeton à /oauth2/token.")
    peer_part, _, rest = token.removeprefix(PEER_TOKEN_PREFIX).partition(".")
    expires, _, mac = rest.partition(".")
    try:
        peer_id = base64.urlsafe_b64decode(peer_part + "=" * (-len(peer_part) % 4)).decode()
        expires_at = int(expires)
    except ValueError:
        raise invalid from None
    peer = settings.peer_platform(peer_id)
    if (
        peer is None
        or not hmac.compare_digest(mac, _peer_mac(peer, f"{peer_part}.{expires}"))
        or expires_at <= utcnow().timestamp()
    ):
        raise invalid
    return SoftwareCaller(
        Principal(
            kind=PrincipalKind.API_KEY,
            user_id=None,
            permissions=frozenset({Permission.FLOWS_WRITE}),
        ),
        WorkspaceKind.FIRM,
        None,
        frozenset({Scope.FLOWS_WRITE}),
        peer_platform_id=peer.id,
    )


def _peer_expiry(token: str) -> datetime:
    """When a peer's token (checked by `_peer_caller`) ends: its claims say."""
    expires = token.removeprefix(PEER_TOKEN_PREFIX).split(".")[1]
    return datetime.fromtimestamp(int(expires), tz=UTC)


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    """A bearer token found alive, with its caller: what a process may remember of it
    (`api.oauth2.dependencies`) until `expires_at` or a change of its key, creator or
    workspace."""

    caller: SoftwareCaller
    expires_at: datetime


async def verify(session: AsyncSession, settings: Settings, token: str) -> VerifiedToken:
    """The caller behind a bearer token. The key and its creator are checked, so revoking the
    key or deactivating its creator stops its tokens; a peer platform's token is checked
    against the settings."""
    if token.startswith(PEER_TOKEN_PREFIX):
        return VerifiedToken(_peer_caller(settings, token), _peer_expiry(token))
    found = await repository.token_context(session, hash_token(token))
    if found is None or not _alive(found[0].expires_at, found[1], utcnow()):
        raise InvalidSoftwareToken("Demandez un nouveau jeton à /oauth2/token.")
    access, context = found
    assert context.creator is not None
    scopes = frozenset(Scope(s) for s in access.scopes)
    principal = Principal(
        kind=PrincipalKind.API_KEY,
        user_id=context.key.created_by_user_id,
        api_key_id=context.key.id,
        workspace_id=context.key.workspace_id,
        membership_id=context.creator.id,
        permissions=permissions_of_scopes(scopes) & permissions_of(context.creator.roles),
    )
    caller = SoftwareCaller(principal, context.workspace_kind, context.workspace_siren, scopes)
    return VerifiedToken(caller, access.expires_at)


def caller_of(verified: VerifiedToken, now: datetime) -> SoftwareCaller:
    """The token's caller while the token lives (a remembered token expires on its own)."""
    if verified.expires_at <= now:
        raise InvalidSoftwareToken("Demandez un nouveau jeton à /oauth2/token.")
    return verified.caller


def call_limit(settings: Settings) -> BatchedLimit:
    """The calls of one key, counted with its calls on /api/v1 (`api-key:<id>`)."""
    return BatchedLimit(Limit("api-key", settings.rate_limit_api_key_requests_per_minute, 60))


async def count_call(
    limit: BatchedLimit,
    writer: Callable[[], AbstractAsyncContextManager[AsyncSession]],
    caller: SoftwareCaller,
) -> None:
    """Count a call of a key towards its limit (a peer platform's calls are not limited)."""
    if caller.principal.api_key_id is None:
        return
    await limit.hit(
        writer, str(caller.principal.api_key_id), "Limite de requêtes de cette clé atteinte."
    )


def require_permission(caller: SoftwareCaller, permission: Permission) -> None:
    if not caller.principal.has(permission):
        raise ScopeMissing(f"Ce jeton n'a pas la portée nécessaire ({permission.value}).")


async def resolve_organization(
    session: AsyncSession, caller: SoftwareCaller, organization_id: str | None
) -> Organization:
    """The organisation the call acts for (module docstring), or 403."""
    wanted = (organization_id or "").strip().replace(" ", "") or None
    if caller.peer_platform_id is not None:
        served = await served_client(session, wanted) if wanted else None
        if served is None:
            logger.warning(
                "platform %s delivered for %r, which is not registered here",
                caller.peer_platform_id,
                wanted,
            )
            raise OrganizationRefused(
                "Cette entreprise n'est pas inscrite à l'annuaire par cette plateforme."
            )
        return Organization.of(served)
    principal = caller.principal
    assert principal.workspace_id is not None
    if caller.workspace_kind == WorkspaceKind.COMPANY:
        clients = await repository.company_clients(session, principal.workspace_id)
        if not clients or (
            wanted is not None and wanted not in {clients[0].siren, str(clients[0].id)}
        ):
            raise OrganizationRefused(
                "La clé d'une entreprise n'agit que pour cette entreprise elle-même."
            )
        return Organization.of(clients[0])
    siren, client_id = None, None
    if wanted is None:
        siren = caller.workspace_siren
    elif _SIREN.match(wanted):
        siren = wanted
    else:
        try:
            client_id = uuid.UUID(wanted)
        except ValueError:
            raise OrganizationRefused(
                "Organization-Id attendu : le SIREN (9 chiffres) d'un client du cabinet."
            ) from None
    if siren is None and client_id is None:
        raise OrganizationRefused("Indiquez le SIREN du client dans l'en-tête Organization-Id.")
    assigned_to = None if principal.has(Permission.CLIENTS_ALL) else principal.user_id
    found = await repository.firm_client(
        session, principal.workspace_id, siren=siren, client_id=client_id, assigned_to=assigned_to
    )
    if found is None:
        raise OrganizationRefused("Cette organisation n'est pas un client de ce cabinet.")
    client, certified = found
    if not certified:
        raise OrganizationRefused(
            "Le mandat de ce client n'est pas certifié : activez sa facturation électronique "
            "dans Comptoir avant d'agir pour lui."
        )
    return Organization.of(client)


async def served_client(session: AsyncSession, siren: str) -> Client | None:
    """The client registered in the directory through this platform under `siren`."""
    return await repository.served_client(session, siren)
