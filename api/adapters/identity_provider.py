"""OpenID Connect relying party: how an expert-comptable proves who they are to register a firm.

In production the provider is the profession's SSO (Comptexpert); any OpenID Connect provider
configured by settings works. The flow is the authorization code flow with PKCE (RFC 7636,
S256 only) plus `state` and `nonce` (OpenID Connect Core §3.1):

1. `start_authorization()` returns the provider URL to redirect the browser to, and a
   `PendingAuthorization` (state, nonce, PKCE verifier) that the caller stores server-side,
   single use and short-lived (about ten minutes), keyed by a hash of `state`. Any API instance
   may receive the callback, so nothing of it lives in this process.
2. The provider sends the browser back with `code` and `state`; the caller loads the pending
   authorization for that state (none found: raise `SsoBadState`), deletes it, and calls
   `finish_authorization(pending, callback_params)`, which exchanges the code, validates the
   id_token and maps its claims to an `SsoIdentity`.

Only issuers listed in `COMPTOIR_OIDC_ALLOWED_ISSUERS` may ever create a firm. Discovery and JWKS
documents are cached per process (a cache, not state: another instance refetches its own).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote_plus, urlencode, urlsplit

import httpx
from jose import jwt
from jose.exceptions import JWTClaimsError, JWTError
from stdnum.fr import siren as siren_number

from api.core.errors import AppError
from api.core.settings import Settings

logger = logging.getLogger("comptoir.sso")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- Errors -------------------------------------------------------------------------------------


class SsoError(AppError):
    status = 400
    code = "sso-error"
    title = "Connexion via le fournisseur d'identité impossible"
    # A refused login still spends its single-use state, and its audit event must stay.
    keeps_changes = True


class SsoNotConfigured(SsoError):
    status = 503
    code = "sso-not-configured"
    title = "La connexion via le fournisseur d'identité n'est pas configurée"


class SsoUnknownIssuer(SsoError):
    status = 403
    code = "sso-unknown-issuer"
    title = "Fournisseur d'identité non autorisé"


class SsoProviderUnreachable(SsoError):
    status = 502
    code = "sso-provider-unreachable"
    title = "Fournisseur d'identité injoignable, réessayez dans quelques instants"


class SsoProviderError(SsoError):
    status = 502
    code = "sso-provider-error"
    title = "Réponse inattendue du fournisseur d'identité"


class SsoBadState(SsoError):
    status = 400
    code = "sso-bad-state"
    title = "Session de connexion inconnue ou expirée, recommencez la connexion"


class SsoDenied(SsoError):
    status = 403
    code = "sso-denied"
    title = "Connexion refusée ou annulée auprès du fournisseur d'identité"


class SsoCodeRejected(SsoError):
    status = 400
    code = "sso-code-rejected"
    title = "Code d'autorisation refusé (déjà utilisé ou expiré), recommencez la connexion"


class SsoNonceMismatch(SsoError):
    status = 401
    code = "sso-nonce-mismatch"
    title = "Le jeton d'identité ne correspond pas à cette connexion"


class SsoIdTokenExpired(SsoError):
    status = 401
    code = "sso-id-token-expired"
    title = "Jeton d'identité expiré, recommencez la connexion"


class SsoInvalidIdToken(SsoError):
    status = 401
    code = "sso-invalid-id-token"
    title = "Jeton d'identité invalide"


class SsoMissingClaims(SsoError):
    status = 422
    code = "sso-missing-claims"
    title = "Le fournisseur d'identité n'a pas transmis toutes les informations nécessaires"


# --- Values exchanged with the caller -----------------------------------------------------------


@dataclass(frozen=True)
class PendingAuthorization:
    """What the caller persists server-side between the redirect and the callback.

    Every field is secret: store it in the database (never only in a browser cookie), use it
    once, and expire it after a few minutes.
    """

    issuer: str
    redirect_uri: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    pending: PendingAuthorization


@dataclass(frozen=True)
class SsoIdentity:
    """A person authenticated by an allowed issuer, with the claims Comptoir relies on."""

    issuer: str
    subject: str
    given_name: str
    family_name: str
    email: str
    email_verified: bool
    siren: str | None
    claims: Mapping[str, Any] = field(repr=False)


class IdentityProvider(Protocol):
    """The profession's SSO, as firm registration sees it."""

    async def start_authorization(self, *, login_hint: str | None = None) -> AuthorizationRequest:
        """Build the provider URL to send the browser to, and the values to keep server-side."""
        ...

    async def finish_authorization(
        self, pending: PendingAuthorization, callback: Mapping[str, str]
    ) -> SsoIdentity:
        """Check the callback's query parameters against `pending` and return who logged in."""
        ...


