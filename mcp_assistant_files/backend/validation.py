"""Checks on request bodies and field values, raising :class:`InvalidRequest` naming the field.

Limits are v1's: name 256 characters, description 512, instructions 32,768, metadata at most
16 pairs of key <= 64 and value <= 512 characters, tools of type ``code_interpreter``,
``retrieval`` or ``function``. The helpers here are shared with
:mod:`.vector_store_validation`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..contract import (
    FILE_PURPOSES,
    MAX_METADATA_KEY_CHARS,
    MAX_METADATA_PAIRS,
    MAX_METADATA_VALUE_CHARS,
)
from .errors import InvalidRequest

__all__ = [
    "TEXT_LIMITS",
    "AssistantSpec",
    "assistant_spec",
    "attach_file_id",
    "check_metadata",
    "check_purpose",
    "check_text",
    "fields_of",
    "required_id",
]

_TOOL_TYPES = frozenset({"code_interpreter", "retrieval", "function"})
#: Longest ``name``, ``description`` and ``instructions`` accepted, in characters.
TEXT_LIMITS = {"name": 256, "description": 512, "instructions": 32_768}


@dataclass(frozen=True)
class AssistantSpec:
    """The validated fields of a new assistant."""

    model: str = "gpt-4"
    name: str | None = None
    description: str | None = None
    instructions: str | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    file_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model:
            raise InvalidRequest("Invalid 'model': expected a non-empty string.", param="model")
        for name in TEXT_LIMITS:
            check_text(getattr(self, name), name)
        _check_tools(self.tools)
        check_metadata(self.metadata)
        if not isinstance(self.file_ids, list) or not all(isinstance(f, str) for f in self.file_ids):
            raise InvalidRequest("Invalid 'file_ids': expected an array of file ids.", param="file_ids")


def check_text(value: object, name: str) -> str | None:
    """``value`` if it is ``None`` or a string within ``TEXT_LIMITS[name]`` characters."""
    if value is not None and not isinstance(value, str):
        raise InvalidRequest(f"Invalid '{name}': expected a string or null.", param=name)
    if value is not None and len(value) > TEXT_LIMITS[name]:
        raise InvalidRequest(
            f"Invalid '{name}': string too long, at most {TEXT_LIMITS[name]} characters.", param=name
        )
    return value


def _check_tools(tools: object) -> None:
    if not isinstance(tools, list):
        raise InvalidRequest("Invalid 'tools': expected an array.", param="tools")
    for index, tool in enumerate(tools):
        if not isinstance(tool, dict) or tool.get("type") not in _TOOL_TYPES:
            raise InvalidRequest(
                f"Invalid 'tools[{index}]': expected an object whose 'type' is one of "
                f"{', '.join(sorted(_TOOL_TYPES))}.",
                param=f"tools[{index}]",
            )
        if tool["type"] == "function" and not (
            isinstance(tool.get("function"), dict) and isinstance(tool["function"].get("name"), str)
        ):
            raise InvalidRequest(
                f"Invalid 'tools[{index}].function': a function tool needs a 'function' object "
                "with a 'name'.",
                param=f"tools[{index}].function",
            )


def check_metadata(metadata: object, param: str = "metadata") -> dict[str, str]:
    """``metadata`` if it is an object of at most 16 short string keys and values."""
    if not isinstance(metadata, dict):
        raise InvalidRequest(f"Invalid '{param}': expected an object.", param=param)
    if len(metadata) > MAX_METADATA_PAIRS:
        raise InvalidRequest(f"Invalid '{param}': at most {MAX_METADATA_PAIRS} key-value pairs.", param=param)
    for key, value in metadata.items():
        if (
            not isinstance(key, str)
            or len(key) > MAX_METADATA_KEY_CHARS
            or not isinstance(value, str)
            or len(value) > MAX_METADATA_VALUE_CHARS
        ):
            raise InvalidRequest(
                f"Invalid '{param}': keys must be strings of at most {MAX_METADATA_KEY_CHARS} "
                f"characters and values strings of at most {MAX_METADATA_VALUE_CHARS}.",
                param=param,
            )
    return metadata


def fields_of(body: object, allowed: Iterable[str], *, where: str = "") -> Mapping[str, Any]:
    """``body`` as an object, refusing any key not in ``allowed`` (``where`` prefixes the param)."""
    if not isinstance(body, dict):
        if where:
            raise InvalidRequest(f"Invalid '{where}': expected an object.", param=where)
        raise InvalidRequest("The request body must be a JSON object.")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        param = f"{where}.{unknown[0]}" if where else unknown[0]
        raise InvalidRequest(f"Unrecognized request argument supplied: {param}", param=param)
    return body


def required_id(fields: Mapping[str, Any], name: str, *, param: str | None = None) -> str:
    """The non-empty string ``fields[name]``; ``param`` names it in errors (default ``name``)."""
    param = param or name
    value = fields.get(name)
    if value is None:
        raise InvalidRequest(f"Missing required parameter: '{param}'.", param=param)
    if not isinstance(value, str) or not value:
        raise InvalidRequest(f"Invalid '{param}': expected a non-empty string.", param=param)
    return value


def assistant_spec(body: object) -> AssistantSpec:
    """Validate a ``POST /v1/assistants`` JSON body; ``model`` defaults to ``gpt-4``."""
    fields = fields_of(body, AssistantSpec.__dataclass_fields__)
    values = {k: v for k, v in fields.items() if not (v is None and k in ("tools", "metadata", "file_ids"))}
    return AssistantSpec(**values)


def attach_file_id(body: object) -> str:
    """Validate a ``POST /v1/assistants/{id}/files`` JSON body and return its ``file_id``."""
    return required_id(fields_of(body, {"file_id"}), "file_id")


def check_purpose(purpose: object) -> str:
    """Return ``purpose`` if it is one of :data:`FILE_PURPOSES`."""
    if not isinstance(purpose, str) or purpose not in FILE_PURPOSES:
        raise InvalidRequest(
            f"Invalid 'purpose': expected one of {', '.join(sorted(FILE_PURPOSES))}.", param="purpose"
        )
    return purpose
