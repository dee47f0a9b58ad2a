"""Raw baselines for the Flow Service benchmarks: plain ASGI + an asyncpg pool.

POST /afnor-flow/v1/flows         the body read and hashed, written to a file with fsync,
                                  one row inserted, 202 with the id (no auth, no parsing)
POST /afnor-flow/v1/flows/search  the same SQL as the app's search for the same criteria
                                  (one client's flows, keyset order), rows to orjson
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import uuid
from datetime import datetime
from typing import Any

import asyncpg
import orjson
from pydantic_settings import BaseSettings, SettingsConfigDict


class BenchEnvironment(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BENCH_")
    database_url: str
    client_id: uuid.UUID


_pool: asyncpg.Pool | None = None
_client_id: uuid.UUID | None = None
_folder = tempfile.mkdtemp(prefix="comptoir-bench-baseline.")

LIST_CRITERIA = {
    "processingRule": "processing_rule",
    "flowType": "flow_type",
    "flowDirection": "direction",
}


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


async def _deposit(body: bytes) -> bytes:
    assert _pool is not None
    digest = hashlib.sha256(body).hexdigest()
    flow_id = uuid.uuid4()
    await asyncio.to_thread(_write, os.path.join(_folder, flow_id.hex), body)
    async with _pool.acquire() as connection:
        await connection.execute(
            "INSERT INTO bench_deposits (id, sha256, size, created_at) VALUES ($1, $2, $3, now())",
            flow_id,
            digest,
            len(body),
        )
    return orjson.dumps({"flowId": str(flow_id), "sha256": digest})


async def _search(body: bytes) -> bytes:
    assert _pool is not None
    params = orjson.loads(body)
    where = params["where"]
    limit = int(params.get("limit", 25))
    clauses, values = ["client_id = $1"], [_client_id]

    def bind(value: Any) -> str:
        values.append(value)
        return f"${len(values)}"

    if "updatedAfter" in where:
        clauses.append(f"updated_at > {bind(datetime.fromisoformat(where['updatedAfter']))}")
    if "updatedBefore" in where:
        clauses.append(f"updated_at < {bind(datetime.fromisoformat(where['updatedBefore']))}")
    for name, column in LIST_CRITERIA.items():
        if where.get(name):
            clauses.append(f"{column} = ANY({bind(list(where[name]))})")
    if "trackingId" in where:
        clauses.append(f"tracking_id = {bind(where['trackingId'])}")
    if "ackStatus" in where:
        clauses.append(f"ack_status = {bind(where['ackStatus'])}")
    # Only placeholders and fixed column names are joined: the values are bound.
    columns = (
        "id, tracking_id, name, processing_rule, syntax, profile, submitted_at, updated_at, "
        "flow_type, processing_rule_source, direction, ack_status, ack_details"
    )
    condition = " AND ".join(clauses)
    sql = f"SELECT {columns} FROM flows WHERE {condition} ORDER BY updated_at, id LIMIT {limit + 1}"  # noqa: S608
    async with _pool.acquire() as connection:
        rows = await connection.fetch(sql, *values)
    results = [
        {
            "flowId": str(row["id"]),
            "trackingId": row["tracking_id"],
            "name": row["name"],
            "processingRule": row["processing_rule"],
            "flowSyntax": row["syntax"],
            "flowProfile": row["profile"],
            "submittedAt": row["submitted_at"],
            "updatedAt": row["updated_at"],
            "flowType": row["flow_type"],
            "processingRuleSource": row["processing_rule_source"],
            "flowDirection": row["direction"],
            "acknowledgement": {"status": row["ack_status"]},
        }
        for row in rows[:limit]
    ]
    return orjson.dumps(
        {"limit": limit, "filters": where, "results": results}, option=orjson.OPT_UTC_Z
    )


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _pool, _client_id
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                environment = BenchEnvironment()
                _client_id = environment.client_id
                _pool = await asyncpg.create_pool(
                    environment.database_url.replace("+asyncpg", ""), min_size=20, max_size=20
                )
                async with _pool.acquire() as connection:
                    await connection.execute(
                        "CREATE TABLE IF NOT EXISTS bench_deposits (id uuid PRIMARY KEY, "
                        "sha256 text, size int, created_at timestamptz)"
                    )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _pool is not None:
                    await _pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    path = scope["path"]
    if path == "/afnor-flow/v1/flows/search":
        status, answer = 200, await _search(body)
    elif path == "/afnor-flow/v1/flows":
        status, answer = 202, await _deposit(body)
    else:
        status, answer = 200, b"{}"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(answer)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer})
