"""Raw baseline for GET /api/v1/clients: plain ASGI + an asyncpg pool running the same list
queries as the app (with the subscription join), rows to orjson. One path per query the
bench measures: the first page by name, a search by two name words, a plan filter sorted
newest first."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import orjson
from pydantic_settings import BaseSettings, SettingsConfigDict


class BenchEnvironment(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BENCH_")
    database_url: str
    firm_id: uuid.UUID


_SELECT = """
SELECT c.id, c.siren, c.siret, c.legal_name, c.postal_code, c.city, c.status, c.pa_status,
       c.is_firm_itself, c.contact_first_name, c.contact_last_name, c.contact_email,
       c.created_at, s.plan_code, s.payer, s.status AS subscription_status,
       {sort_key} AS _sort_key
FROM clients c LEFT OUTER JOIN client_subscriptions s ON s.client_id = c.id
"""
# Path → (SQL, its parameters after the firm id and before the limit).
QUERIES: dict[str, tuple[str, tuple[Any, ...]]] = {
    "/api/v1/clients": (
        _SELECT.format(sort_key="c.sort_name")
        + "WHERE c.firm_id = $1 ORDER BY c.sort_name, c.id LIMIT $2",
        (),
    ),
    "/api/v1/clients/search": (
        _SELECT.format(sort_key="c.sort_name")
        + "WHERE c.firm_id = $1 AND c.search_name LIKE $2 AND c.search_name LIKE $3 "
        "ORDER BY c.sort_name, c.id LIMIT $4",
        ("% garage%", "% martin%"),
    ),
    "/api/v1/clients/plan": (
        _SELECT.format(sort_key="c.created_at") + "WHERE c.firm_id = $1 AND s.plan_code = $2 "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT $3",
        ("premium",),
    ),
}

_pool: asyncpg.Pool | None = None
_firm_id: uuid.UUID | None = None
_HEALTH = orjson.dumps({"status": "ok"})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _pool, _firm_id
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                environment = BenchEnvironment()
                _firm_id = environment.firm_id
                url = environment.database_url.replace("+asyncpg", "")
                _pool = await asyncpg.create_pool(url, min_size=10, max_size=20)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _pool is not None:
                    await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = _HEALTH
    query = QUERIES.get(scope["path"])
    if query is not None:
        assert _pool is not None
        sql, params = query
        async with _pool.acquire() as connection:
            rows = await connection.fetch(sql, _firm_id, *params, 51)
        items = [dict(row) for row in rows[:50]]
        for item in items:
            del item["_sort_key"]
        body = orjson.dumps(
            {"items": items, "next_cursor": "x"}, default=str, option=orjson.OPT_UTC_Z
        )
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
