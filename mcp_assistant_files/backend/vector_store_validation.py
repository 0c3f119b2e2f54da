"""Checks on the vector-store request bodies, as OpenAI validates them, naming the field.

Attributes are an object (or ``null``) of at most 16 keys of at most 64 characters, each value a
string of at most 512 characters, a finite number or a boolean. A chunking strategy is
``{"type": "auto"}`` (static 800/400) or ``{"type": "static", "static": {...}}`` with
``max_chunk_size_tokens`` 100-4,096 and ``chunk_overlap_tokens`` at most half of it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeGuard

from ..contract import (
    DEFAULT_CHUNK_OVERLAP_TOKENS,
    DEFAULT_MAX_CHUNK_SIZE_TOKENS,
    MAX_ATTRIBUTE_KEY_CHARS,
    MAX_ATTRIBUTE_VALUE_CHARS,
    MAX_ATTRIBUTES,
    MAX_BATCH_FILES,
    MAX_CHUNK_SIZE_TOKENS,
    MAX_VECTOR_STORE_CREATE_FILES,
    MIN_CHUNK_SIZE_TOKENS,
    VECTOR_STORE_FILE_STATUSES,
    VectorStoreFileStatus,
)
from .errors import InvalidRequest
from .validation import check_metadata, check_text, fields_of, required_id

__all__ = [
    "Attributes",
    "Chunking",
    "FileAttach",
    "FileBatchSpec",
    "VectorStoreSpec",
    "attributes_update",
    "batch_files",
    "check_filter",
    "file_attach",
    "vector_store_changes",
    "vector_store_spec",
]

Attributes: TypeAlias = dict[str, str | int | float | bool]
_MAX_EXPIRY_DAYS = 365


@dataclass(frozen=True)
class Chunking:
    """A static chunking strategy (``auto`` is 800/400)."""

    max_chunk_size_tokens: int = DEFAULT_MAX_CHUNK_SIZE_TOKENS
    chunk_overlap_tokens: int = DEFAULT_CHUNK_OVERLAP_TOKENS

    def as_object(self) -> dict[str, Any]:
        """The ``chunking_strategy`` of a vector-store file object."""
        return {
            "type": "static",
            "static": {
                "max_chunk_size_tokens": self.max_chunk_size_tokens,
                "chunk_overlap_tokens": self.chunk_overlap_tokens,
            },
        }


@dataclass(frozen=True)
class FileAttach:
    """One file to attach: its id, attributes and chunking."""

    file_id: str
    attributes: Attributes | None = None
    """``None``: not given (a new attachment has none; a file already attached keeps its own)."""
    chunking: Chunking = Chunking()


@dataclass(frozen=True)
class VectorStoreSpec:
    """The validated fields of a new vector store."""

    name: str = ""
    description: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    expires_after_days: int | None = None
    files: tuple[FileAttach, ...] = ()


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def check_attributes(value: object, param: str = "attributes") -> Attributes:
    """Valid attributes (``None`` becomes ``{}``), else :class:`InvalidRequest` naming ``param``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidRequest(f"Invalid '{param}': expected an object or null.", param=param)
    if len(value) > MAX_ATTRIBUTES:
        raise InvalidRequest(
            f"Invalid '{param}': at most {MAX_ATTRIBUTES} keys, got {len(value)}.", param=param
        )
    for key, item in value.items():
        if len(key) > MAX_ATTRIBUTE_KEY_CHARS:
            raise InvalidRequest(
                f"Invalid '{param}': key {key[:20]!r}... is longer than {MAX_ATTRIBUTE_KEY_CHARS} characters.",
                param=param,
            )
        if isinstance(item, str) and len(item) > MAX_ATTRIBUTE_VALUE_CHARS:
            raise InvalidRequest(
                f"Invalid '{param}': the value of {key!r} is longer than {MAX_ATTRIBUTE_VALUE_CHARS} characters.",
                param=param,
            )
        if not isinstance(item, str | int | float) or (isinstance(item, float) and not math.isfinite(item)):
            raise InvalidRequest(
                f"Invalid '{param}': the value of {key!r} must be a string, a number or a boolean.",
                param=param,
            )
    return value


