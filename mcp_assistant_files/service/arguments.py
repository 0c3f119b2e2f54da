"""One sentence for each way an agent can get a tool's arguments wrong.

The SDK silently drops unknown arguments and reports invalid ones as pydantic's multi-line
report. An agent does better with the accepted names, the allowed values and what it sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from .fields import PATTERN_MEANINGS

__all__ = ["describe_invalid", "unknown_arguments"]

# Names agents reach for when they mean `cursor`.
_CURSOR_ALIASES = frozenset(
    {"next_cursor", "previous_cursor", "page_token", "next_page_token", "after", "before", "page", "offset"}
)


def _shown(value: object) -> str:
    """``value`` as the agent sent it, at most 80 characters: a string quoted, anything else as
    JSON (``null``, ``true``, ``{"after": "x"}``: not Python's ``None``, ``True``)."""
    try:
        text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def unknown_arguments(tool: str, schema: Mapping[str, Any], arguments: Mapping[str, Any]) -> str | None:
    """A sentence naming the arguments ``tool`` does not accept, or ``None``."""
    accepted = list(schema.get("properties", {}))
    unknown = [name for name in arguments if name not in accepted]
    if not unknown:
        return None
    names = ", ".join(_shown(name) for name in unknown)
    text = f"{tool} does not accept {names}: its arguments are {', '.join(accepted)}"
    if "cursor" in accepted and _CURSOR_ALIASES.intersection(unknown):
        text += "; to page, pass the previous result's next_cursor (or previous_cursor) as `cursor`"
    return text + "."


def describe_invalid(tool: str, schema: Mapping[str, Any], err: ValidationError) -> str:
    """A sentence for the first problem pydantic found in ``tool``'s arguments."""
    first = err.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "arguments"
    prop: Mapping[str, Any] = schema.get("properties", {}).get(field, {})
    got = first.get("input")
    if len(first["loc"]) > 1:
        return _inside(field, prop, first["loc"][1:], first["type"], got)
    if prop.get("type") == "array":
        if first["type"] == "too_long":
            return f"{field} holds at most {prop.get('maxItems')} items; got {len(got) if isinstance(got, list) else got}."
        return f"{field} must be a list: {prop.get('description', '')}; got {_shown(got)}."
    if first["type"] == "missing":
        required = ", ".join(schema.get("required", []))
        return (
            f"{tool} needs {field!r} ({prop.get('description', 'required')}); required arguments: {required}."
        )
    if "enum" in prop:
        allowed = " or ".join(repr(v) for v in prop["enum"])
        return f"{field} must be {allowed}; got {_shown(got)}."
    if prop.get("type") == "integer":
        bounds = (
            f" from {prop['minimum']} to {prop['maximum']}" if "minimum" in prop and "maximum" in prop else ""
        )
        return f"{field} must be a whole number{bounds}; got {_shown(got)}."
    if prop.get("pattern") in PATTERN_MEANINGS:
        meaning = PATTERN_MEANINGS[prop["pattern"]]
        if field.endswith("_id"):
            meaning += f", {prop.get('description', '').rstrip('.').lower()}"
        return f"{field} must be {meaning}; got {_shown(got)}."
    if prop.get("type") == "string":
        return f"{field} must be a string; got {_shown(got)}."
    return f"{field} is invalid ({first['msg']}); got {_shown(got)}."


def _inside(field: str, prop: Mapping[str, Any], loc: Sequence[int | str], kind: str, got: object) -> str:
    """The sentence for a problem inside an argument (``attributes[0].value``), from its schema."""
    path, node = field, prop
    for step in loc:
        if isinstance(step, int) and "items" in node:
            path, node = f"{path}[{step}]", node["items"]
        elif isinstance(step, str) and step in node.get("properties", {}):
            path, node = f"{path}.{step}", node["properties"][step]
        elif kind == "extra_forbidden":
            accepted = ", ".join(node.get("properties", {}))
            return f"{path} does not take {_shown(step)}: give only {accepted}."
        else:
            break  # a branch of a union (pydantic names it): the value itself is the problem
    wanted = str(node.get("description", "valid")).rstrip(".")
    wanted = wanted[:1].lower() + wanted[1:]
    if kind == "missing":
        return f"{path} is missing: give {wanted}."
    return f"{path} must be {wanted}; got {_shown(got)}."
