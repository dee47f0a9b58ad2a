"""The committed contract is the app's contract: integrators and the SPA generate from it."""

import re

from api.app import create_app
from api.cli import OPENAPI_PATH, render_openapi


def test_committed_openapi_matches_the_app() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == render_openapi(), (
        "openapi/openapi.json is stale: run `comptoir openapi` and commit it"
    )


def test_operation_ids_read_tag_colon_name() -> None:
    schema = create_app().openapi()
    operation_ids = [
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    ]
    assert operation_ids
    assert len(operation_ids) == len(set(operation_ids))
    for operation_id in operation_ids:
        assert re.fullmatch(r"[a-z][a-z0-9_-]*:[a-z][a-z0-9_]*", operation_id), operation_id
