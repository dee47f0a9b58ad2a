"""The input policy (api/core/input.py) holds for every route of the app, present and future:
each request body is a `RequestModel` (strict JSON types), and each string a client sends, in
a body, a query string or a path, is `HumanText` or `MachineText` (no control character)."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Annotated, Any, Union

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, EmailStr

from api.app import create_app
from api.core.input import RequestModel, TextKind, clean_human_text, one_line
from api.core.settings import Settings


def _routes(settings: Settings) -> list[APIRoute]:
    return [route for route in create_app(settings).routes if isinstance(route, APIRoute)]


def _text_leaves(annotation: Any, marked: bool = False) -> Iterator[tuple[Any, bool]]:
    """Every leaf type of `annotation`, with whether a text policy marks it."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        inner, *extras = typing.get_args(annotation)
        yield from _text_leaves(inner, marked or any(isinstance(e, TextKind) for e in extras))
    elif origin in (Union, types.UnionType, list, set, frozenset, tuple):
        for argument in typing.get_args(annotation):
            yield from _text_leaves(argument, marked)
    else:
        yield annotation, marked


def _unpolicied_strings(model: type[BaseModel], path: str) -> Iterator[str]:
    for name, field in model.model_fields.items():
        marked = any(isinstance(extra, TextKind) for extra in field.metadata)
        for leaf, leaf_marked in _text_leaves(field.annotation, marked):
            if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                yield from _unpolicied_strings(leaf, f"{path}.{name}")
            elif leaf is str and not leaf_marked:
                yield f"{path}.{name}"


def _body_models(annotation: Any) -> Iterator[type[BaseModel]]:
    for leaf, _ in _text_leaves(annotation):
        if isinstance(leaf, type) and issubclass(leaf, BaseModel):
            yield leaf
            for field in leaf.model_fields.values():
                yield from _body_models(field.annotation)


def test_every_request_body_model_is_a_strict_request_model(settings: Settings) -> None:
    loose = sorted(
        f"{sorted(route.methods)} {route.path}: {model.__name__}"
        for route in _routes(settings)
        if route.body_field is not None
        for model in _body_models(route.body_field.field_info.annotation)
        if not issubclass(model, RequestModel)
    )
    assert not loose, "derive from api.core.input.RequestModel:\n" + "\n".join(loose)


def test_every_string_a_client_sends_follows_the_text_policy(settings: Settings) -> None:
    unpolicied = []
    for route in _routes(settings):
        where = f"{sorted(route.methods)} {route.path}"
        if route.body_field is not None:
            for model in _body_models(route.body_field.field_info.annotation):
                unpolicied += [f"{where} body{field}" for field in _unpolicied_strings(model, "")]
        dependant = route.dependant
        for parameter in dependant.query_params + dependant.path_params + dependant.header_params:
            info = parameter.field_info
            if not getattr(info, "include_in_schema", True):
                continue
            marked = any(isinstance(extra, TextKind) for extra in info.metadata)
            for leaf, leaf_marked in _text_leaves(info.annotation, marked):
                if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                    fields = _unpolicied_strings(leaf, "")
                    unpolicied += [f"{where} ?{field.lstrip('.')}" for field in fields]
                elif leaf is str and not leaf_marked:
                    unpolicied += [f"{where} {parameter.name}"]
    assert not unpolicied, "make these HumanText or MachineText (api.core.input):\n" + "\n".join(
        unpolicied
    )


def test_email_fields_refuse_control_characters_by_themselves() -> None:
    class Contact(RequestModel):
        email: EmailStr

    with pytest.raises(ValueError, match="email"):
        Contact.model_validate({"email": "a\x00b@exemple.fr"})
    with pytest.raises(ValueError, match="email"):
        Contact.model_validate({"email": "ab@exemple.fr\r\nBcc: x@exemple.fr"})


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("  Élodie ", "Élodie"),
        ("E\u0301lodie", "Élodie"),  # decomposed é, as macOS sends it: NFC
        ("Mar\u200btin\ufeff", "Martin"),  # zero-width space, BOM
        ("\u202eeinreV", "einreV"),  # right-to-left override
        ("a\u2066b\u2069", "ab"),  # bidi isolates
    ],
)
def test_human_text_is_normalised(sent: str, kept: str) -> None:
    assert clean_human_text(sent) == kept


@pytest.mark.parametrize("control", ["\x00", "\r", "\n", "\t", "\x08", "\x7f", "\x85", "\ud800"])
def test_human_text_refuses_control_characters(control: str) -> None:
    with pytest.raises(ValueError, match="Caractère de contrôle"):
        clean_human_text(f"Mar{control}tin")


def test_one_line_makes_stored_text_safe_for_a_header_or_a_cell() -> None:
    assert one_line("Élodie\r\nBcc: x@exemple.fr") == "Élodie Bcc: x@exemple.fr"
    assert one_line("A\x08B\u200b") == "A B"


@pytest.mark.parametrize(
    ("body", "pointer_type"),
    [
        ({"count": False}, ("count", "int_type")),
        ({"count": "5"}, ("count", "int_type")),
        ({"flag": 0}, ("flag", "bool_type")),
        ({"flag": "true"}, ("flag", "bool_type")),
        ({"day": 0}, ("day", "date_type")),
        ({"moment": 0}, ("moment", "datetime_type")),
        ({"ids": [1]}, ("ids", 0)),
        ({"name": 12}, ("name", "string_type")),
    ],
)
def test_request_models_take_json_types_strictly(
    body: dict[str, Any], pointer_type: tuple[str, Any]
) -> None:
    import datetime as dt
    import uuid

    from pydantic import ValidationError

    from api.core.input import HumanText

    class Strict(RequestModel):
        count: int | None = None
        flag: bool = False
        day: dt.date | None = None
        moment: dt.datetime | None = None
        ids: list[uuid.UUID] | None = None
        name: HumanText | None = None

    with pytest.raises(ValidationError) as raised:
        Strict.model_validate(body)
    error = raised.value.errors()[0]
    assert error["loc"][0] == pointer_type[0]
    if isinstance(pointer_type[1], str):
        assert error["type"] == pointer_type[1]
    accepted = Strict.model_validate(
        {
            "count": 3,
            "flag": True,
            "day": "2026-12-07",
            "moment": "2026-12-07T10:00:00Z",
            "ids": [str(uuid.uuid4())],
            "name": "x",
        }
    )
    assert accepted.day == dt.date(2026, 12, 7)
