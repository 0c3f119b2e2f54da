"""SQLite storage of assistants, files and their attachments: the state behind the backend.

Decisions (the app and its tests rely on them):

* **Attachment cap.** ``max_files_per_assistant`` (default 20, as the v1 API allowed) bounds
  the live attachments of one assistant; attaching one more is an :class:`InvalidRequest`.
  ``0`` means unlimited.
* **Tombstones.** Detaching keeps the row with ``deleted_at`` set, so a cursor naming a
  detached file still has a position and a paging walk never skips or repeats an item.
* **Re-attach revives.** Attaching a detached file again revives its original row: same
  position, same ``created_at``. Each (assistant, file) pair thus has one position for ever and
  a cursor is never ambiguous; a re-attached file does not jump to the newest end.
* **Idempotent attach.** Attaching an attached file returns the existing object unchanged.

Concurrency: one connection per :class:`Store`, used from any thread under a lock; each write
is one ``BEGIN IMMEDIATE`` transaction and each listing one read transaction, so several
processes may share a database file (WAL, ``busy_timeout``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..contract import DEFAULT_ORDER, DEFAULT_PAGE_LIMIT, Order
from .db import connect, new_id, next_timestamp
from .errors import InvalidRequest, NotFound
from .objects import assistant_object, attachment_object, file_object
from .pagination import check_page_args, page
from .validation import AssistantSpec, check_purpose

__all__ = ["Store"]

_ASSISTANT_COLUMNS = "id, created_at, name, description, model, instructions, tools, metadata"
_FILE_COLUMNS = "id, created_at, filename, purpose, bytes"


class Store:
    """The backend's persistent state; every method is synchronous and thread-safe."""

    def __init__(self, conn: sqlite3.Connection, *, max_files_per_assistant: int = 20) -> None:
        """Wrap an open connection from :func:`db.connect`; prefer :meth:`Store.open`."""
        if max_files_per_assistant < 0:
            raise ValueError("max_files_per_assistant must be >= 0 (0 means unlimited)")
        self._conn = conn
        self._lock = threading.RLock()
        self.max_files_per_assistant = max_files_per_assistant

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, max_files_per_assistant: int = 20) -> Store:
        """Open or create the database at ``path`` (``":memory:"`` for a private in-memory one)."""
        return cls(connect(path), max_files_per_assistant=max_files_per_assistant)

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                # Also after a failed COMMIT, so the connection is never left mid-transaction.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    # -- assistants ---------------------------------------------------------------------------

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
        with self._transaction(write=True) as conn:
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
        with self._transaction(write=False) as conn:
            return self._assistant(conn, assistant_id)

    def list_assistants(
        self,
        *,
        limit: int = DEFAULT_PAGE_LIMIT,
        order: Order = DEFAULT_ORDER,
        after: str | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        """One page of assistants (see :mod:`.pagination` for the cursor semantics)."""
        with self._transaction(write=False) as conn:
            return page(
                conn,
                select=f"SELECT {_ASSISTANT_COLUMNS} FROM assistants WHERE 1",  # noqa: S608
                params=(),
                limit=limit,
                order=order,
                after=after,
                before=before,
                seq_of=lambda cursor: _seq(conn, "SELECT seq FROM assistants WHERE id = ?", cursor),
                to_object=lambda row: self._assistant_object(conn, row),
            )

    def _assistant(self, conn: sqlite3.Connection, assistant_id: str) -> dict[str, Any]:
        row = conn.execute(
            f"SELECT {_ASSISTANT_COLUMNS} FROM assistants WHERE id = ?",  # noqa: S608
            (assistant_id,),
        ).fetchone()
        if row is None:
            raise NotFound("assistant", assistant_id)
        return self._assistant_object(conn, row)

    @staticmethod
    def _assistant_object(conn: sqlite3.Connection, row: Any) -> dict[str, Any]:
        live = conn.execute(
            "SELECT file_id FROM attachments WHERE assistant_id = ? AND deleted_at IS NULL ORDER BY seq",
            (row[0],),
        )
        return assistant_object(row, [r[0] for r in live])

    # -- files --------------------------------------------------------------------------------

    def create_file(self, filename: str, data: bytes, purpose: str) -> dict[str, Any]:
        """Store an uploaded file's bytes and return its file object."""
        check_purpose(purpose)
        file_id = new_id("file-")
        with self._transaction(write=True) as conn:
            conn.execute(
                "INSERT INTO files (id, created_at, filename, purpose, bytes, data)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (file_id, next_timestamp(conn, "files"), filename, purpose, len(data), data),
            )
            return self._file(conn, file_id)

    def get_file(self, file_id: str) -> dict[str, Any]:
        """The file object (metadata only)."""
        with self._transaction(write=False) as conn:
            return self._file(conn, file_id)

    def list_files(self, *, purpose: str | None = None) -> dict[str, Any]:
        """Every file, newest first, optionally only those of one ``purpose`` (v1 did not page)."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_FILE_COLUMNS} FROM files WHERE ?1 IS NULL OR purpose = ?1 ORDER BY seq DESC",  # noqa: S608
                (purpose,),
            ).fetchall()
        return {"object": "list", "data": [file_object(row) for row in rows], "has_more": False}

    def _file(self, conn: sqlite3.Connection, file_id: str) -> dict[str, Any]:
        row = conn.execute(f"SELECT {_FILE_COLUMNS} FROM files WHERE id = ?", (file_id,)).fetchone()  # noqa: S608
        if row is None:
            raise NotFound("file", file_id)
        return file_object(row)

    # -- attachments --------------------------------------------------------------------------

    def attach(self, assistant_id: str, file_id: str) -> dict[str, Any]:
        """Attach a file to an assistant; attaching an attached file returns it unchanged."""
        with self._transaction(write=True) as conn:
            return self._attach(conn, assistant_id, file_id)

    def _attach(self, conn: sqlite3.Connection, assistant_id: str, file_id: str) -> dict[str, Any]:
        self._require_assistant(conn, assistant_id)
        purpose = conn.execute("SELECT purpose FROM files WHERE id = ?", (file_id,)).fetchone()
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
        with self._transaction(write=True) as conn:
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
        with self._transaction(write=True) as conn:
            self._live_attachment(conn, assistant_id, file_id)
            conn.execute(
                "UPDATE attachments SET deleted_at = ?"
                " WHERE assistant_id = ? AND file_id = ? AND deleted_at IS NULL",
                (next_timestamp(conn, "attachments"), assistant_id, file_id),
            )
        return {"id": file_id, "object": "assistant.file.deleted", "deleted": True}

    def get_attachment(self, assistant_id: str, file_id: str) -> dict[str, Any]:
        """The assistant-file object of a live attachment."""
        with self._transaction(write=False) as conn:
            return self._live_attachment(conn, assistant_id, file_id)

    def list_attachments(
        self,
        assistant_id: str,
        *,
        limit: int = DEFAULT_PAGE_LIMIT,
        order: Order = DEFAULT_ORDER,
        after: str | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        """One page of an assistant's live attachments (see :mod:`.pagination`)."""
        check_page_args(limit, order)
        with self._transaction(write=False) as conn:
            self._require_assistant(conn, assistant_id)
            return page(
                conn,
                select="SELECT file_id, created_at FROM attachments INDEXED BY attachments_live"
                " WHERE assistant_id = ? AND deleted_at IS NULL",
                params=(assistant_id,),
                limit=limit,
                order=order,
                after=after,
                before=before,
                seq_of=lambda cursor: _seq(
                    conn,
                    "SELECT seq FROM attachments WHERE assistant_id = ? AND file_id = ?",
                    assistant_id,
                    cursor,
                ),
                to_object=lambda row: attachment_object(assistant_id, row[0], row[1]),
            )

    @staticmethod
    def _require_assistant(conn: sqlite3.Connection, assistant_id: str) -> None:
        if conn.execute("SELECT 1 FROM assistants WHERE id = ?", (assistant_id,)).fetchone() is None:
            raise NotFound("assistant", assistant_id)

    def _live_attachment(self, conn: sqlite3.Connection, assistant_id: str, file_id: str) -> dict[str, Any]:
        self._require_assistant(conn, assistant_id)
        row = conn.execute(
            "SELECT created_at FROM attachments"
            " WHERE assistant_id = ? AND file_id = ? AND deleted_at IS NULL",
            (assistant_id, file_id),
        ).fetchone()
        if row is None:
            raise NotFound(
                "file",
                file_id,
                message=f"No file found with id '{file_id}' attached to assistant '{assistant_id}'.",
            )
        return attachment_object(assistant_id, file_id, row[0])


def _seq(conn: sqlite3.Connection, sql: str, *params: object) -> int | None:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else int(row[0])
