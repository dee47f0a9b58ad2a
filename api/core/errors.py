"""One error hierarchy, rendered as RFC 9457 `application/problem+json`.

Services raise `AppError` subclasses declared next to them (`ClientNotFound`, …); the
handlers below turn those, validation errors, unknown routes and crashes into problems with a
stable `code`, a French `title`, and never a stack trace or SQL.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

import asyncpg
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.request_context import current_request_id
from api.core.routing import allowed_methods

logger = logging.getLogger("comptoir.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_type(code: str) -> str:
    return f"urn:comptoir:problem:{code}"


class FieldError(BaseModel):
    pointer: str = Field(description="JSON pointer to the offending input, e.g. /body/siren.")
    detail: str
    code: str


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str
    request_id: str | None = None
    errors: list[FieldError] | None = None


class AppError(Exception):
    """Base of every expected error. Subclasses set `status`, `code` and a French `title`."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Requête invalide"
    # What to tell the user when the raise site has nothing more precise to say.
    default_detail: ClassVar[str | None] = None
    # Security refusals set this so what they wrote before raising (an audit event, a revoked
    # token family, a rate-limit hit) is committed although the request fails.
    keeps_changes: ClassVar[bool] = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[FieldError] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        detail = detail or self.default_detail
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = dict(headers or {})
        self.errors = list(errors) if errors else None
        self.extra = dict(extra or {})


class NotFound(AppError):
    status = 404
    code = "not-found"
    title = "Ressource introuvable"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"
    title = "Authentification requise"


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    title = "Action non autorisée"


class Conflict(AppError):
    status = 409
    code = "conflict"
    title = "Conflit avec l'état actuel"


class UnprocessableEntity(AppError):
    status = 422
    code = "unprocessable"
    title = "Données refusées"


class TooManyRequests(AppError):
    status = 429
    code = "rate-limited"
    title = "Trop de requêtes"

    def __init__(self, retry_after_seconds: int, detail: str | None = None) -> None:
        super().__init__(
            detail or f"Réessayez dans {retry_after_seconds} s.",
            headers={"Retry-After": str(max(1, retry_after_seconds))},
        )


class ErrorRenderer(Protocol):
    def __call__(
        self,
        request: Request,
        *,
        status: int,
        code: str,
        title: str,
        detail: str | None,
        errors: Sequence[FieldError] | None,
        headers: Mapping[str, str] | None,
    ) -> JSONResponse: ...


# Surfaces whose clients parse another error body (the AFNOR standard APIs answer the annex's
# `Error`): path prefix → renderer. Every error of a request under the prefix goes through it.
_SURFACE_RENDERERS: dict[str, ErrorRenderer] = {}


def register_error_surface(path_prefix: str, renderer: ErrorRenderer) -> None:
    _SURFACE_RENDERERS[path_prefix] = renderer


class DatabaseUnavailable(AppError):
    status = 503
    code = "database-unavailable"
    title = "Service momentanément indisponible"
    default_detail = "La base de données ne répond pas pour l'instant ; réessayez dans un instant."

    def __init__(self, detail: str | None = None, *, retry_after_seconds: int = 5) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_seconds)})


# Driver errors that say the database cannot serve now, not that the request is wrong: the
# server stopped or restarting (SQLSTATE classes 08 and 57), out of connections (53), a link
# that broke, SQLite's write lock still held when `busy_timeout` ran out.
_POSTGRES_OUTAGES = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,
)
_CONNECTION_ERRNOS = frozenset(
    {errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE, errno.ETIMEDOUT}
)
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
        original = getattr(current, "orig", None)
        if isinstance(original, BaseException):
            pending.append(original)


def database_outage(error: BaseException) -> DatabaseUnavailable | None:
    """The 503 to answer if `error` means the database cannot serve now, else None."""
    for cause in _causes(error):
        if isinstance(cause, DatabaseUnavailable):
            return cause
        if isinstance(cause, sqlalchemy.exc.TimeoutError):  # no pooled connection in time
            return DatabaseUnavailable(retry_after_seconds=2)
        if isinstance(cause, sqlalchemy.exc.DBAPIError) and cause.connection_invalidated:
            return DatabaseUnavailable()
        if isinstance(cause, sqlite3.OperationalError) and any(
            busy in str(cause) for busy in _SQLITE_BUSY
        ):
            return DatabaseUnavailable(
                "La base de données est occupée ; réessayez dans un instant.",
                retry_after_seconds=1,
            )
        if isinstance(cause, _POSTGRES_OUTAGES):
            return DatabaseUnavailable()
        if isinstance(cause, ConnectionError | TimeoutError) or (
            isinstance(cause, OSError) and cause.errno in _CONNECTION_ERRNOS
        ):
            return DatabaseUnavailable()
    return None


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    if status == 503 and not any(name.lower() == "retry-after" for name in headers or {}):
        # RFC 9110 §15.6.4: an outage says when to come back; one that did not say gets ours.
        headers = {**(headers or {}), "Retry-After": str(OUTAGE_RETRY_AFTER_SECONDS)}
    path = request.url.path
    for prefix, renderer in _SURFACE_RENDERERS.items():
        if path.startswith(prefix):
            return renderer(
                request,
                status=status,
                code=code,
                title=title,
                detail=detail,
                errors=errors,
                headers=headers,
            )
    problem = Problem(
        type=problem_type(code),
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        code=code,
        request_id=current_request_id(),
        errors=list(errors) if errors else None,
    )
    body = problem.model_dump(exclude_none=True)
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


