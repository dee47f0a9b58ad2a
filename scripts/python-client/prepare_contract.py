"""Copies the OpenAPI contract for openapi-python-client with operation ids it can name.

Our operation ids are `tag:name` (`clients:list_clients`). The generator drops the colon and
would name the module `clientslist_clients` and its enums `ClientslistClientsSort`. Each
operation is generated inside its tag's package already, so the id without its tag reads as
the integrator expects: `comptoir_client.api.clients.list_clients`. Nothing else changes.

Usage: python prepare_contract.py openapi/openapi.json build/python-client/openapi.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def without_tag_prefix(contract: dict) -> list[str]:
    """Rewrites the operation ids in place; returns the problems that forbid it."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path, item in contract["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            operation_id = operation.get("operationId", "")
            tag, _, name = operation_id.partition(":")
            where = f"{method.upper()} {path}"
            if not name or operation.get("tags") != [tag]:
                problems.append(f"{where}: operationId {operation_id!r} is not `<its tag>:<name>`")
                continue
            if name in seen:
                problems.append(f"{where}: operation name {name!r} also used by {seen[name]}")
                continue
            seen[name] = where
            operation["operationId"] = name
    return problems


def main(source: Path, target: Path) -> int:
    contract = json.loads(source.read_text(encoding="utf-8"))
    problems = without_tag_prefix(contract)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    target.write_text(json.dumps(contract, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
