"""The wire contract as JSON Schema: validate responses against the OpenAPI file's schemas.

The OpenAPI 3.0 file is OpenAI's, unchanged; two known mismatches with what the API actually
sent are corrected here (see /work/shared/FACTS.md):

* ``ListAssistantFilesResponse`` requires ``items``, which the API never sent: dropped.
* ``first_id``/``last_id`` are declared strings but were ``null`` on empty pages: nullable.

OpenAPI's ``nullable: true`` becomes a ``"null"`` alternative; ``example`` and ``x-*`` keys are
dropped.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import jsonschema
import yaml

__all__ = ["CONTRACT_PATH", "contract", "jsonschema_for", "request_schema", "response_schema", "validate"]

#: The OpenAPI file of the v1 assistant-files endpoints.
CONTRACT_PATH = Path(__file__).with_name("assistant-files-v1.openapi.yaml")


@functools.cache
def _raw() -> dict[str, Any]:
    with CONTRACT_PATH.open(encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
    return loaded


def contract(*, corrected: bool = True) -> dict[str, Any]:
    """A fresh copy of the OpenAPI document, by default with the two known mistakes corrected."""
    document = copy.deepcopy(_raw())
    if corrected:
        listing = document["components"]["schemas"]["ListAssistantFilesResponse"]
        listing["required"] = [name for name in listing["required"] if name != "items"]
        for name in ("first_id", "last_id"):
            listing["properties"][name]["nullable"] = True
    return document


def _to_jsonschema(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: _to_jsonschema(value)
        for key, value in node.items()
        if key not in ("nullable", "example") and not key.startswith("x-")
    }
    if node.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


@functools.cache
def _components() -> dict[str, Any]:
    converted: dict[str, Any] = _to_jsonschema(contract()["components"]["schemas"])
    return converted


def jsonschema_for(schema_name: str) -> dict[str, Any]:
    """A standalone JSON Schema (draft 2020-12) for ``components.schemas[schema_name]``."""
    components = _components()
    if schema_name not in components:
        raise KeyError(f"no schema {schema_name!r} in the contract; known: {', '.join(sorted(components))}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{schema_name}",
        "components": {"schemas": components},
    }


@functools.cache
def _validator(schema_name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(jsonschema_for(schema_name))


def validate(schema_name: str, instance: object) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``instance`` matches the named contract schema."""
    _validator(schema_name).validate(instance)


def request_schema(operation_id: str) -> str | None:
    """The schema name of ``operation_id``'s JSON request body, or ``None`` if it has none."""
    return _operation_schema(operation_id, lambda op: op.get("requestBody", {}))


def response_schema(operation_id: str, status: int = 200) -> str | None:
    """The schema name of ``operation_id``'s JSON response for ``status``, or ``None``."""
    return _operation_schema(operation_id, lambda op: op.get("responses", {}).get(str(status), {}))


def _operation_schema(operation_id: str, pick: Any) -> str | None:
    for path_item in _raw()["paths"].values():
        for operation in path_item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                ref = pick(operation).get("content", {}).get("application/json", {}).get("schema", {})
                name = ref.get("$ref", "").rpartition("/")[2]
                return name or None
    raise KeyError(f"no operation {operation_id!r} in the contract")
