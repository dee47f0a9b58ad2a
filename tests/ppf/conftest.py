"""A PPF endpoint on a real socket (`http.server` in a thread) that keeps each copy once per
idempotency key, can be stopped and started again on its port (an outage), made to answer
an error or to hang; and the helpers that run the outbox passes of the PPF feed."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.models import utcnow
from api.core.settings import Settings
from api.outbox import service as outbox
from api.outbox.service import PassReport
from api.ppf import service as ppf_service
from api.ppf.feed import PpfFeed
from tests.flows.conftest import firm_token, run_flows_worker, world
from tests.validation.conftest import validation_engine

__all__ = ["firm_token", "run_flows_worker", "validation_engine", "world"]

TOKEN = "jeton-du-ppf"


@dataclass
class Received:
    key: str | None
    authorization: str | None
    content_type: str | None
    body: bytes


@dataclass
class PpfEndpoint:
    """What the endpoint saw (`received`: every request; `kept`: one copy per key) and how it
    answers next (`answers`: statuses with bodies, consumed first; then 202)."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    kept: dict[str, bytes] = field(default_factory=dict)
    answers: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    hang: threading.Event | None = None  # set: requests wait for it before answering
    got_request: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/statuts"

    def start(self) -> None:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                key = self.headers.get("Idempotency-Key")
                with endpoint._lock:
                    endpoint.received.append(
                        Received(
                            key,
                            self.headers.get("Authorization"),
                            self.headers.get("Content-Type"),
                            body,
                        )
                    )
                    answer = endpoint.answers.pop(0) if endpoint.answers else None
                endpoint.got_request.set()
                if endpoint.hang is not None:
                    endpoint.hang.wait(timeout=10)
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    answer = (401, '{"errorCode":"UNAUTHORIZED"}', {})
                if answer is None:
                    with endpoint._lock:
                        endpoint.kept.setdefault(key or "", body)
                    answer = (202, json.dumps({"id": key}), {})
                status, text, headers = answer
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def ppf_endpoint() -> Iterator[PpfEndpoint]:
    endpoint = PpfEndpoint()
    endpoint.start()
    try:
        yield endpoint
    finally:
        if endpoint.hang is not None:
            endpoint.hang.set()
        endpoint.stop()


def http_settings(settings: Settings, endpoint: PpfEndpoint, **changes: Any) -> Settings:
    return settings.model_copy(
        update={
            "ppf_feed": "http",
            "ppf_url": endpoint.url,
            "ppf_token": SecretStr(TOKEN),
            # Generous: a loaded CI machine must not turn an answer into a timeout.
            "ppf_timeout_seconds": 10.0,
            "ppf_connect_timeout_seconds": 5.0,
            "outbox_batch_size": 500,
            "outbox_concurrency": 1,
        }
        | changes
    )


FeedPass = Callable[..., Any]


@pytest.fixture
def run_ppf_feed(sessionmaker: async_sessionmaker[AsyncSession]) -> FeedPass:
    """`await run_ppf_feed(feed, settings)`: one outbox pass of the PPF copies, each pass
    later than the previous one by more than any backoff (the clock of the queue, not a
    sleep). `worker_died_at` makes the next pass start after a dead worker's lease."""
    moment = [utcnow()]

    async def run(feed: PpfFeed, settings: Settings, *, at: datetime | None = None) -> PassReport:
        moment[0] = at or moment[0] + timedelta(hours=2)
        handlers = {ppf_service.COPY_KIND: ppf_service.delivery(feed, sessionmaker)}
        return await outbox.deliver_due(sessionmaker, handlers, settings, now=moment[0])

    return run
