"""What the AFNOR XP Z12-013 standard APIs (Flow Service, Directory Service) share on our side:
their mount points and their error body.

Their clients are generated from the annex and parse its `Error` object
(`{"errorCode", "errorMessage", ...}`), not RFC 9457: every error under these prefixes, from a
service, a validation failure, an unknown route or a crash, is rendered in that shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.core.errors import FieldError, register_error_surface
from api.core.request_context import current_request_id
from api.core.state import request_state

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


def served_openapi(
    request: Request,
    router: APIRouter,
    annex: Path,
    prefix: str,
    *,
    renames: Mapping[str, str] | None = None,
    extra_schemas: Sequence[type[BaseModel]] = (),
) -> dict[str, Any]:
    """The OpenAPI document of one standard API as we serve it: its routes (relative to
    `prefix`, like the annex's paths), the annex's security schemes, our base URL. Built once
    per app."""
    cache: dict[str, dict[str, Any]] = request_state(request).once("standard_openapi", dict)
    if prefix not in cache:
        source = json.loads(annex.read_text(encoding="utf-8"))
        documented = FastAPI(
            title=source["info"]["title"],
            version=source["info"]["version"],
            description=source["info"].get("description"),
            openapi_url=None,
            docs_url=None,
            redoc_url=None,
            # One schema per model, whose required members are those without a default, as
            # the annex writes them (the output variant would require every defaulted one).
            separate_input_output_schemas=False,
        )
        documented.include_router(router)
        document = documented.openapi()
        renames = renames or {}
        paths: dict[str, Any] = {}
        for path, operations in document["paths"].items():
            if not path.startswith(prefix + "/"):
                continue
            for ours, theirs in renames.items():
                path = path.replace("{" + ours + "}", "{" + theirs + "}")
            for operation in operations.values():
                # These APIs answer a malformed request with the annex's 400, never FastAPI's
                # 422 `HTTPValidationError`: its documentation would be false.
                responses = operation.get("responses", {})
                if "HTTPValidationError" in json.dumps(responses.get("422", {})):
                    del responses["422"]
                for parameter in operation.get("parameters", []):
                    parameter["name"] = renames.get(parameter["name"], parameter["name"])
            paths[path.removeprefix(prefix)] = operations
        document["paths"] = paths
        base = str(request.base_url).rstrip("/") + prefix
        document["servers"] = [{"url": base}]
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        # The annex's own schemas, which routes answering its payloads refer to.
        for name, schema in source["components"].get("schemas", {}).items():
            schemas.setdefault(name, schema)
        for model in extra_schemas:
            # Models a route documents by hand (a multipart part) rather than by its signature.
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
        components["securitySchemes"] = source["components"]["securitySchemes"]
        for scheme in components["securitySchemes"].values():
            if scheme.get("type") == "oauth2":
                scheme["flows"]["clientCredentials"]["tokenUrl"] = (
                    str(request.base_url).rstrip("/") + OAUTH2_PREFIX + "/token"
                )
        document["security"] = source.get("security", [])
        cache[prefix] = document
    return cache[prefix]
