"""Two routing rules for every route of the app.

- **An id in a path is matched as an id.** A path parameter typed `uuid.UUID` gets Starlette's
  `uuid` converter, so a fixed segment next to it (`/clients/imports`) can never fall into the
  parameter's route: `PATCH /clients/imports` is a 405, not a 422 from `/clients/{client_id}`,
  and `/clients/pas-un-uuid` is a 404. A string parameter (the standards' ids, such as the
  Flow Service's `/flows/{flowId}` beside `/flows/search`) never takes the value of a fixed
  segment a sibling route has at its place: `GET /flows/search` is a 405 too. Applied to the
  app's routes at start-up, whoever wrote them; `tests/core/test_routing.py` walks every route.
- **A 405 lists every method of the path** in `Allow` (RFC 9110 §15.5.6), not only those of the
  first route Starlette tried.
- **A 201 says where the new resource is** (`Location`, RFC 9110 §10.2.2): the created item's
  URL (`POST /clients` → `/api/v1/clients/{id}`) when the API has routes for it, otherwise
  the collection it was added to. Set for every route by `CreatedLocationMiddleware`.
"""

from __future__ import annotations

import json
import re
import typing
import uuid

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match, Route, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def match_ids_as_ids(app: FastAPI) -> None:
    """Give every `uuid.UUID` path parameter the `uuid` converter, and keep every other
    parameter from matching its siblings' fixed segments (the contract's path stays
    `/clients/{client_id}`: FastAPI documents `path_format`)."""
    routes = [route for route in app.routes if isinstance(route, APIRoute)]
    fixed = _fixed_segments(routes)
    for route in routes:
        path = route.path
        for parameter in route.dependant.path_params:
            annotation = parameter.field_info.annotation
            if _is_uuid(annotation) and "{" + parameter.name + "}" in path:
                path = path.replace("{" + parameter.name + "}", "{" + parameter.name + ":uuid}")
        regex, _, convertors = compile_path(path)
        pattern = regex.pattern
        segments = route.path.split("/")
        for index, segment in enumerate(segments):
            name = segment[1:-1]
            siblings = fixed.get(_shape(segments[:index]))
            if not (segment.startswith("{") and segment.endswith("}") and siblings):
                continue
            if f"(?P<{name}>[^/]+)" not in pattern:
                continue  # a uuid or path parameter: a fixed segment cannot match it anyway
            excluded = "|".join(re.escape(word) for word in sorted(siblings))
            pattern = pattern.replace(
                f"(?P<{name}>[^/]+)", f"(?P<{name}>(?!(?:{excluded})(?:/|$))[^/]+)"
            )
        if path != route.path or pattern != regex.pattern:
            # Only the matching changes: `route.path` stays what the router declared.
            route.path_regex, route.param_convertors = re.compile(pattern), convertors


def _shape(segments: typing.Sequence[str]) -> tuple[str, ...]:
    """A path prefix with every parameter alike: `/flows/{flowId}` and `/flows/{id}` match
    the same requests."""
    return tuple("{}" if part.startswith("{") else part for part in segments)


def _fixed_segments(routes: typing.Sequence[APIRoute]) -> dict[tuple[str, ...], set[str]]:
    """For each path prefix, the fixed segments some route has right after it."""
    found: dict[tuple[str, ...], set[str]] = {}
    for route in routes:
        segments = route.path.split("/")
        for index, segment in enumerate(segments):
            if segment and not segment.startswith("{") and "{" not in segment:
                found.setdefault(_shape(segments[:index]), set()).add(segment)
    return found


def _is_uuid(annotation: typing.Any) -> bool:
    if annotation is uuid.UUID:
        return True
    return typing.get_origin(annotation) is typing.Annotated and _is_uuid(
        typing.get_args(annotation)[0]
    )


def allowed_methods(routes: typing.Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route accepts on this path."""
    methods: set[str] = set()
    probe = {**scope, "method": "\x00"}  # matches no route's methods: path matches are PARTIAL
    for route in routes:
        if not isinstance(route, Route) or not route.methods:
            continue
        if ":path}" in route.path:
            continue  # the SPA's catch-all serves pages (GET), it is no method of an API path
        match, _ = route.matches(probe)
        if match is not Match.NONE:
            methods |= route.methods
    return sorted(methods)


# The members of a created resource's body that name it, in order of preference.
_ID_MEMBERS = ("id", "challenge_id", "session_id")


class CreatedLocationMiddleware:
    """Adds `Location` to every 201 that has none (pure ASGI: the small JSON body of a 201
    is held until its end to read the new resource's id)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        body = b""

        async def send_with_location(message: Message) -> None:
            nonlocal held, body
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if message["status"] != 201 or any(n.lower() == b"location" for n, _ in headers):
                    await send(message)
                    return
                held = message
                return
            if held is None or message["type"] != "http.response.body":
                await send(message)
                return
            body += message.get("body", b"")
            if message.get("more_body", False):
                return
            location = created_location(scope, body)
            held["headers"] = [*held.get("headers", []), (b"location", location.encode())]
            await send(held)
            await send({"type": "http.response.body", "body": body})
            held = None

        await self.app(scope, receive, send_with_location)


def created_location(scope: Scope, body: bytes) -> str:
    collection = str(scope["path"]).rstrip("/")
    try:
        created = json.loads(body) if body else {}
    except ValueError:
        created = {}
    identifier = next(
        (str(created[m]) for m in _ID_MEMBERS if isinstance(created, dict) and created.get(m)),
        None,
    )
    router = scope.get("app") and getattr(scope["app"], "router", None)
    if identifier is None or router is None:
        return collection
    # `POST /clients` → `/clients/{id}`; `POST /members/invitations` → `/members/{id}`.
    for item in (f"{collection}/{identifier}", f"{collection.rpartition('/')[0]}/{identifier}"):
        probe = {**scope, "path": item, "method": "\x00"}
        for route in router.routes:
            if isinstance(route, Route) and ":path}" not in route.path:
                match, _ = route.matches(probe)
                if match is not Match.NONE:
                    return item
    return collection


def document_created_location(openapi_schema: dict[str, typing.Any]) -> None:
    """Every 201 of the contract declares its `Location` header."""
    for operations in openapi_schema.get("paths", {}).values():
        for operation in operations.values():
            created = operation.get("responses", {}).get("201")
            if created is not None:
                created.setdefault("headers", {})["Location"] = {
                    "description": "The new resource's URL (or, when it has none of its own, "
                    "the collection's).",
                    "schema": {"type": "string"},
                }
