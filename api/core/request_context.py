"""Request id: taken from a well-formed `X-Request-ID` or generated, returned in the response
header and in problem bodies, and attached to every log record of the request."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ACCEPTED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it costs throughput and breaks streaming)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = (
            incoming if incoming and _ACCEPTED_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        token = _request_id.set(request_id)

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            _request_id.reset(token)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdLogFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root = logging.getLogger("comptoir")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@dataclass(frozen=True, slots=True)
class RequestOrigin:
    """Where a request comes from (the caller's IP and user agent), as recorded in audit events
    and shown on login approval. Not a client of the firm: see `api.models.client.Client`."""

    ip: str | None
    user_agent: str | None


async def request_origin(request: Request) -> RequestOrigin:
    user_agent = request.headers.get("user-agent")
    return RequestOrigin(
        ip=request.client.host if request.client else None,
        user_agent=user_agent[:400] if user_agent else None,
    )


Origin = Annotated[RequestOrigin, Depends(request_origin)]
