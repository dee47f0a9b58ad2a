"""Compares a served OpenAPI document with an annex of the standard: every path and method,
operation id, parameter (name, place, required, enums), request body and response status, and
the shape of every schema they use (properties, required members, enums, types), resolving
`$ref` and merging `allOf` on both sides. Returns the differences, one sentence each."""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]

METHODS = {"get", "post", "put", "patch", "delete"}


def _resolve(document: Document, node: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        parts = node["$ref"].removeprefix("#/").split("/")
        target: Any = document
        for part in parts:
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
        if seen > 50:
            raise ValueError("reference loop")
    return node


def _flatten(document: Document, schema: Any) -> dict[str, Any]:
    """A schema with its `allOf` merged and its references resolved (one level)."""
    schema = _resolve(document, schema or {})
    merged: dict[str, Any] = {
        key: value for key, value in schema.items() if key not in {"allOf", "anyOf"}
    }
    for part in schema.get("allOf", []):
        flat = _flatten(document, part)
        merged.setdefault("properties", {}).update(flat.get("properties", {}))
        merged["required"] = sorted(set(merged.get("required", [])) | set(flat.get("required", [])))
        for key in ("type", "enum", "items"):
            if key in flat and key not in merged:
                merged[key] = flat[key]
    # pydantic writes an optional member as anyOf [X, null]: the same member for a client.
    options = [option for option in schema.get("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1:
        inner = _flatten(document, options[0])
        merged = {**inner, **{k: v for k, v in merged.items() if k not in {"type"}}}
    if "properties" in merged and "type" not in merged:
        merged["type"] = "object"
    return merged


def _enum(document: Document, schema: Any) -> list[str] | None:
    flat = _flatten(document, schema)
    if "const" in flat:  # pydantic's one-value Literal: an enum of one
        return [str(flat["const"])]
    if "enum" in flat:
        return sorted(str(value) for value in flat["enum"])
    if "oneOf" in flat:
        return None  # an extensible enum (ReasonCode): enum or any string
    return None


def compare_schemas(
    annex: Document, served: Document, a: Any, s: Any, where: str, depth: int = 0
) -> list[str]:
    if depth > 8:
        return []
    fa, fs = _flatten(annex, a), _flatten(served, s)
    differences = []
    if "oneOf" in fa:
        return []  # extensible: what we send is one of its branches (a string)
    type_a, type_s = fa.get("type"), fs.get("type")
    if type_a and type_s and type_a != type_s:
        differences.append(f"{where}: type {type_s!r} instead of {type_a!r}")
    enum_a, enum_s = _enum(annex, fa), _enum(served, fs)
    if enum_a is not None and enum_a != enum_s:
        differences.append(f"{where}: enum {enum_s} instead of {enum_a}")
    if type_a == "array" or "items" in fa:
        differences += compare_schemas(
            annex, served, fa.get("items"), fs.get("items"), f"{where}[]", depth + 1
        )
    props_a, props_s = fa.get("properties", {}), fs.get("properties", {})
    if props_a or props_s:
        for name in sorted(set(props_a) - set(props_s)):
            differences.append(f"{where}: property {name!r} missing")
        for name in sorted(set(props_s) - set(props_a)):
            differences.append(f"{where}: property {name!r} not in the annex")
        required_a, required_s = set(fa.get("required", [])), set(fs.get("required", []))
        if required_a != required_s:
            differences.append(
                f"{where}: required {sorted(required_s)} instead of {sorted(required_a)}"
            )
        for name in sorted(set(props_a) & set(props_s)):
            differences += compare_schemas(
                annex, served, props_a[name], props_s[name], f"{where}.{name}", depth + 1
            )
    return differences


def _parameters(document: Document, operation: Document) -> dict[tuple[str, str], Any]:
    found = {}
    for parameter in operation.get("parameters", []):
        resolved = _resolve(document, parameter)
        found[(resolved["name"], resolved["in"])] = resolved
    return found


def _body_schema(document: Document, node: Any) -> tuple[list[str], Any]:
    node = _resolve(document, node or {})
    content = node.get("content", {})
    types = sorted(content)
    schema = next((value.get("schema") for value in content.values() if value.get("schema")), None)
    return types, schema


def compare_documents(annex: Document, served: Document) -> list[str]:
    differences: list[str] = []
    annex_paths, served_paths = annex["paths"], served["paths"]
    for path in sorted(set(annex_paths) - set(served_paths)):
        differences.append(f"path {path} not served")
    for path in sorted(set(served_paths) - set(annex_paths)):
        differences.append(f"path {path} not in the annex")
    for path in sorted(set(annex_paths) & set(served_paths)):
        ops_a = {m: o for m, o in annex_paths[path].items() if m in METHODS}
        ops_s = {m: o for m, o in served_paths[path].items() if m in METHODS}
        for method in sorted(set(ops_a) ^ set(ops_s)):
            differences.append(f"{method.upper()} {path}: only on one side")
        for method in sorted(set(ops_a) & set(ops_s)):
            where = f"{method.upper()} {path}"
            a, s = ops_a[method], ops_s[method]
            if a.get("operationId") != s.get("operationId"):
                differences.append(f"{where}: operationId {s.get('operationId')!r}")
            params_a, params_s = _parameters(annex, a), _parameters(served, s)
            for key in sorted(set(params_a) ^ set(params_s)):
                side = "missing" if key in params_a else "not in the annex"
                differences.append(f"{where}: parameter {key} {side}")
            for key in sorted(set(params_a) & set(params_s)):
                if bool(params_a[key].get("required")) != bool(params_s[key].get("required")):
                    differences.append(f"{where}: parameter {key} required differs")
                differences += compare_schemas(
                    annex,
                    served,
                    params_a[key].get("schema"),
                    params_s[key].get("schema"),
                    f"{where} parameter {key[0]}",
                )
            body_a = _body_schema(annex, a.get("requestBody"))
            body_s = _body_schema(served, s.get("requestBody"))
            if body_a[0] != body_s[0]:
                differences.append(f"{where}: request body types {body_s[0]} vs {body_a[0]}")
            if body_a[1] is not None:
                differences += compare_schemas(
                    annex, served, body_a[1], body_s[1], f"{where} request body"
                )
            codes_a = set(a.get("responses", {}))
            codes_s = set(s.get("responses", {}))
            if codes_a != codes_s:
                differences.append(
                    f"{where}: responses {sorted(codes_s)} instead of {sorted(codes_a)}"
                )
            for code in sorted(codes_a & codes_s):
                types_a, schema_a = _body_schema(annex, a["responses"][code])
                types_s, schema_s = _body_schema(served, s["responses"][code])
                if types_a != types_s:
                    differences.append(f"{where} {code}: content {types_s} vs {types_a}")
                if schema_a is not None:
                    differences += compare_schemas(
                        annex, served, schema_a, schema_s, f"{where} {code}"
                    )
    return differences