def check_chunking(value: object, param: str = "chunking_strategy") -> Chunking:
    """A valid chunking strategy (``None`` means ``auto``), else :class:`InvalidRequest`."""
    if value is None:
        return Chunking()
    fields = fields_of(value, {"type", "static"}, where=param)
    if fields.get("type") == "auto" and "static" not in fields:
        return Chunking()
    if fields.get("type") != "static":
        raise InvalidRequest(
            f"Invalid '{param}.type': expected 'auto' or 'static' (with a 'static' object).",
            param=f"{param}.type",
        )
    where = f"{param}.static"
    static = fields_of(fields.get("static"), {"max_chunk_size_tokens", "chunk_overlap_tokens"}, where=where)
    size, overlap = static.get("max_chunk_size_tokens"), static.get("chunk_overlap_tokens")
    if not _is_int(size) or not MIN_CHUNK_SIZE_TOKENS <= size <= MAX_CHUNK_SIZE_TOKENS:
        raise InvalidRequest(
            f"Invalid '{where}.max_chunk_size_tokens': expected an integer from {MIN_CHUNK_SIZE_TOKENS} "
            f"to {MAX_CHUNK_SIZE_TOKENS}, got {size!r}.",
            param=f"{where}.max_chunk_size_tokens",
        )
    if not _is_int(overlap) or not 0 <= overlap <= size // 2:
        raise InvalidRequest(
            f"Invalid '{where}.chunk_overlap_tokens': expected an integer from 0 to half of "
            f"max_chunk_size_tokens ({size // 2}), got {overlap!r}.",
            param=f"{where}.chunk_overlap_tokens",
        )
    return Chunking(size, overlap)


def check_filter(value: str | None) -> VectorStoreFileStatus | None:
    """The ``filter`` query parameter of a vector-store file listing."""
    for status in VECTOR_STORE_FILE_STATUSES:
        if value == status:
            return status
    if value is None:
        return None
    raise InvalidRequest(
        f"Invalid 'filter': expected one of {', '.join(VECTOR_STORE_FILE_STATUSES)}, got {value!r}.",
        param="filter",
    )


def _expires_after(value: object) -> int | None:
    if value is None:
        return None
    fields = fields_of(value, {"anchor", "days"}, where="expires_after")
    if fields.get("anchor") != "last_active_at":
        raise InvalidRequest(
            "Invalid 'expires_after.anchor': the only anchor is 'last_active_at'.",
            param="expires_after.anchor",
        )
    days = fields.get("days")
    if not _is_int(days) or not 1 <= days <= _MAX_EXPIRY_DAYS:
        raise InvalidRequest(
            f"Invalid 'expires_after.days': expected an integer from 1 to {_MAX_EXPIRY_DAYS}.",
            param="expires_after.days",
        )
    return days


def _or(value: object, default: object) -> object:
    """``value``, or ``default`` when it is ``None`` (JSON ``null`` or left out)."""
    return default if value is None else value


def _id_list(value: object, param: str, most: int, *, least: int = 0) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise InvalidRequest(f"Invalid '{param}': expected an array of file ids.", param=param)
    if not least <= len(value) <= most:
        raise InvalidRequest(
            f"Invalid '{param}': expected {least} to {most} file ids, got {len(value)}.", param=param
        )
    return value


def vector_store_spec(body: object) -> VectorStoreSpec:
    """Validate a ``POST /v1/vector_stores`` JSON body."""
    fields = fields_of(
        body, {"name", "description", "metadata", "expires_after", "file_ids", "chunking_strategy"}
    )
    chunking = check_chunking(fields.get("chunking_strategy"))
    file_ids = _id_list(_or(fields.get("file_ids"), []), "file_ids", MAX_VECTOR_STORE_CREATE_FILES)
    return VectorStoreSpec(
        name=check_text(fields.get("name"), "name") or "",
        description=check_text(fields.get("description"), "description"),
        metadata=check_metadata(_or(fields.get("metadata"), {})),
        expires_after_days=_expires_after(fields.get("expires_after")),
        files=tuple(FileAttach(file_id, None, chunking) for file_id in dict.fromkeys(file_ids)),
    )


