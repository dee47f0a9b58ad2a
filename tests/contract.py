"""The contract a response must keep: the body of a route that returns pre-serialised JSON
(`PlainJSONResponse`, which skips FastAPI's validation) still is its declared response model."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel


def declared_model(app: FastAPI, method: str, path: str) -> type[BaseModel]:
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path == path and method in route.methods:
            model = route.response_model
            assert isinstance(model, type), route.name
            assert issubclass(model, BaseModel), route.name
            return model
    raise AssertionError(f"no route {method} {path}")


def assert_is_declared_model(app: FastAPI, method: str, path: str, response: httpx.Response) -> Any:
    """The body validates strictly against the route's model and says exactly what the model
    would say: no field missing, none added, every value in the model's own JSON form."""
    assert response.status_code == 200, response.text
    model = declared_model(app, method, path)
    parsed = model.model_validate_json(response.content, strict=True)
    body = response.json()
    assert parsed.model_dump(mode="json") == body
    return body
