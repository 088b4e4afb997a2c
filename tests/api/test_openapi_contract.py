"""The contract is typed end to end: no JSON answer of the API is an untyped object in the OpenAPI document
(the web client's types are generated from it: frontend/openapi.json → frontend/src/api/schema.d.ts)."""

from __future__ import annotations

from typing import Any


def _untyped(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if not schema:
        return True  # {}: anything
    if schema.get("type") == "array":
        return _untyped(schema.get("items") or {}, components)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return any(_untyped(s, components) for s in schema[key] if s.get("type") != "null")
    if schema.get("type") == "object" or "additionalProperties" in schema:
        return not schema.get("properties")  # a bare object, or a map of anything
    return False


def test_every_json_answer_has_a_response_model(make_client) -> None:  # type: ignore[no-untyped-def]
    doc = make_client().app.openapi()
    components = doc.get("components", {}).get("schemas", {})
    untyped, seen = [], 0
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, answer in op.get("responses", {}).items():
                json_body = answer.get("content", {}).get("application/json")
                if not status.startswith("2") or json_body is None:
                    continue
                seen += 1
                if _untyped(json_body.get("schema") or {}, components):
                    untyped.append(f"{method.upper()} {path} {status}")
    assert seen > 70
    assert not untyped, "declare a response_model for: " + ", ".join(untyped)
