"""The JSON objects the backend returns, built from database rows, in OpenAI's v1 shapes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

__all__ = ["assistant_object", "attachment_object", "file_object"]


def attachment_object(assistant_id: str, file_id: str, created_at: int) -> dict[str, Any]:
    """An ``assistant.file`` object (its id is the file's id)."""
    return {"id": file_id, "object": "assistant.file", "created_at": created_at, "assistant_id": assistant_id}


def file_object(row: Sequence[Any]) -> dict[str, Any]:
    """A ``file`` object from ``(id, created_at, filename, purpose, bytes)``."""
    return {
        "id": row[0],
        "object": "file",
        "bytes": row[4],
        "created_at": row[1],
        "filename": row[2],
        "purpose": row[3],
        "status": "processed",
        "status_details": None,
    }


def assistant_object(row: Sequence[Any], file_ids: list[str]) -> dict[str, Any]:
    """An ``assistant`` object from its row (see ``store._ASSISTANT_COLUMNS``) and live file ids."""
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
