"""A PPF endpoint for `bench.ppf`: keeps each status copy once per `Idempotency-Key` and answers
202 (raw ASGI under uvicorn, so the endpoint is not what is measured). GET answers 200 (the
harness waits for it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]

KEPT: dict[bytes, int] = {}


async def app(
    scope: Scope,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    if scope["type"] != "http":
        return
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    status, body = 200, b"{}"
    if scope["method"] == "POST":
        key = dict(scope["headers"]).get(b"idempotency-key", b"")
        KEPT.setdefault(key, size)
        status, body = 202, b'{"kept": true}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
