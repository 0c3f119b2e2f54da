"""v1 attachments of files to assistants.

* **Attachment cap.** ``max_files_per_assistant`` (default 20, as the v1 API allowed) bounds
  the live attachments of one assistant; attaching one more is an :class:`InvalidRequest`.
  ``0`` means unlimited. It is a v1 rule: vector stores have OpenAI's own limits.
* **Tombstones.** Detaching keeps the row with ``deleted_at`` set, so a cursor naming a
  detached file still has a position and a paging walk never skips or repeats an item.
* **Re-attach revives.** Attaching a detached file again revives its original row: same
  position, same ``created_at``. Each (assistant, file) pair thus has one position for ever and
  a cursor is never ambiguous; a re-attached file does not jump to the newest end.
* **Idempotent attach.** Attaching an attached file returns the existing object unchanged.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Unpack

from ..db import new_id, next_timestamp
from ..errors import InvalidRequest, NotFound
from ..objects import attachment_object, deleted_object
from ..pagination import PageArgs, page
from .base import StoreBase, one, seq_or_none

__all__ = ["AttachmentsMixin"]


class AttachmentsMixin(StoreBase):
    """Files attached to assistants, v1 style."""

    max_files_per_assistant: int

    def attach(self, assistant_id: str, file_id: str) -> dict[str, Any]:
        """Attach a file to an assistant; attaching an attached file returns it unchanged."""
        with self.db.write() as conn:
            return self._attach(conn, assistant_id, file_id)

    def _attach(self, conn: sqlite3.Connection, assistant_id: str, file_id: str) -> dict[str, Any]:
        self._require_assistant(conn, assistant_id)
        purpose = conn.execute(
            "SELECT purpose FROM files WHERE id = ? AND deleted_at IS NULL", (file_id,)
        ).fetchone()
        if purpose is None:
            raise NotFound("file", file_id, param="file_id")
        if purpose[0] != "assistants":
            raise InvalidRequest(
                f"File '{file_id}' has purpose '{purpose[0]}'; only files uploaded with "
                "purpose 'assistants' can be attached to an assistant.",
                param="file_id",
            )
        row = conn.execute(
            "SELECT seq, created_at, deleted_at FROM attachments WHERE assistant_id = ? AND file_id = ?",
            (assistant_id, file_id),
        ).fetchone()
        if row is not None and row[2] is None:
            return attachment_object(assistant_id, file_id, row[1])
        self._check_cap(conn, assistant_id)
        if row is not None:
            conn.execute("UPDATE attachments SET deleted_at = NULL WHERE seq = ?", (row[0],))
            return attachment_object(assistant_id, file_id, row[1])
        created_at = next_timestamp(conn, "attachments")
        conn.execute(
            "INSERT INTO attachments (assistant_id, file_id, created_at) VALUES (?, ?, ?)",
            (assistant_id, file_id, created_at),
        )
        return attachment_object(assistant_id, file_id, created_at)

    def _check_cap(self, conn: sqlite3.Connection, assistant_id: str) -> None:
        cap = self.max_files_per_assistant
        if not cap:
            return
        (count,) = conn.execute(
            "SELECT count(*) FROM attachments WHERE assistant_id = ? AND deleted_at IS NULL", (assistant_id,)
        ).fetchone()
        if count >= cap:
            raise InvalidRequest(
                f"Assistant '{assistant_id}' already has the maximum of {cap} files attached; "
                f"detach one (DELETE /v1/assistants/{assistant_id}/files/{{file_id}}) before "
                "attaching another.",
                param="file_id",
                code="max_files_exceeded",
            )

    def seed_attachments(self, assistant_id: str, count: int, *, filename: str = "seed.txt") -> list[str]:
        """Create ``count`` one-byte ``assistants`` files attached to ``assistant_id``, in one transaction.

        For demos, tests and benchmarks that need large listings: it bypasses the attachment cap.
        Returns the file ids in attachment order (oldest first).
        """
        file_ids = [new_id("file-") for _ in range(count)]
        with self.db.write() as conn:
            self._require_assistant(conn, assistant_id)
            now = next_timestamp(conn, "files")
            conn.executemany(
                "INSERT INTO files (id, created_at, filename, purpose, bytes, data)"
                " VALUES (?, ?, ?, 'assistants', 1, x'00')",
                [(file_id, now, filename) for file_id in file_ids],
            )
            now = next_timestamp(conn, "attachments")
            conn.executemany(
                "INSERT INTO attachments (assistant_id, file_id, created_at) VALUES (?, ?, ?)",
                [(assistant_id, file_id, now) for file_id in file_ids],
            )
        return file_ids

    def detach(self, assistant_id: str, file_id: str) -> dict[str, Any]:
        """Detach a file; the file itself is kept. A file not attached is :class:`NotFound`."""
        with self.db.write() as conn:
            self._live_attachment(conn, assistant_id, file_id)
            conn.execute(
                "UPDATE attachments SET deleted_at = ?"
                " WHERE assistant_id = ? AND file_id = ? AND deleted_at IS NULL",
                (next_timestamp(conn, "attachments"), assistant_id, file_id),
            )
        return deleted_object(file_id, "assistant.file.deleted")

    def get_attachment(self, assistant_id: str, file_id: str) -> dict[str, Any]:
        """The assistant-file object of a live attachment."""
        with self.db.read() as conn:
            return self._live_attachment(conn, assistant_id, file_id)

    def list_attachments(self, assistant_id: str, **args: Unpack[PageArgs]) -> dict[str, Any]:
        """One page of an assistant's live attachments (see :mod:`..pagination`)."""
        with self.db.read() as conn:
            self._require_assistant(conn, assistant_id)
            return page(
                conn,
                select="SELECT file_id, created_at FROM attachments INDEXED BY attachments_live"
                " WHERE assistant_id = ? AND deleted_at IS NULL",
                params=(assistant_id,),
                seq_of=lambda cursor: seq_or_none(
                    conn,
                    "SELECT seq FROM attachments WHERE assistant_id = ? AND file_id = ?",
                    assistant_id,
                    cursor,
                ),
                to_object=lambda row: attachment_object(assistant_id, row[0], row[1]),
                **args,
            )

    @staticmethod
    def _require_assistant(conn: sqlite3.Connection, assistant_id: str) -> None:
        one(
            conn,
            "SELECT 1 FROM assistants WHERE id = ?",
            (assistant_id,),
            NotFound("assistant", assistant_id),
        )

    def _live_attachment(self, conn: sqlite3.Connection, assistant_id: str, file_id: str) -> dict[str, Any]:
        self._require_assistant(conn, assistant_id)
        message = f"No file found with id '{file_id}' attached to assistant '{assistant_id}'."
        (created_at,) = one(
            conn,
            "SELECT created_at FROM attachments WHERE assistant_id = ? AND file_id = ? AND deleted_at IS NULL",
            (assistant_id, file_id),
            NotFound("file", file_id, message=message),
        )
        return attachment_object(assistant_id, file_id, created_at)
