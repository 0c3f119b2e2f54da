"""Checks on request bodies and field values, raising :class:`InvalidRequest` naming the field.

Limits are v1's: name 256 characters, description 512, instructions 32,768, metadata at most
16 pairs of key <= 64 and value <= 512 characters, tools of type ``code_interpreter``,
``retrieval`` or ``function``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..contract import FILE_PURPOSES
from .errors import InvalidRequest

__all__ = ["AssistantSpec", "assistant_spec", "attach_file_id", "check_purpose"]

_TOOL_TYPES = frozenset({"code_interpreter", "retrieval", "function"})
_TEXT_LIMITS = {"name": 256, "description": 512, "instructions": 32_768}


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
        for name, limit in _TEXT_LIMITS.items():
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InvalidRequest(f"Invalid '{name}': expected a string or null.", param=name)
            if value is not None and len(value) > limit:
                raise InvalidRequest(
                    f"Invalid '{name}': string too long, at most {limit} characters.", param=name
                )
        _check_tools(self.tools)
        _check_metadata(self.metadata)
        if not isinstance(self.file_ids, list) or not all(isinstance(f, str) for f in self.file_ids):
            raise InvalidRequest("Invalid 'file_ids': expected an array of file ids.", param="file_ids")


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


def _check_metadata(metadata: object) -> None:
    if not isinstance(metadata, dict):
        raise InvalidRequest("Invalid 'metadata': expected an object.", param="metadata")
    if len(metadata) > 16:
        raise InvalidRequest("Invalid 'metadata': at most 16 key-value pairs.", param="metadata")
    for key, value in metadata.items():
        if not isinstance(key, str) or len(key) > 64 or not isinstance(value, str) or len(value) > 512:
            raise InvalidRequest(
                "Invalid 'metadata': keys must be strings of at most 64 characters and values "
                "strings of at most 512.",
                param="metadata",
            )


def assistant_spec(body: object) -> AssistantSpec:
    """Validate a ``POST /v1/assistants`` JSON body; ``model`` defaults to ``gpt-4``."""
    fields = _object(body)
    unknown = sorted(set(fields) - set(AssistantSpec.__dataclass_fields__))
    if unknown:
        raise InvalidRequest(f"Unrecognized request argument supplied: {unknown[0]}", param=unknown[0])
    values = {k: v for k, v in fields.items() if not (v is None and k in ("tools", "metadata", "file_ids"))}
    return AssistantSpec(**values)


def attach_file_id(body: object) -> str:
    """Validate a ``POST /v1/assistants/{id}/files`` JSON body and return its ``file_id``."""
    fields = _object(body)
    unknown = sorted(set(fields) - {"file_id"})
    if unknown:
        raise InvalidRequest(f"Unrecognized request argument supplied: {unknown[0]}", param=unknown[0])
    file_id = fields.get("file_id")
    if file_id is None:
        raise InvalidRequest("Missing required parameter: 'file_id'.", param="file_id")
    if not isinstance(file_id, str) or not file_id:
        raise InvalidRequest("Invalid 'file_id': expected a non-empty string.", param="file_id")
    return file_id


def check_purpose(purpose: object) -> str:
    """Return ``purpose`` if it is one of :data:`FILE_PURPOSES`."""
    if not isinstance(purpose, str) or purpose not in FILE_PURPOSES:
        raise InvalidRequest(
            f"Invalid 'purpose': expected one of {', '.join(sorted(FILE_PURPOSES))}.", param="purpose"
        )
    return purpose


def _object(body: object) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object.")
    return body
