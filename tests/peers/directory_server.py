"""A real HTTP server on loopback speaking the Directory Service (XP Z12-013 style) that
`api.adapters.directory.afnor` calls, and enforcing the national directory's rules itself:

- the bearer token says which platform calls (unknown token: 401);
- two lines of one address may not overlap in time: 409 naming the existing line, whichever
  platform holds it (the caller tells a conflict from its own line);
- `Idempotency-Key` (per platform): the same key and body answer the first 201 again, never a
  second line; the same key with another body is a 422;
- lines are never deleted; only their holder may end them (PATCH `dateTo`);
- misbehaviour on demand, for the next requests (`fail_next`): a status (5xx, 429…) without
  doing the work, a body that is not JSON, or a slow answer after the work was done.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LINE_PATH = "/v1/directory-line"
LINE_BY_ID_PREFIX = "/v1/directory-line/id-instance:"
SEARCH_PATH = "/v1/directory-line/search"


@dataclass
class Fault:
    """What the next request gets instead of a normal answer.

    With a `status`, the request is not processed and that status answers (after
    `delay_seconds`). Without one, the request IS processed and its answer comes
    `delay_seconds` late, as when a reply is lost after the server acted on it."""

    status: int | None = None
    delay_seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class Line:
    id_instance: int
    siren: str
    siret: str | None
    routing_identifier: str | None
    addressing_suffix: str | None
    platform_id: str
    date_from: date
    date_to: date | None

    @property
    def addressing_identifier(self) -> str:
        parts = [self.siren, self.siret, self.routing_identifier, self.addressing_suffix]
        return "_".join(part for part in parts if part)

    def overlaps(self, date_from: date, date_to: date | None) -> bool:
        return (date_to is None or self.date_from <= date_to) and (
            self.date_to is None or date_from <= self.date_to
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "idInstance": self.id_instance,
            "addressingIdentifier": self.addressing_identifier,
            "siren": self.siren,
            "siret": self.siret,
            "routingIdentifier": self.routing_identifier,
            "addressingSuffix": self.addressing_suffix,
            "platform": {"platformId": self.platform_id},
            "period": {
                "dateFrom": self.date_from.isoformat(),
                "dateTo": self.date_to.isoformat() if self.date_to else None,
            },
        }


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"errorCode": code, "errorMessage": message, **extra}


@dataclass
class DirectoryServer:
    url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)  # bearer token → platform id
    lines: list[Line] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    received: list[tuple[str, str]] = field(default_factory=list)
    _replays: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def lines_of(self, addressing_identifier: str) -> list[Line]:
        with self._lock:
            return [
                line for line in self.lines if line.addressing_identifier == addressing_identifier
            ]

    def posts(self) -> int:
        return sum(1 for method, path in self.received if (method, path) == ("POST", LINE_PATH))

    # The directory's behaviour, one request at a time (the lock serialises them).

    def handle(
        self, method: str, path: str, token: str | None, headers: Any, body: bytes
    ) -> tuple[int, dict[str, Any]]:
        platform_id = self.tokens.get(token or "")
        if platform_id is None:
            raise _Refused(401, "UNAUTHORIZED", "Jeton absent ou inconnu.")
        payload = _json(body)
        if method == "POST" and path == LINE_PATH:
            return self._create(platform_id, headers.get("Idempotency-Key"), body, payload)
        if method == "PATCH" and path.startswith(LINE_BY_ID_PREFIX):
            return self._end(platform_id, path.removeprefix(LINE_BY_ID_PREFIX), payload)
        if method == "POST" and path == SEARCH_PATH:
            wanted = payload["filters"]["addressingIdentifier"]["value"]
            found = [line.as_json() for line in self.lines if line.addressing_identifier == wanted]
            return 200, {"results": found[: int(payload.get("limit", 100))], "total": len(found)}
        raise _Refused(404, "NOT_FOUND", "Ressource inconnue.")

    def _create(
        self, platform_id: str, key: str | None, body: bytes, payload: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if not key:
            raise _Refused(400, "IDEMPOTENCY_KEY_REQUIRED", "En-tête Idempotency-Key requis.")
        fingerprint = json.dumps(payload, sort_keys=True)
        replay = self._replays.get((platform_id, key))
        if replay is not None:
            if replay[0] != fingerprint:
                raise _Refused(422, "IDEMPOTENCY_KEY_REUSED", "Clé déjà utilisée.")
            return 201, json.loads(replay[1])
        info = payload.get("addressingInformation") or {}
        period = payload.get("period") or {}
        siren, siret = info.get("siren", ""), info.get("siret")
        try:
            date_from = date.fromisoformat(period["dateFrom"])
            date_to = date.fromisoformat(period["dateTo"]) if period.get("dateTo") else None
        except (KeyError, ValueError) as error:
            raise _Refused(400, "INVALID_PERIOD", "Période invalide.") from error
        if (
            not (len(siren) == 9 and siren.isdigit())
            or (siret is not None and not (len(siret) == 14 and siret.startswith(siren)))
            or (date_to is not None and date_to < date_from)
            or (info.get("routingIdentifier") and not siret)
        ):
            raise _Refused(400, "INVALID_REQUEST", "Ligne d'annuaire invalide.")
        candidate = Line(
            id_instance=len(self.lines) + 1,
            siren=siren,
            siret=siret,
            routing_identifier=info.get("routingIdentifier"),
            addressing_suffix=info.get("addressingSuffix"),
            platform_id=platform_id,
            date_from=date_from,
            date_to=date_to,
        )
        for line in self.lines:
            if line.addressing_identifier == candidate.addressing_identifier and line.overlaps(
                date_from, date_to
            ):
                raise _Refused(
                    409,
                    "DIRECTORY_LINE_OVERLAP",
                    "Une ligne d'annuaire existe déjà pour cette adresse sur la période.",
                    existingLine=line.as_json(),
                )
        self.lines.append(candidate)
        answer = candidate.as_json()
        self._replays[(platform_id, key)] = (fingerprint, json.dumps(answer).encode())
        return 201, answer

    def _end(
        self, platform_id: str, id_instance: str, payload: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        line = next((line for line in self.lines if str(line.id_instance) == id_instance), None)
        if line is None:
            raise _Refused(404, "DIRECTORY_LINE_NOT_FOUND", "Ligne inconnue.")
        if line.platform_id != platform_id:
            raise _Refused(403, "NOT_LINE_HOLDER", "Ligne tenue par une autre plateforme.")
        date_to = date.fromisoformat(payload["dateTo"])
        if date_to < line.date_from:
            raise _Refused(400, "INVALID_PERIOD", "La fin précède le début.")
        if line.date_to is None or date_to < line.date_to:
            line.date_to = date_to
        return 200, line.as_json()


def _json(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        value = json.loads(body)
    except ValueError as error:
        raise _Refused(400, "INVALID_JSON", "Corps JSON invalide.") from error
    if not isinstance(value, dict):
        raise _Refused(400, "INVALID_JSON", "Objet JSON attendu.")
    return value


@contextmanager
def directory_server(tokens: dict[str, str]) -> Iterator[DirectoryServer]:
    server_state = DirectoryServer(tokens=dict(tokens))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._serve("POST")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def _serve(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with server_state._lock:
                server_state.received.append((method, self.path))
                fault = server_state.faults.pop(0) if server_state.faults else Fault()
            if fault.status is not None:
                time.sleep(fault.delay_seconds)
                self._reply(
                    fault.status, fault.body or b'{"errorMessage": "panne simulee"}', fault.headers
                )
                return
            authorization = self.headers.get("Authorization", "")
            token = (
                authorization.removeprefix("Bearer ")
                if authorization.startswith("Bearer ")
                else None
            )
            try:
                with server_state._lock:
                    status, answer = server_state.handle(
                        method, self.path, token, self.headers, body
                    )
            except _Refused as refusal:
                status, answer = refusal.status, refusal.body
            time.sleep(fault.delay_seconds)
            self._reply(status, fault.body or json.dumps(answer).encode(), fault.headers)

        def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
