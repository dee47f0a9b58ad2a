"""Two routing rules for every route of the app.

- **An id in a path is matched as an id.** A path parameter typed `uuid.UUID` gets Starlette's
  `uuid` converter, so a fixed segment next to it (`/clients/imports`) can never fall into the
  parameter's route: `PATCH /clients/imports` is a 405, not a 422 from `/clients/{client_id}`,
  and `/clients/pas-un-uuid` is a 404. Applied to the app's routes at start-up, whoever wrote
  them; `tests/core/test_routing.py` walks every route.
- **A 405 lists every method of the path** in `Allow` (RFC 9110 §15.5.6), not only those of the
  first route Starlette tried.
"""

from __future__ import annotations

import typing
import uuid

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match, Route, compile_path
from starlette.types import Scope


def match_ids_as_ids(app: FastAPI) -> None:
    """Give every `uuid.UUID` path parameter the `uuid` converter (the contract's path stays
    `/clients/{client_id}`: FastAPI documents `path_format`)."""
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        path = route.path
        for parameter in route.dependant.path_params:
            annotation = parameter.field_info.annotation
            if _is_uuid(annotation) and "{" + parameter.name + "}" in path:
                path = path.replace("{" + parameter.name + "}", "{" + parameter.name + ":uuid}")
        if path != route.path:
            # Only the matching changes: `route.path` stays what the router declared.
            route.path_regex, _, route.param_convertors = compile_path(path)


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
