"""Tool JSON schemas that every MCP host accepts: flat, self-contained, single-typed.

pydantic writes ``$defs``/``$ref`` for nested models and ``anyOf [T, null]`` for optionals,
which several hosts reject, and MCP Inspector ``--strict`` warns about ``"type": [T, "null"]``.
``flatten_input`` and ``flatten_output`` inline references, drop pydantic's generated titles and
turn every optional into plain ``T``: on input "null" only ever means "leave it out"; on output
a field without a value is absent (results are dumped without ``None``), so an optional output
field must have a default and is not ``required``.

Input schemas also say each default in the description ("Default: 20."): hosts in OpenAI strict
mode drop ``default`` and make every argument required, so the model must pick a value; told
the default, it sends the value that means "as if omitted".
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["flatten_input", "flatten_output"]


def flatten_input(schema: dict[str, Any]) -> dict[str, Any]:
    """An input schema with no ``$ref``/``anyOf``, each default also in words, and no ``additionalProperties``.

    The server refuses unknown arguments itself, with a sentence naming the accepted ones. The
    schema does not say ``"additionalProperties": false``: google-genai's MCP adapter (3.6)
    crashes on that boolean, and every OpenAI-strict converter adds it by itself.
    """
    flat = _flatten(schema)
    _open_objects(flat)
    for prop in flat.get("properties", {}).values():
        if "default" in prop:
            prop["description"] = f"{prop.get('description', '')} Default: {prop['default']}.".lstrip()
    return flat


def _open_objects(node: Any) -> None:
    """Drop every ``"additionalProperties": false`` (a nested model's too); validation still refuses extras."""
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        for value in node.values():
            _open_objects(value)
    elif isinstance(node, list):
        for item in node:
            _open_objects(item)


def flatten_output(schema: dict[str, Any]) -> dict[str, Any]:
    """An output schema with no ``$ref``/``anyOf`` and no nullable types."""
    return _flatten(schema)


def _flatten(schema: dict[str, Any]) -> dict[str, Any]:
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
        options = out.get("anyOf")
        if options is not None and {"type": "null"} in options:
            out.pop("anyOf")
            non_null = [o for o in options if o != {"type": "null"}]
            if len(non_null) != 1:
                raise ValueError(f"cannot flatten anyOf {options!r}: shape the model instead")
            out = {**non_null[0], **out}
            out.pop("default", None)
            out["_nullable"] = True
        if "properties" in out:
            for name, prop in out["properties"].items():
                if prop.pop("_nullable", False) and name in out.get("required", ()):
                    raise ValueError(f"{name!r} may be null but is required: give it a default of None")
        return out

    result: dict[str, Any] = walk(schema)
    return result
