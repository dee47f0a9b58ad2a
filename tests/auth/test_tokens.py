"""Access tokens are ES256 JWTs of this deployment only: forged variants are refused."""

from __future__ import annotations

import base64
import json
import time

import httpx
from fastapi import FastAPI
from jose import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.tokens import KeyRing
from api.core.settings import Settings
from api.core.state import state_of
from tests.helpers import bearer_login, create_firm, enrolled_phone


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def _claims_and_jwks(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> tuple[str, dict[str, object], dict[str, object]]:
    firm = await create_firm(session, settings)
    phone = await enrolled_phone(client, firm.enrollment.url)
    tokens = await bearer_login(client, phone)
    token = tokens["access_token"]
    jwks = (await client.get("/api/v1/auth/jwks")).json()
    return token, jwt.get_unverified_claims(token), jwks["keys"][0]


async def _me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


async def test_genuine_token_works_and_carries_the_checked_claims(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    token, claims, jwk = await _claims_and_jwks(client, session, settings)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "ES256"
    assert header["typ"] == "at+jwt"
    assert header["kid"] == jwk["kid"]
    assert {"iss", "aud", "sub", "sid", "jti", "iat", "exp"} <= set(claims)
    assert claims["aud"] == "https://testserver"
    assert (await _me(client, token)).status_code == 200


async def test_alg_none_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    _token, claims, jwk = await _claims_and_jwks(client, session, settings)
    unsigned = f"{_b64({'alg': 'none', 'typ': 'at+jwt', 'kid': jwk['kid']})}.{_b64(claims)}."
    response = await _me(client, unsigned)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid-token"


async def test_hs256_signed_with_the_public_key_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    _token, claims, jwk = await _claims_and_jwks(client, session, settings)
    public_as_secret = json.dumps(jwk)
    forged = jwt.encode(
        claims, public_as_secret, algorithm="HS256", headers={"kid": jwk["kid"], "typ": "at+jwt"}
    )
    response = await _me(client, forged)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid-token"


async def test_wrong_audience_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    other = settings.model_copy(update={"public_url": "https://autre-instance.example"})
    token, _claims, _jwk = await _claims_and_jwks(client, session, settings)
    ring = KeyRing(other)
    claims = jwt.get_unverified_claims(token)
    forged, _ = await ring.issue(session, user_id=claims["sub"], session_id=claims["sid"])
    response = await _me(client, forged)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid-token"


async def test_expired_token_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    short = settings.model_copy(update={"access_token_ttl_seconds": 30})
    _token, claims, _jwk = await _claims_and_jwks(client, session, settings)
    ring = KeyRing(short)
    fresh, _ = await ring.issue(session, user_id=claims["sub"], session_id=claims["sid"])  # type: ignore[arg-type]
    header = jwt.get_unverified_header(fresh)
    pem = ring._signing[1]  # type: ignore[index]
    expired_claims = jwt.get_unverified_claims(fresh) | {"exp": int(time.time()) - 5}
    expired = jwt.encode(expired_claims, pem, algorithm="ES256", headers=header)
    assert (await _me(client, fresh)).status_code == 200
    assert (await _me(client, expired)).status_code == 401


async def test_rotation_keeps_live_tokens_valid_and_publishes_both_keys(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, app: FastAPI
) -> None:
    token, _claims, old_jwk = await _claims_and_jwks(client, session, settings)
    new_kid = await KeyRing(settings).rotate(session)
    await session.commit()
    state_of(app).put(KeyRing, KeyRing(settings))  # a fresh process
    kids = [key["kid"] for key in (await client.get("/api/v1/auth/jwks")).json()["keys"]]
    assert kids == [new_kid, old_jwk["kid"]]
    assert (await _me(client, token)).status_code == 200
