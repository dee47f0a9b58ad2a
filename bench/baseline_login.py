"""Raw baseline for the QR login: plain ASGI + asyncpg doing the same statements and the same
cryptography as Comptoir (rate-limit upsert, challenge insert, QR code, audit chain append;
then signature check, compare-and-set, session + refresh token, ES256 JWT) without the
framework, the ORM or the unit of work."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jose import jwk, jwt
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.auth.protocol import redeem_message
from api.core.crypto import jwk_thumbprint, new_token, public_jwk, verify_es256
from api.core.qr import svg_data_uri


class BenchEnvironment(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BENCH_")
    database_url: str
    audience: str = "http://127.0.0.1"


_pool: asyncpg.Pool | None = None
_audience = ""
# Parsed once, as Comptoir's KeyRing does (parsing the PEM per token cost more than signing).
_signing_key = jwk.construct(
    ec.generate_private_key(ec.SECP256R1())
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode(),
    "ES256",
)


async def _append_audit(
    connection: asyncpg.Connection, action: str, target: str, user_id: uuid.UUID | None
) -> None:
    await connection.execute(
        "INSERT INTO audit_chain_heads (chain, sequence, hash) VALUES ('platform', 0, $1) "
        "ON CONFLICT (chain) DO NOTHING",
        "0" * 64,
    )
    head = await connection.fetchrow(
        "SELECT sequence, hash FROM audit_chain_heads WHERE chain = 'platform' FOR UPDATE"
    )
    now = datetime.now(UTC)
    row = json.dumps({"action": action, "target": target, "at": now.isoformat()})
    digest = hashlib.sha256(head["hash"].encode() + row.encode()).hexdigest()
    await connection.execute(
        "INSERT INTO audit_events (id, chain, sequence, actor_kind, actor_user_id, action, "
        "target_type, target_id, occurred_at, data, prev_hash, hash) "
        "VALUES ($1, 'platform', $2, 'anonymous', $3, $4, 'login_challenge', $5, $6, '{}'::json, "
        "$7, $8)",
        uuid.uuid4(), head["sequence"] + 1, user_id, action, target[:12], now, head["hash"], digest,
    )  # fmt: skip
    await connection.execute(
        "UPDATE audit_chain_heads SET sequence = $1, hash = $2 WHERE chain = 'platform'",
        head["sequence"] + 1,
        digest,
    )


async def _create_challenge(body: dict[str, Any], ip: str) -> dict[str, Any]:
    assert _pool is not None
    key = public_jwk(body["browser_key"])
    now = datetime.now(UTC)
    challenge_id = new_token(nbytes=24)
    async with _pool.acquire() as connection, connection.transaction():
        await connection.fetchrow(
            "INSERT INTO rate_limit_windows (key, window_start, hits) VALUES ($1, $2, 1) "
            "ON CONFLICT (key) DO UPDATE SET hits = rate_limit_windows.hits + 1 "
            "RETURNING hits, window_start",
            f"login-challenge:{ip}",
            now,
        )
        await connection.execute(
            "INSERT INTO login_challenges (id, browser_jwk, browser_jkt, server_nonce, "
            "match_code, status, requester_ip, poll_interval_seconds, created_at, expires_at) "
            "VALUES ($1, $2::json, $3, $4, $5, 'pending', $6, 2, $7, $8)",
            challenge_id, json.dumps(key), jwk_thumbprint(key), new_token(nbytes=24),
            f"{secrets.randbelow(90) + 10}", ip, now, now + timedelta(seconds=120),
        )  # fmt: skip
        await _append_audit(connection, "auth.challenge.created", challenge_id, None)
    url = f"{_audience}/qr/v1/{challenge_id}"
    return {"challenge_id": challenge_id, "qr_url": url, "qr_svg": svg_data_uri(url)}


async def _redeem(challenge_id: str, body: dict[str, Any], ip: str) -> tuple[int, dict[str, Any]]:
    assert _pool is not None
    now = datetime.now(UTC)
    async with _pool.acquire() as connection, connection.transaction():
        challenge = await connection.fetchrow(
            "SELECT * FROM login_challenges WHERE id = $1 FOR UPDATE", challenge_id
        )
        if challenge is None or challenge["status"] != "approved":
            return 409, {"code": "challenge-not-approved"}
        message = redeem_message(
            audience=_audience, challenge_id=challenge_id, server_nonce=challenge["server_nonce"]
        )
        if not verify_es256(json.loads(challenge["browser_jwk"]), message, body["signature"]):
            return 401, {"code": "invalid-signature"}
        await connection.execute(
            "UPDATE login_challenges SET status = 'redeemed', redeemed_at = $2 "
            "WHERE id = $1 AND status = 'approved'",
            challenge_id,
            now,
        )
        workspace_id = await connection.fetchval(
            "SELECT workspace_id FROM memberships WHERE user_id = $1 AND status = 'active' LIMIT 1",
            challenge["user_id"],
        )
        session_id = uuid.uuid4()
        await connection.execute(
            "INSERT INTO auth_sessions (id, user_id, approved_by_device_id, workspace_id, kind, "
            "ip, created_at, last_used_at, expires_at) VALUES ($1, $2, $3, $4, 'bearer', $5, $6, "
            "$6, $7)",
            session_id, challenge["user_id"], challenge["device_id"], workspace_id, ip, now,
            now + timedelta(days=30),
        )  # fmt: skip
        refresh = new_token("cpt_rt_")
        await connection.execute(
            "INSERT INTO refresh_tokens (id, session_id, token_hash, created_at) "
            "VALUES ($1, $2, $3, $4)",
            uuid.uuid4(),
            session_id,
            hashlib.sha256(refresh.encode()).hexdigest(),
            now,
        )
        await _append_audit(
            connection, "auth.challenge.redeemed", challenge_id, challenge["user_id"]
        )
    access = jwt.encode(
        {"iss": _audience, "aud": _audience, "sub": str(challenge["user_id"]),
         "sid": str(session_id), "jti": new_token(nbytes=16), "iat": int(now.timestamp()),
         "exp": int(now.timestamp()) + 600},
        _signing_key, algorithm="ES256", headers={"typ": "at+jwt", "kid": "bench"},
    )  # fmt: skip
    return 200, {"access_token": access, "refresh_token": refresh, "token_type": "Bearer"}


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send(send: Any, status: int, payload: dict[str, Any]) -> None:
    body = orjson.dumps(payload)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _pool, _audience
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                environment = BenchEnvironment()
                _audience = environment.audience
                url = environment.database_url.replace("+asyncpg", "")
                _pool = await asyncpg.create_pool(url, min_size=10, max_size=20)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _pool is not None:
                    await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    path: str = scope["path"]
    ip = scope["client"][0] if scope.get("client") else "unknown"
    if path == "/api/v1/health":
        await _send(send, 200, {"status": "ok"})
    elif path == "/api/v1/auth/login-challenges":
        await _send(send, 201, await _create_challenge(orjson.loads(await _read_body(receive)), ip))
    elif path.startswith("/api/v1/auth/login-challenges/") and path.endswith("/redeem"):
        challenge_id = path.split("/")[5]
        status, payload = await _redeem(challenge_id, orjson.loads(await _read_body(receive)), ip)
        await _send(send, status, payload)
    else:
        await _send(send, 404, {"code": "not-found"})
