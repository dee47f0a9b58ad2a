"""Response classes shared by routers."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response


class PlainJSONResponse(Response):
    """JSON of plain rows (dicts, UUIDs, UTC datetimes as `…Z`) serialised by orjson.

    For hot read paths whose route still declares its `response_model` for the contract:
    returning a Response skips the second validation pass FastAPI would otherwise make.
    """

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_fallback, option=orjson.OPT_UTC_Z)


def _fallback(value: Any) -> str:
    # asyncpg hands back its own UUID subclass, which orjson does not take for a UUID.
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def model_response(
    model: BaseModel, status_code: int = 200, *, exclude_none: bool = False
) -> Response:
    """`model` (already validated when it was built) as the response, for hot write paths
    whose route declares the same model as its `response_model` for the contract: FastAPI
    would dump it, validate the dump against the declared type again (every member of a
    union), then serialise it. `exclude_none`: as the route's `response_model_exclude_none`.
    Headers and cookies go on the returned response."""
    return Response(
        model.model_dump_json(by_alias=True, exclude_none=exclude_none),
        status_code=status_code,
        media_type="application/json",
    )
