"""Raw baseline for /api/v1/ready: plain ASGI + an asyncpg pool, the same `SELECT 1`."""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson
from pydantic_settings import BaseSettings, SettingsConfigDict


class BenchEnvironment(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BENCH_")
    database_url: str


_pool: asyncpg.Pool | None = None
_BODY = orjson.dumps({"status": "ready", "database": "ok"})
_HEALTH = orjson.dumps({"status": "ok"})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _pool
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                url = BenchEnvironment().database_url.replace("+asyncpg", "")
                _pool = await asyncpg.create_pool(url, min_size=10, max_size=20)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _pool is not None:
                    await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = _HEALTH
    if scope["path"] == "/api/v1/ready":
        assert _pool is not None
        async with _pool.acquire() as connection:
            await connection.fetchval("SELECT 1")
        body = _BODY
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
