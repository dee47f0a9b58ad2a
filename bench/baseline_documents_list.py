"""Raw baseline for GET /api/v1/documents filtered by client + type + period: plain ASGI + an
asyncpg pool running the same two queries as the app's first page (the page, then the counts
per type), rows to orjson."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import parse_qs

import asyncpg
import orjson
from pydantic_settings import BaseSettings, SettingsConfigDict


class BenchEnvironment(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BENCH_")
    database_url: str
    firm_id: uuid.UUID


PAGE_SQL = """
SELECT id, client_id, folder_id, type, title, original_filename, media_type, size,
       document_date, period_start, period_end, source, created_at, einvoice_status,
       einvoice_format, invoice_number, seller_name, buyer_name, total_excl_vat, total_vat,
       total_incl_vat, currency
FROM documents
WHERE deleted_at IS NULL AND workspace_id = $1 AND client_id = $2 AND type = $3
  AND document_date >= $4 AND document_date <= $5
ORDER BY document_date DESC, id DESC
LIMIT $6
"""

COUNTS_SQL = """
SELECT type, count(*) FROM documents
WHERE deleted_at IS NULL AND workspace_id = $1 AND client_id = $2
  AND document_date >= $3 AND document_date <= $4
GROUP BY type
"""

_pool: asyncpg.Pool | None = None
_firm_id: uuid.UUID | None = None
_HEALTH = orjson.dumps({"status": "ok"})


def _money(value: int | None) -> str | None:
    return None if value is None else f"{value / 100:.2f}"


async def _page(query: dict[str, list[str]]) -> bytes:
    assert _pool is not None
    client_id = uuid.UUID(query["client_id"][0])
    kind = query["type"][0]
    start, end = date.fromisoformat(query["date_from"][0]), date.fromisoformat(query["date_to"][0])
    async with _pool.acquire() as connection:
        rows = await connection.fetch(PAGE_SQL, _firm_id, client_id, kind, start, end, 51)
        counts = await connection.fetch(COUNTS_SQL, _firm_id, client_id, start, end)
    items = [dict(row) for row in rows[:50]]
    for item in items:
        for name in ("total_excl_vat", "total_vat", "total_incl_vat"):
            item[name] = _money(item[name])
    found = {row["type"]: row["count"] for row in counts}
    return orjson.dumps(
        {
            "items": items,
            "next_cursor": "x" if len(rows) > 50 else None,
            "counts": {k: found.get(k, 0) for k in ("invoice", "statement", "shared", "other")},
        },
        default=str,
        option=orjson.OPT_UTC_Z,
    )


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
    if scope["path"] == "/api/v1/documents":
        body = await _page(parse_qs(scope["query_string"].decode()))
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
