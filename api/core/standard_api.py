"""What the AFNOR XP Z12-013 standard APIs (Flow Service, Directory Service) share on our side:
their mount points and their error body.

Their clients are generated from the annex and parse its `Error` object
(`{"errorCode", "errorMessage", ...}`), not RFC 9457: every error under these prefixes, from a
service, a validation failure, an unknown route or a crash, is rendered in that shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import Request
from fastapi.responses import JSONResponse

from api.core.errors import FieldError, register_error_surface
from api.core.request_context import current_request_id

FLOW_SERVICE_PREFIX = "/afnor-flow"
DIRECTORY_SERVICE_PREFIX = "/afnor-directory"
OAUTH2_PREFIX = "/oauth2"

# The annex's example codes per status (`components/responses/Error*Response`).
ERROR_CODES = {
    400: "BAD_REQUEST",
    401: "MISSING_TOKEN",
    403: "FORBIDDEN_ACCESS",
    404: "MISSING_RESOURCE",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    413: "FILE_SIZE_EXCEEDED",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "UNPROCESSABLE_ENTITY",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    503: "RESOURCE_ERROR",
}


def _is_annex_code(code: str) -> bool:
    return code.replace("_", "").isalnum() and code.upper() == code


def render_annex_error(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None,
    errors: Sequence[FieldError] | None,
    headers: Mapping[str, str] | None,
) -> JSONResponse:
    """The annex's `Error` body. A request the framework refused as malformed (our 422
    `validation-error`) is the annex's 400: its clients expect 422 only for a consistent
    request the service cannot process."""
    if code == "validation-error":
        status, code = 400, "INVALID_REQUEST"
    error_code = code if _is_annex_code(code) else ERROR_CODES.get(status, f"HTTP_{status}")
    body: dict[str, str] = {"errorCode": error_code, "errorMessage": detail or title}
    if errors:
        body["details"] = "; ".join(f"{error.pointer}: {error.detail}" for error in errors)
    body["instance"] = request.url.path
    request_id = current_request_id()
    response_headers = dict(headers or {})
    if request_id:
        response_headers.setdefault("Request-Id", request_id)
    return JSONResponse(body, status_code=status, headers=response_headers)


def install_standard_error_surfaces() -> None:
    register_error_surface(FLOW_SERVICE_PREFIX + "/", render_annex_error)
    register_error_surface(DIRECTORY_SERVICE_PREFIX + "/", render_annex_error)