# --- Provider metadata --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    # RFC 9207: a provider announcing it must send `iss` on every authorization response.
    sends_iss_in_response: bool


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _require_secure_url(url: object, name: str) -> str:
    # Tokens and keys travel over these URLs: TLS everywhere except a provider on loopback
    # (development and the tests' local provider).
    if not isinstance(url, str) or not url:
        raise SsoProviderError(f"Document de découverte incomplet : « {name} » manquant.")
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname or "")):
        return url
    raise SsoProviderError(f"« {name} » doit être une URL https : {url}")


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(code_verifier: str) -> str:
    """RFC 7636 §4.2, method S256."""
    return _base64url(hashlib.sha256(code_verifier.encode("ascii")).digest())


def _same_secret(expected: str, received: object) -> bool:
    return isinstance(received, str) and hmac.compare_digest(
        expected.encode("utf-8"), received.encode("utf-8")
    )


# Key types each allowed algorithm may be verified with (RFC 7518 §3.1).
_KEY_TYPE_FOR_ALGORITHM = {
    "RS256": "RSA",
    "RS384": "RSA",
    "RS512": "RSA",
    "ES256": "EC",
    "ES384": "EC",
    "ES512": "EC",
}


class OidcRelyingParty:
    """The real `IdentityProvider`: an OpenID Connect client of the configured issuer."""

    def __init__(
        self,
        settings: Settings,
        http: httpx.AsyncClient,
        *,
        clock: Clock = utc_now,
        jwks_refetch_cooldown_seconds: float = 5.0,
    ) -> None:
        if not settings.oidc_issuer or not settings.oidc_client_id:
            raise SsoNotConfigured(
                "Renseignez COMPTOIR_OIDC_ISSUER et COMPTOIR_OIDC_CLIENT_ID pour l'activer."
            )
        self._settings = settings
        self._http = http
        self._clock = clock
        self._issuer = settings.oidc_issuer
        self._metadata: ProviderMetadata | None = None
        self._metadata_fetched_at = 0.0
        self._jwks: list[dict[str, Any]] = []
        self._jwks_fetched_at: float | None = None
        self._jwks_refetch_cooldown = jwks_refetch_cooldown_seconds
        self._lock = asyncio.Lock()

    # --- the two steps of the flow ---

    async def start_authorization(self, *, login_hint: str | None = None) -> AuthorizationRequest:
        """Build the authorization URL (code flow, PKCE S256, state, nonce)."""
        metadata = await self._provider_metadata()
        pending = PendingAuthorization(
            issuer=metadata.issuer,
            redirect_uri=self._settings.oidc_callback_url,
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),
        )
        params = {
            "response_type": "code",
            "client_id": self._settings.oidc_client_id,
            "redirect_uri": pending.redirect_uri,
            "scope": " ".join(self._settings.oidc_scopes),
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": pkce_challenge(pending.code_verifier),
            "code_challenge_method": "S256",
        }
        if login_hint:
            params["login_hint"] = login_hint
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        url = f"{metadata.authorization_endpoint}{separator}{urlencode(params)}"
        return AuthorizationRequest(url=url, pending=pending)

    async def finish_authorization(
        self, pending: PendingAuthorization, callback: Mapping[str, str]
    ) -> SsoIdentity:
        """Validate the callback, exchange the code and return the verified identity."""
        self._require_allowed_issuer(pending.issuer)
        if pending.issuer != self._issuer:
            raise SsoUnknownIssuer("La connexion a commencé auprès d'un autre fournisseur.")
        if not _same_secret(pending.state, callback.get("state")):
            raise SsoBadState()
        metadata = await self._provider_metadata()
        returned_issuer = callback.get("iss")
        # RFC 9207 §2.4: the mix-up defence, checked before the code goes anywhere.
        expects_issuer = returned_issuer is not None or metadata.sends_iss_in_response
        if expects_issuer and returned_issuer != pending.issuer:
            raise SsoUnknownIssuer("La réponse provient d'un autre fournisseur d'identité.")
        if "error" in callback:
            error = callback["error"]
            if error in {"access_denied", "login_required", "consent_required"}:
                raise SsoDenied()
            raise SsoProviderError(f"Le fournisseur d'identité a répondu « {error} ».")
        code = callback.get("code")
        if not code:
            raise SsoProviderError("La réponse du fournisseur ne contient pas de code.")
        tokens = await self._exchange_code(metadata, pending, code)
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise SsoProviderError("Le fournisseur n'a pas renvoyé de jeton d'identité.")
        access_token = tokens.get("access_token")
        claims = await self.validate_id_token(
            id_token,
            nonce=pending.nonce,
            access_token=access_token if isinstance(access_token, str) else None,
        )
        return self._identity_from_claims(claims)

    # --- building blocks, public for the tests and for re-validation ---

    async def validate_id_token(
        self, id_token: str, *, nonce: str, access_token: str | None = None
    ) -> dict[str, Any]:
        """Verify an id_token's signature and claims (OpenID Connect Core §3.1.3.7).

        The algorithm comes from a pinned allow-list of asymmetric algorithms, the key from the
        issuer's JWKS by `kid`; `iss`, `aud`/`azp`, `exp`, `iat`, `nbf` and `nonce` are checked
        against this client and the injected clock.
        """
        try:
            header = jwt.get_unverified_header(id_token)
        except JWTError as exc:
            raise SsoInvalidIdToken("Jeton illisible.") from exc
        algorithm = header.get("alg")
        if algorithm not in self._settings.oidc_id_token_algorithms:
            raise SsoInvalidIdToken(f"Algorithme de signature non autorisé : {algorithm}.")
        key = await self._signing_key(header.get("kid"), algorithm)
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key,
                algorithms=[algorithm],
                audience=self._settings.oidc_client_id,
                access_token=access_token,
                # Times are checked below against the injected clock, the issuer against the
                # allow-list (python-jose only knows one expected issuer and the wall clock).
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "verify_iss": False,
                    "require_aud": True,
                },
            )
        except JWTClaimsError as exc:
            raise SsoInvalidIdToken(f"Jeton refusé : {exc}") from exc
        except JWTError as exc:
            raise SsoInvalidIdToken("Signature du jeton invalide.") from exc

        issuer = claims.get("iss")
        self._require_allowed_issuer(issuer)
        if issuer != self._issuer:
            raise SsoUnknownIssuer("Le jeton a été émis par un autre fournisseur d'identité.")
        self._check_authorized_party(claims)
        self._check_times(claims)
        if not _same_secret(nonce, claims.get("nonce")):
            raise SsoNonceMismatch()
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise SsoInvalidIdToken("Identifiant de la personne (sub) manquant.")
        return claims

    def _check_authorized_party(self, claims: Mapping[str, Any]) -> None:
        # OpenID Connect Core §3.1.3.7 items 4-5: with several audiences, azp names the client.
        audience = claims.get("aud")
        authorized_party = claims.get("azp")
        several = isinstance(audience, list) and len(audience) > 1
        if (several or authorized_party is not None) and (
            authorized_party != self._settings.oidc_client_id
        ):
            raise SsoInvalidIdToken("Jeton destiné à une autre application (azp).")

    def _check_times(self, claims: Mapping[str, Any]) -> None:
        now = self._clock().timestamp()
        leeway = self._settings.oidc_clock_leeway_seconds
        expires_at, issued_at = claims.get("exp"), claims.get("iat")
        if not isinstance(expires_at, int | float) or not isinstance(issued_at, int | float):
            raise SsoInvalidIdToken("Dates d'émission ou d'expiration manquantes.")
        if now > expires_at + leeway:
            raise SsoIdTokenExpired()
        if issued_at > now + leeway:
            raise SsoInvalidIdToken("Jeton émis dans le futur : vérifiez l'horloge du serveur.")
        if issued_at < now - self._settings.oidc_id_token_max_age_seconds - leeway:
            raise SsoIdTokenExpired("Le jeton d'identité a été émis il y a trop longtemps.")
        not_before = claims.get("nbf")
        if isinstance(not_before, int | float) and now + leeway < not_before:
            raise SsoInvalidIdToken("Jeton pas encore valide.")

    def _identity_from_claims(self, claims: Mapping[str, Any]) -> SsoIdentity:
        settings = self._settings
        names = {
            "given_name": settings.oidc_claim_given_name,
            "family_name": settings.oidc_claim_family_name,
            "email": settings.oidc_claim_email,
        }
        values = {key: claims.get(claim) for key, claim in names.items()}
        missing = [
            names[key] for key, value in values.items() if not isinstance(value, str) or not value
        ]
        if missing:
            raise SsoMissingClaims(f"Informations manquantes : {', '.join(missing)}.")
        return SsoIdentity(
            issuer=str(claims["iss"]),
            subject=str(claims["sub"]),
            given_name=str(values["given_name"]).strip(),
            family_name=str(values["family_name"]).strip(),
            email=str(values["email"]).strip(),
            email_verified=claims.get("email_verified") is True,
            siren=self._siren_from_claims(claims),
            claims=dict(claims),
        )

    def _siren_from_claims(self, claims: Mapping[str, Any]) -> str | None:
        claim = self._settings.oidc_claim_siren
        if not claim or claims.get(claim) in (None, ""):
            return None
        value = siren_number.compact(str(claims[claim]))
        if not siren_number.is_valid(value):
            # Registration then asks for the SIREN instead of trusting a malformed one.
            logger.warning("claim %r is not a valid SIREN, ignored", claim)
            return None
        return str(value)

    # --- HTTP with the provider ---

    def _require_allowed_issuer(self, issuer: object) -> None:
        if issuer not in self._settings.oidc_allowed_issuers:
            raise SsoUnknownIssuer(
                f"L'émetteur « {issuer} » ne figure pas dans COMPTOIR_OIDC_ALLOWED_ISSUERS."
            )

    async def _provider_metadata(self) -> ProviderMetadata:
        self._require_allowed_issuer(self._issuer)
        ttl = self._settings.oidc_metadata_ttl_seconds
        if self._metadata and time.monotonic() - self._metadata_fetched_at < ttl:
            return self._metadata
        url = self._issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = await self._get_json(url)
        # OpenID Connect Discovery §4.3: the issuer in the document is exactly the one asked.
        if document.get("issuer") != self._issuer:
            raise SsoUnknownIssuer(
                f"Le document de découverte annonce l'émetteur « {document.get('issuer')} »."
            )
        methods = document.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise SsoProviderError("Le fournisseur ne prend pas en charge PKCE S256.")
        self._metadata = ProviderMetadata(
            issuer=self._issuer,
            authorization_endpoint=_require_secure_url(
                document.get("authorization_endpoint"), "authorization_endpoint"
            ),
            token_endpoint=_require_secure_url(document.get("token_endpoint"), "token_endpoint"),
            jwks_uri=_require_secure_url(document.get("jwks_uri"), "jwks_uri"),
            sends_iss_in_response=document.get("authorization_response_iss_parameter_supported")
            is True,
        )
        self._metadata_fetched_at = time.monotonic()
        return self._metadata

    async def _signing_key(self, kid: object, algorithm: str) -> dict[str, Any]:
        """The issuer's public key for this token; refetches the JWKS once on an unknown kid."""
        async with self._lock:
            stale = (
                self._jwks_fetched_at is None
                or time.monotonic() - self._jwks_fetched_at
                >= self._settings.oidc_metadata_ttl_seconds
            )
            if stale:
                await self._refresh_jwks()
            key = self._find_key(kid, algorithm)
            if key is None and not stale and self._may_refetch_jwks():
                # The provider rotated its keys since the last fetch (OIDC Core §10.1.1).
                await self._refresh_jwks()
                key = self._find_key(kid, algorithm)
        if key is None:
            raise SsoInvalidIdToken("Clé de signature inconnue du fournisseur d'identité.")
        return key

    def _may_refetch_jwks(self) -> bool:
        # Bounded: a burst of tokens with unknown kids triggers one fetch, not one each.
        assert self._jwks_fetched_at is not None
        return time.monotonic() - self._jwks_fetched_at >= self._jwks_refetch_cooldown

    async def _refresh_jwks(self) -> None:
        metadata = await self._provider_metadata()
        document = await self._get_json(metadata.jwks_uri)
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise SsoProviderError("Jeu de clés (JWKS) du fournisseur illisible.")
        self._jwks = [key for key in keys if isinstance(key, dict)]
        self._jwks_fetched_at = time.monotonic()

    def _find_key(self, kid: object, algorithm: str) -> dict[str, Any] | None:
        candidates = [
            key
            for key in self._jwks
            if key.get("kty") == _KEY_TYPE_FOR_ALGORITHM[algorithm]
            and key.get("use", "sig") == "sig"
            and key.get("alg", algorithm) == algorithm
        ]
        if kid is not None:
            return next((key for key in candidates if key.get("kid") == kid), None)
        # No kid in the header: acceptable only when the choice is unambiguous.
        return candidates[0] if len(candidates) == 1 else None

    async def _exchange_code(
        self, metadata: ProviderMetadata, pending: PendingAuthorization, code: str
    ) -> dict[str, Any]:
        settings = self._settings
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": pending.redirect_uri,
            "code_verifier": pending.code_verifier,
        }
        secret = settings.oidc_client_secret.get_secret_value()
        auth: httpx.BasicAuth | None = None
        if settings.oidc_token_auth_method == "client_secret_post":
            form |= {"client_id": settings.oidc_client_id, "client_secret": secret}
        else:
            # RFC 6749 §2.3.1: both parts are form-urlencoded before going into Basic.
            auth = httpx.BasicAuth(quote_plus(settings.oidc_client_id), quote_plus(secret))
        try:
            response = await self._http.post(
                metadata.token_endpoint,
                data=form,
                auth=auth or httpx.USE_CLIENT_DEFAULT,
                headers={"Accept": "application/json"},
                timeout=settings.oidc_http_timeout_seconds,
            )
        except httpx.TransportError as exc:
            raise SsoProviderUnreachable() from exc
        if response.status_code >= 500:
            raise SsoProviderUnreachable(f"Le fournisseur répond {response.status_code}.")
        body = self._json_object(response)
        if response.status_code != 200:
            error = body.get("error")
            if error == "invalid_grant":
                raise SsoCodeRejected()
            raise SsoProviderError(f"Échange du code refusé : {error or response.status_code}.")
        return body

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(
                url,
                headers={"Accept": "application/json"},
                timeout=self._settings.oidc_http_timeout_seconds,
            )
        except httpx.TransportError as exc:
            raise SsoProviderUnreachable() from exc
        if response.status_code >= 500:
            raise SsoProviderUnreachable(f"Le fournisseur répond {response.status_code}.")
        if response.status_code != 200:
            raise SsoProviderError(f"{url} répond {response.status_code}.")
        return self._json_object(response)

    @staticmethod
    def _json_object(response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError as exc:
            raise SsoProviderError("Réponse du fournisseur qui n'est pas du JSON.") from exc
        if not isinstance(body, dict):
            raise SsoProviderError("Réponse du fournisseur qui n'est pas un objet JSON.")
        return body


class DisabledIdentityProvider:
    """The embedded default: SSO registration is off until an issuer is configured.

    Self-hosters create their firm with `comptoir firm create` instead.
    """

    async def start_authorization(self, *, login_hint: str | None = None) -> AuthorizationRequest:
        raise SsoNotConfigured()

    async def finish_authorization(
        self, pending: PendingAuthorization, callback: Mapping[str, str]
    ) -> SsoIdentity:
        raise SsoNotConfigured()


def identity_provider_from_settings(
    settings: Settings, http: httpx.AsyncClient
) -> IdentityProvider:
    """The configured provider: OpenID Connect when an issuer is set, otherwise disabled."""
    if not settings.oidc_issuer:
        return DisabledIdentityProvider()
    return OidcRelyingParty(settings, http)
