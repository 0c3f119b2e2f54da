"""Tool JSON schemas that every MCP host accepts: flat, self-contained, explicit.

pydantic writes ``$defs``/``$ref`` for nested models and ``anyOf [T, null]`` for optionals,
which several hosts reject. ``flatten_input`` and ``flatten_output`` inline references, drop
pydantic's generated titles, and turn optionals into ``"type": [T, "null"]`` (outputs, where null
is a real value) or plain ``T`` (inputs, where "null" only ever means "leave it out").
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["flatten_input", "flatten_output"]


def flatten_input(schema: dict[str, Any]) -> dict[str, Any]:
    """An input schema with no ``$ref``/``anyOf``; unknown properties are refused."""
    flat = _flatten(schema, keep_null=False)
    flat["additionalProperties"] = False
    return flat


def flatten_output(schema: dict[str, Any]) -> dict[str, Any]:
    """An output schema with no ``$ref``/``anyOf``; nullable fields become ``[T, "null"]``."""
    return _flatten(schema, keep_null=True)


def _flatten(schema: dict[str, Any], *, keep_null: bool) -> dict[str, Any]:
    defs: dict[str, Any] = schema.get("$defs", {})

    def walk(node: Any, *, names: bool = False) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        if names:  # the keys of "properties" are field names, not keywords
            return {k: walk(v) for k, v in node.items()}
        if "$ref" in node:
            target = copy.deepcopy(defs[node["$ref"].removeprefix("#/$defs/")])
            return walk({**target, **{k: v for k, v in node.items() if k != "$ref"}})
        out = {k: walk(v, names=k == "properties") for k, v in node.items() if k not in ("$defs", "title")}
        options = out.pop("anyOf", None)
        if options is not None:
            non_null = [o for o in options if o != {"type": "null"}]
            if len(non_null) != 1 or len(options) != 2:
                raise ValueError(f"cannot flatten anyOf {options!r}: shape the model instead")
            merged = {**non_null[0], **out}
            if keep_null:
                merged["type"] = [non_null[0]["type"], "null"]
            else:
                merged.pop("default", None)
            out = merged
        return out

    result: dict[str, Any] = walk(schema)
    return result