def vector_store_changes(body: object) -> dict[str, Any]:
    """Validate a ``POST /v1/vector_stores/{id}`` body: the columns to change (``null`` clears)."""
    fields = fields_of(body, {"name", "metadata", "expires_after"})
    changes: dict[str, Any] = {}
    if "name" in fields:
        changes["name"] = check_text(fields["name"], "name") or ""
    if "metadata" in fields:
        changes["metadata"] = check_metadata(_or(fields["metadata"], {}))
    if "expires_after" in fields:
        changes["expires_after_days"] = _expires_after(fields["expires_after"])
    return changes


def _file_attach(fields: Mapping[str, Any], where: str = "") -> FileAttach:
    prefix = f"{where}." if where else ""
    return FileAttach(
        file_id=required_id(fields, "file_id", param=f"{prefix}file_id"),
        attributes=_given_attributes(fields, f"{prefix}attributes"),
        chunking=check_chunking(fields.get("chunking_strategy"), f"{prefix}chunking_strategy"),
    )


def _given_attributes(fields: Mapping[str, Any], param: str) -> Attributes | None:
    """The attributes sent (``null`` clears them: ``{}``), or ``None`` when the field is absent."""
    return check_attributes(fields["attributes"], param) if "attributes" in fields else None


_FILE_FIELDS = {"file_id", "attributes", "chunking_strategy"}


def file_attach(body: object) -> FileAttach:
    """Validate a ``POST /v1/vector_stores/{id}/files`` body."""
    return _file_attach(fields_of(body, _FILE_FIELDS))


def attributes_update(body: object) -> Attributes:
    """Validate a ``POST /v1/vector_stores/{id}/files/{file_id}`` body: the new attributes."""
    fields = fields_of(body, {"attributes"})
    if "attributes" not in fields:
        raise InvalidRequest(
            "Missing required parameter: 'attributes' (an object, or null to clear them).", param="attributes"
        )
    return check_attributes(fields["attributes"])


@dataclass(frozen=True)
class FileBatchSpec:
    """The files of a new batch, duplicates dropped, and the field that listed them (for errors)."""

    files: tuple[FileAttach, ...]
    param: str = "file_ids"


def batch_files(body: object) -> FileBatchSpec:
    """Validate a ``POST /v1/vector_stores/{id}/file_batches`` body.

    ``file_ids`` take the top-level ``attributes`` and ``chunking_strategy``; ``files`` entries
    carry their own (the top-level ones are then ignored, as OpenAI documents).
    """
    fields = fields_of(body, {"file_ids", "files", "attributes", "chunking_strategy"})
    if ("file_ids" in fields) == ("files" in fields):
        raise InvalidRequest(
            "Send exactly one of 'file_ids' (an array of file ids) or 'files' (an array of "
            "{file_id, attributes, chunking_strategy} objects).",
            param="file_ids",
        )
    if "file_ids" in fields:
        attributes = _given_attributes(fields, "attributes")
        chunking = check_chunking(fields.get("chunking_strategy"))
        file_ids = _id_list(fields["file_ids"], "file_ids", MAX_BATCH_FILES, least=1)
        return FileBatchSpec(
            tuple(FileAttach(file_id, attributes, chunking) for file_id in dict.fromkeys(file_ids))
        )
    entries = fields["files"]
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_BATCH_FILES:
        raise InvalidRequest(
            f"Invalid 'files': expected an array of 1 to {MAX_BATCH_FILES} objects.", param="files"
        )
    by_id: dict[str, FileAttach] = {}
    for index, entry in enumerate(entries):
        where = f"files[{index}]"
        attach = _file_attach(fields_of(entry, _FILE_FIELDS, where=where), where)
        by_id.setdefault(attach.file_id, attach)
    return FileBatchSpec(tuple(by_id.values()), "files")
