"""How the contract says who may call what: the security schemes, and on each operation that
needs a principal, the schemes it takes and the refusals that follow from them.

Derived from the routes' dependencies rather than written per route: an operation depending on
`current_principal` takes a bearer token or the browser's session cookie and may answer 401;
one depending on `person` (a person's own sessions, devices, activity) answers 404 to an API
key, and says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.auth.dependencies import ACCESS_COOKIE, current_principal, person
from api.core.errors import problem_responses

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An access token (a user's or a device's session, see docs/auth.md) or "
        "an API key `cpt_key_…` (its scopes limit what it reaches).",
    },
    "session_cookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": ACCESS_COOKIE,
        "description": "Browsers: the HttpOnly session cookie set by the QR login; unsafe "
        "methods also send the CSRF cookie's value in `X-CSRF-Token`.",
    },
}
REQUIREMENT: list[dict[str, list[str]]] = [{"bearer": []}, {"session_cookie": []}]


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


PERSON_ONLY = (
    "Not found, or called with an API key: an API key has no session, devices, activity or "
    "workspace of its own."
)


def document_security(app: FastAPI, openapi_schema: dict[str, Any]) -> None:
    components = openapi_schema.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    paths = openapi_schema.get("paths", {})
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        calls = set(_calls(route.dependant))
        if current_principal not in calls:
            continue
        for method in route.methods:
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            operation["security"] = REQUIREMENT
            responses = operation.setdefault("responses", {})
            if "401" not in responses:
                responses["401"] = {"description": "Authentification requise"} | problem_responses(
                    401
                )[401]
            if person in calls:
                # Also over a 404 the route declares itself: the API key's 404 is the one a
                # client cannot guess from the operation.
                responses["404"] = {"description": PERSON_ONLY} | problem_responses(404)[404]
