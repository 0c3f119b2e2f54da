"""The JSON objects the backend returns, built from database rows, in OpenAI's shapes."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from ..contract import VECTOR_STORE_FILE_STATUSES
from .vector_store_validation import Chunking

__all__ = [
    "FILE_COLUMNS",
    "VECTOR_STORE_COLUMNS",
    "VECTOR_STORE_FILE_COLUMNS",
    "assistant_object",
    "attachment_body",
    "attachment_object",
    "batch_object",
    "deleted_object",
    "file_counts",
    "file_object",
    "vector_store_file_object",
    "vector_store_object",
]

_FILE_FIELDS = ("id", "created_at", "filename", "purpose", "bytes")
#: Columns of ``files`` that :func:`file_object` reads, in order.
FILE_COLUMNS = ", ".join(_FILE_FIELDS)
#: Columns of ``vector_stores`` that :func:`vector_store_object` reads, in order.
VECTOR_STORE_COLUMNS = "id, created_at, name, description, metadata, expires_after_days, last_active_at"
#: Columns of ``vector_store_files`` that :func:`vector_store_file_object` reads, in order.
VECTOR_STORE_FILE_COLUMNS = (
    "file_id, created_at, vector_store_id, status, usage_bytes, error_code, error_message,"
    " max_chunk_size_tokens, chunk_overlap_tokens, attributes"
)
_DAY = 86_400


def attachment_object(assistant_id: str, file_id: str, created_at: int) -> dict[str, Any]:
    """An ``assistant.file`` object (its id is the file's id)."""
    return {"id": file_id, "object": "assistant.file", "created_at": created_at, "assistant_id": assistant_id}


def attachment_body(assistant_id: str, file_id: str, created_at: int) -> bytes:
    """:func:`attachment_object` as JSON, as an answer holds it: stored with each attachment
    (``attachments.body``) so that a list page joins its objects' bytes (see ``store.attachments``).

    SQLite connections call it as the SQL function ``attachment_body`` (:mod:`.db`); PostgreSQL
    has a SQL function of that name spelling the same bytes (``store.pg_schema``)."""
    return orjson.dumps(attachment_object(assistant_id, file_id, created_at))


def file_object(row: Sequence[Any]) -> dict[str, Any]:
    """A ``file`` object from :data:`FILE_COLUMNS` (``status`` is deprecated, always ``processed``)."""
    return {
        "object": "file",
        **dict(zip(_FILE_FIELDS, row, strict=True)),
        "status": "processed",
        "status_details": None,
    }


def deleted_object(id: str, object: str) -> dict[str, Any]:
    """The answer to a ``DELETE``: ``{"id", "object", "deleted": true}``."""
    return {"id": id, "object": object, "deleted": True}


def assistant_object(row: Sequence[Any], file_ids: list[str]) -> dict[str, Any]:
    """An ``assistant`` object from its row (see ``store.assistants``) and live file ids."""
    return {
        "id": row[0],
        "object": "assistant",
        "created_at": row[1],
        "name": row[2],
        "description": row[3],
        "model": row[4],
        "instructions": row[5],
        "tools": json.loads(row[6]),
        "file_ids": file_ids,
        "metadata": json.loads(row[7]),
    }


def file_counts(by_status: Mapping[str, int]) -> dict[str, int]:
    """``file_counts``: one count per status and their ``total``."""
    counts: dict[str, int] = {status: by_status.get(status, 0) for status in VECTOR_STORE_FILE_STATUSES}
    return {**counts, "total": sum(counts.values())}


def vector_store_object(row: Sequence[Any], by_status: Mapping[str, int], usage_bytes: int) -> dict[str, Any]:
    """A ``vector_store`` from :data:`VECTOR_STORE_COLUMNS` and its live files' counts and usage."""
    days, last_active_at = row[5], row[6]
    expires_at = None if days is None else last_active_at + days * _DAY
    if expires_at is not None and expires_at <= time.time():
        status = "expired"
    else:
        status = "in_progress" if by_status.get("in_progress") else "completed"
    store: dict[str, Any] = {
        "id": row[0],
        "object": "vector_store",
        "created_at": row[1],
        "name": row[2],
        "description": row[3],
        "usage_bytes": usage_bytes,
        "file_counts": file_counts(by_status),
        "status": status,
        "expires_at": expires_at,
        "last_active_at": last_active_at,
        "metadata": json.loads(row[4]),
    }
    if days is not None:
        store["expires_after"] = {"anchor": "last_active_at", "days": days}
    return store


def vector_store_file_object(row: Sequence[Any]) -> dict[str, Any]:
    """A ``vector_store.file`` from :data:`VECTOR_STORE_FILE_COLUMNS` (its id is the file's id)."""
    return {
        "id": row[0],
        "object": "vector_store.file",
        "usage_bytes": row[4],
        "created_at": row[1],
        "vector_store_id": row[2],
        "status": row[3],
        "last_error": None if row[5] is None else {"code": row[5], "message": row[6]},
        "chunking_strategy": Chunking(row[7], row[8]).as_object(),
        "attributes": json.loads(row[9]),
    }


def batch_object(row: Sequence[Any], by_status: Mapping[str, int], *, cancelled: bool) -> dict[str, Any]:
    """A ``vector_store.files_batch`` from ``(id, created_at, vector_store_id)`` and its files' counts.

    Its status: ``cancelled`` once cancelled; else ``in_progress`` while a file is; else
    ``failed`` when every file failed; else ``completed``.
    """
    counts = file_counts(by_status)
    if cancelled:
        status = "cancelled"
    elif counts["in_progress"]:
        status = "in_progress"
    elif counts["total"] and counts["failed"] == counts["total"]:
        status = "failed"
    else:
        status = "completed"
    return {
        "id": row[0],
        "object": "vector_store.files_batch",
        "created_at": row[1],
        "vector_store_id": row[2],
        "status": status,
        "file_counts": counts,
    }
