"""Assistants: create, get and list (their files are in :mod:`.attachments`)."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Sequence
from typing import Any, Unpack

from ..db import new_id, next_timestamp
from ..errors import NotFound
from ..objects import assistant_object
from ..pagination import PageArgs
from ..validation import AssistantSpec
from .attachments import AttachmentsMixin
from .base import one, page_by_id

__all__ = ["AssistantsMixin"]

_ASSISTANT_COLUMNS = "id, created_at, name, description, model, instructions, tools, metadata"


class AssistantsMixin(AttachmentsMixin):
    """Assistants, each with the ``file_ids`` of its live attachments."""

    def create_assistant(
        self,
        name: str | None = None,
        model: str = "gpt-4",
        *,
        description: str | None = None,
        instructions: str | None = None,
        tools: Sequence[dict[str, Any]] = (),
        metadata: dict[str, str] | None = None,
        file_ids: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Create an assistant, attaching ``file_ids`` in the same transaction."""
        spec = AssistantSpec(
            model=model,
            name=name,
            description=description,
            instructions=instructions,
            tools=list(tools),
            metadata=dict(metadata or {}),
            file_ids=list(file_ids),
        )
        return self.create_assistant_from(spec)

    def create_assistant_from(self, spec: AssistantSpec) -> dict[str, Any]:
        """Create an assistant from validated fields (what ``POST /v1/assistants`` calls)."""
        assistant_id = new_id("asst_")
        with self.db.write() as conn:
            conn.execute(
                f"INSERT INTO assistants ({_ASSISTANT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                (
                    assistant_id,
                    next_timestamp(conn, "assistants"),
                    spec.name,
                    spec.description,
                    spec.model,
                    spec.instructions,
                    json.dumps(spec.tools),
                    json.dumps(spec.metadata),
                ),
            )
            for file_id in dict.fromkeys(spec.file_ids):
                self._attach(conn, assistant_id, file_id)
            return self._assistant(conn, assistant_id)

    def get_assistant(self, assistant_id: str) -> dict[str, Any]:
        """The assistant object, with ``file_ids`` of its live attachments oldest first."""
        with self.db.read() as conn:
            return self._assistant(conn, assistant_id)

    def list_assistants(self, **args: Unpack[PageArgs]) -> dict[str, Any]:
        """One page of assistants (see :mod:`..pagination` for the cursor semantics)."""
        with self.db.read() as conn:
            to_object = functools.partial(self._assistant_object, conn)
            return page_by_id(conn, "assistants", _ASSISTANT_COLUMNS, to_object, args)

    def _assistant(self, conn: sqlite3.Connection, assistant_id: str) -> dict[str, Any]:
        row = one(
            conn,
            f"SELECT {_ASSISTANT_COLUMNS} FROM assistants WHERE id = ?",  # noqa: S608
            (assistant_id,),
            NotFound("assistant", assistant_id),
        )
        return self._assistant_object(conn, row)

    @staticmethod
    def _assistant_object(conn: sqlite3.Connection, row: Any) -> dict[str, Any]:
        live = conn.execute(
            "SELECT file_id FROM attachments WHERE assistant_id = ? AND deleted_at IS NULL ORDER BY seq",
            (row[0],),
        )
        return assistant_object(row, [r[0] for r in live])