# Pydantic error types, in French for the people who read them in the UI.
_FRENCH_MESSAGES = {
    "missing": "Champ obligatoire.",
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "string_type": "Une chaîne de caractères est attendue.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "bool_parsing": "Un booléen (true/false) est attendu.",
    "bool_type": "Un booléen (true/false) est attendu.",
    "uuid_parsing": "Identifiant invalide.",
    "uuid_type": "Identifiant invalide.",
    "date_type": "Une date est attendue, en texte AAAA-MM-JJ.",
    "datetime_type": "Une date et heure est attendue, en texte ISO 8601.",
    "float_type": "Un nombre est attendu.",
    "timezone_aware": "Précisez le fuseau horaire (par exemple …Z).",
    "date_from_datetime_parsing": "Date invalide (format AAAA-MM-JJ).",
    "date_parsing": "Date invalide (format AAAA-MM-JJ).",
    "datetime_parsing": "Date et heure invalides (ISO 8601).",
    "enum": "Valeur non autorisée.",
    "literal_error": "Valeur non autorisée.",
    "string_too_short": "Texte trop court.",
    "string_too_long": "Texte trop long.",
    "string_pattern_mismatch": "Format invalide.",
    "greater_than_equal": "Valeur trop petite.",
    "less_than_equal": "Valeur trop grande.",
    "list_type": "Une liste est attendue.",
    "too_short": "Liste trop courte.",
    "too_long": "Liste trop longue.",
    "extra_forbidden": "Champ inconnu.",
    "value_error": "Valeur invalide.",
}


def _json_pointer(location: Sequence[Any]) -> str:
    parts = [str(part).replace("~", "~0").replace("/", "~1") for part in location]
    return "/" + "/".join(parts)


def _field_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors():
        error_type = str(error.get("type", "value_error"))
        location = list(error.get("loc", ()))
        if error_type == "json_invalid":
            # pydantic reports the byte offset as the last location item; point at the body.
            location = location[:1]
        message = _FRENCH_MESSAGES.get(error_type)
        if error_type == "value_error" and error.get("msg"):
            message = str(error["msg"]).removeprefix("Value error, ")
        errors.append(
            FieldError(
                pointer=_json_pointer(location),
                detail=message or str(error.get("msg", "Valeur invalide.")),
                code=error_type,
            )
        )
    return errors


_HTTP_TITLES = {
    400: ("bad-request", "Requête invalide"),
    401: ("unauthorized", "Authentification requise"),
    403: ("forbidden", "Action non autorisée"),
    404: ("not-found", "Ressource introuvable"),
    405: ("method-not-allowed", "Méthode non autorisée pour cette ressource"),
    406: ("not-acceptable", "Format de réponse non disponible"),
    413: ("payload-too-large", "Contenu trop volumineux"),
    415: ("unsupported-media-type", "Type de contenu non pris en charge"),
    429: ("rate-limited", "Trop de requêtes"),
}


async def _app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
        extra=exc.extra,
    )


async def _validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(
        request,
        status=422,
        code="validation-error",
        title="La requête contient des données invalides",
        detail="Corrigez les champs signalés puis réessayez.",
        errors=_field_errors(exc),
    )


async def _http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # FastAPI could not decode the body (not UTF-8): the same problem as invalid JSON.
        return problem_response(
            request,
            status=422,
            code="validation-error",
            title="La requête contient des données invalides",
            detail="Corrigez les champs signalés puis réessayez.",
            errors=[
                FieldError(
                    pointer="/body",
                    detail="Le corps de la requête n'est pas un JSON valide : il doit être "
                    "encodé en UTF-8.",
                    code="json_invalid",
                )
            ],
        )
    if exc.status_code == 405:
        allowed = allowed_methods(request.app.router.routes, request.scope)
        if not allowed:
            return problem_response(
                request, status=404, code="not-found", title="Ressource introuvable"
            )
        exc = StarletteHTTPException(405, headers={"Allow": ", ".join(allowed)})
    code, title = _HTTP_TITLES.get(exc.status_code, ("http-error", "Erreur HTTP"))
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = None
    if exc.status_code == 405 and detail == "Method Not Allowed":
        detail = None
    if exc.status_code == 400 and detail == "There was an error parsing the body":
        detail = "Le corps de la requête n'a pas pu être lu."
    return problem_response(
        request, status=exc.status_code, code=code, title=title, detail=detail, headers=exc.headers
    )


