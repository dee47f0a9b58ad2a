"""Access tokens: short-lived ES256 JWTs (RFC 9068 `at+jwt`), keys in the database.

Verification pins the algorithm to ES256 and checks `typ`, `iss`, `aud`, `exp`, `iat`, `jti`
and `sub`; the key is found by `kid` among this deployment's keys only, so `alg=none`, an
HMAC token keyed with the public key, or a token from another deployment are all refused.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jose import JWTError, jwk, jwt
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.crypto import b64url_encode, jwk_thumbprint, private_key_public_jwk
from api.core.errors import Unauthorized
from api.core.models import utcnow
from api.core.settings import Settings
from api.models.signing_key import SigningKey

ALGORITHM = "ES256"
TOKEN_TYPE = "at+jwt"  # RFC 9068
# How long this process trusts its idea of "the newest key" before asking the database again,
# so a rotation done on another process is picked up quickly.
SIGNING_KEY_REFRESH_SECONDS = 60
# Tokens already verified by this process (token → claims): a client sends the same token on
# every request until it refreshes, and an ES256 check costs ~0.15 ms. A hit skips only the
# signature and claims parsing of bytes already verified; expiry is checked on every use.
VERIFIED_CACHE_SIZE = 4096


class InvalidAccessToken(Unauthorized):
    code = "invalid-token"
    title = "Jeton d'accès invalide ou expiré"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    expires_at: datetime


def _new_key() -> SigningKey:
    private_key = ec.generate_private_key(ec.SECP256R1())
    jwk = private_key_public_jwk(private_key)
    kid = jwk_thumbprint(jwk)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return SigningKey(
        kid=kid, private_pem=pem, public_jwk=jwk | {"kid": kid, "alg": ALGORITHM, "use": "sig"}
    )


class KeyRing:
    """This process's cache of the deployment's signing keys (the database is the truth)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._public: dict[str, dict[str, Any]] = {}
        # (kid, the private key parsed once: parsing its PEM on every token cost more than
        # the signature itself)
        self._signing: tuple[str, Any] | None = None
        self._signing_checked_at = 0.0
        self._verified: OrderedDict[str, AccessClaims] = OrderedDict()

    async def _current_signing_key(self, session: AsyncSession) -> tuple[str, Any]:
        if (
            self._signing
            and time.monotonic() - self._signing_checked_at < SIGNING_KEY_REFRESH_SECONDS
        ):
            return self._signing
        key = await session.scalar(
            select(SigningKey)
            .where(SigningKey.retired_at.is_(None))
            .order_by(SigningKey.created_at.desc())
            .limit(1)
        )
        if key is None:
            key = _new_key()
            session.add(key)
            await session.flush()
        self._signing = (key.kid, jwk.construct(key.private_pem, ALGORITHM))
        self._public[key.kid] = key.public_jwk
        self._signing_checked_at = time.monotonic()
        return self._signing

    async def issue(
        self, session: AsyncSession, *, user_id: uuid.UUID, session_id: uuid.UUID
    ) -> tuple[str, datetime]:
        kid, private_key = await self._current_signing_key(session)
        now = utcnow()
        expires_at = now + timedelta(seconds=self.settings.access_token_ttl_seconds)
        claims = {
            "iss": self.settings.token_audience,
            "aud": self.settings.token_audience,
            "sub": str(user_id),
            "sid": str(session_id),
            "jti": b64url_encode(uuid.uuid4().bytes),
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
        }
        token = jwt.encode(
            claims, private_key, algorithm=ALGORITHM, headers={"kid": kid, "typ": TOKEN_TYPE}
        )
        return token, expires_at

    async def _public_key(self, session: AsyncSession, kid: str) -> dict[str, Any] | None:
        if kid not in self._public:
            key = await session.get(SigningKey, kid)
            if key is None:
                return None
            self._public[kid] = key.public_jwk
        return self._public[kid]

    async def verify(self, session: AsyncSession, token: str) -> AccessClaims:
        claims = self._verified.get(token)
        if claims is None:
            claims = await self._verify(session, token)
            self._verified[token] = claims
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        else:
            self._verified.move_to_end(token)  # least recently used go first
        if claims.expires_at <= utcnow():
            raise InvalidAccessToken("Jeton expiré.")
        return claims

    async def _verify(self, session: AsyncSession, token: str) -> AccessClaims:
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise InvalidAccessToken() from exc
        if header.get("alg") != ALGORITHM or header.get("typ") != TOKEN_TYPE:
            raise InvalidAccessToken("Algorithme ou type de jeton refusé.")
        kid = header.get("kid")
        public = await self._public_key(session, kid) if isinstance(kid, str) else None
        if public is None:
            raise InvalidAccessToken("Clé de signature inconnue.")
        try:
            claims = jwt.decode(
                token,
                public,
                algorithms=[ALGORITHM],
                audience=self.settings.token_audience,
                issuer=self.settings.token_audience,
                options={
                    "require_exp": True,
                    "require_iat": True,
                    "require_jti": True,
                    "require_sub": True,
                    "require_aud": True,
                    "require_iss": True,
                },
            )
            return AccessClaims(
                user_id=uuid.UUID(claims["sub"]),
                session_id=uuid.UUID(claims["sid"]),
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            )
        except (JWTError, KeyError, ValueError, TypeError) as exc:
            raise InvalidAccessToken() from exc

    async def jwks(self, session: AsyncSession) -> dict[str, list[dict[str, Any]]]:
        """Public keys still able to verify a live token: active ones and those retired for
        less than an access-token lifetime."""
        await self._current_signing_key(session)
        grace = utcnow() - timedelta(seconds=self.settings.access_token_ttl_seconds + 60)
        keys = await session.scalars(
            select(SigningKey)
            .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > grace))
            .order_by(SigningKey.created_at.desc())
        )
        return {"keys": [key.public_jwk for key in keys]}

    async def rotate(self, session: AsyncSession) -> str:
        """Retire every active key and create a new one; returns the new `kid`."""
        now = utcnow()
        for key in await session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
            key.retired_at = now
        key = _new_key()
        session.add(key)
        await session.flush()
        self._signing = None
        return key.kid