class CrashBarrierMiddleware:
    """Turns an unexpected exception into a 500 problem carrying the request id.

    Starlette's own last-resort handler runs outside every user middleware, where the request
    id is already gone; this barrier sits just inside `RequestIdMiddleware` instead.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            outage = database_outage(error)
            if outage is not None:
                # Expected in an outage, and on every request meanwhile: one line, no traceback.
                logger.warning(
                    "database unavailable on %s %s: %s",
                    scope["method"],
                    scope["path"],
                    one_line(error),
                )
                if response_started:
                    raise
                response = await _app_error_handler(Request(scope), outage)
                await response(scope, receive, send)
                return
            logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if response_started:
                raise
            response = problem_response(
                Request(scope),
                status=500,
                code="internal-error",
                title="Erreur interne",
                detail="Une erreur inattendue est survenue. Elle a été journalisée ; "
                "communiquez l'identifiant de requête au support si elle persiste.",
            )
            await response(scope, receive, send)


def one_line(error: BaseException) -> str:
    """`error` as one log line: the driver's own message, without the SQL or a traceback."""
    original = getattr(error, "orig", None)
    root = original if isinstance(original, BaseException) else error
    text = f"{type(root).__name__}: {root}".splitlines()
    return text[0][:300] if text else type(root).__name__


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for routers: documents each status as a problem document."""
    return {
        status: {"content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}}
        for status in statuses
    }


PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"

# Seconds a 503 tells the client to wait when the failing dependency did not say.
OUTAGE_RETRY_AFTER_SECONDS = 30

_OUTAGE_FREE: set[Callable[..., Any]] = set()

EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])


def outage_free(endpoint: EndpointT) -> EndpointT:
    """Mark an endpoint that reads only what the process itself holds (shipped files, its
    settings): no database or other dependency can fail under it, so its operation declares no
    503. Every other operation does (`document_outages`); `tests/core/test_outage_contract.py`
    calls the marked ones with no database at all."""
    _OUTAGE_FREE.add(endpoint)
    return endpoint


OUTAGE_RESPONSE: dict[str, Any] = {
    "description": "Service momentanément indisponible : une dépendance (base de données, "
    "registre des entreprises, fournisseur d'identité…) ne répond pas. Réessayer après "
    "`Retry-After`.",
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before trying again (RFC 9110 §10.2.3).",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}


def document_outages(app: FastAPI, openapi_schema: dict[str, Any]) -> None:
    """Every operation that can meet a dependency outage declares its 503: an RFC 9457
    problem with `Retry-After` (the crash barrier answers it for any route the database
    fails under). Written once here, from the routes, rather than in each `responses=`."""
    paths = openapi_schema.get("paths", {})
    problem = problem_responses(503)[503]
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        if route.endpoint in _OUTAGE_FREE:
            continue
        for method in route.methods:
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            declared = operation.setdefault("responses", {}).setdefault("503", {})
            declared.update(OUTAGE_RESPONSE | problem | {"headers": OUTAGE_RESPONSE["headers"]})


def add_problem_schema(openapi_schema: dict[str, Any]) -> None:
    """Register `Problem` (and `FieldError`) in the contract's components: the error responses
    refer to it under `application/problem+json`, which FastAPI's `model=` cannot express (it
    would document the problem as `application/json`, and generated clients would not parse
    the errors the API really sends)."""
    schemas = openapi_schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    documented = {**problem.pop("$defs", {}), "Problem": problem}
    for schema in documented.values():
        # Empty members are left out of the body (not sent as null): optional, no default.
        for member in schema.get("properties", {}).values():
            member.pop("default", None)
    schemas.update(documented)
    _document_validation_errors_as_problems(openapi_schema)


def _document_validation_errors_as_problems(openapi_schema: dict[str, Any]) -> None:
    """FastAPI documents every 422 it adds as its own `HTTPValidationError` in JSON; this API
    answers a problem document (with its field `errors`) instead: say so everywhere."""
    validation = problem_responses(422)[422]
    for operations in openapi_schema.get("paths", {}).values():
        for operation in operations.values():
            response = operation.get("responses", {}).get("422")
            if response is not None and "application/json" in response.get("content", {}):
                response["content"] = validation["content"]
    schemas = openapi_schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
