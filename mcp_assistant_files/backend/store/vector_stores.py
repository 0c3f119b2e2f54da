"""Vector stores: create (attaching ``file_ids``), get, list, update, delete.

A store's ``file_counts``, ``usage_bytes`` and ``status`` follow from its live files: it is
``in_progress`` while one of them is, ``completed`` otherwise, and ``expired`` once
``expires_after`` days have passed since ``last_active_at`` (bumped by every write to the store
or its files). Expiry is reported, not enforced: an expired store keeps its files and can be
used, which makes it active again. Deleting a store deletes its file rows and batches; the
files themselves are kept.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import astuple
from typing import Any, Unpack

from ..db import new_id, next_timestamp
from ..objects import VECTOR_STORE_COLUMNS, deleted_object, vector_store_object
from ..pagination import PageArgs
from ..text import decode
from ..vector_store_validation import Chunking, VectorStoreSpec, vector_store_spec
from .base import page_by_id
from .vector_store_files import VectorStoreFilesMixin

__all__ = ["VectorStoresMixin"]


class VectorStoresMixin(VectorStoreFilesMixin):
    """Vector stores, with counts of their files by status."""

    def create_vector_store(
        self, name: str = "", *, file_ids: Sequence[str] = (), metadata: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Create a vector store (validated as ``POST /v1/vector_stores`` is), attaching ``file_ids``."""
        return self.create_vector_store_from(
            vector_store_spec({"name": name, "file_ids": list(file_ids), "metadata": metadata})
        )

    def create_vector_store_from(self, spec: VectorStoreSpec) -> dict[str, Any]:
        """Create a vector store from validated fields, attaching its files in the same transaction."""
        vector_store_id = new_id("vs_")
        with self.db.write() as conn:
            now = next_timestamp(conn, "vector_stores")
            conn.execute(
                "INSERT INTO vector_stores (id, created_at, name, description, metadata,"
                " expires_after_days, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    vector_store_id,
                    now,
                    spec.name,
                    spec.description,
                    json.dumps(spec.metadata),
                    spec.expires_after_days,
                    now,
                ),
            )
            for index, attach in enumerate(spec.files):
                self._attach_file(conn, vector_store_id, attach, None, param=f"file_ids[{index}]")
            created = self._vector_store(conn, vector_store_id)
        if spec.files:
            self._notify_pending()
        return created

    def list_vector_stores(self, **args: Unpack[PageArgs]) -> dict[str, Any]:
        """One page of vector stores (see :mod:`..pagination`)."""
        with self.db.read() as conn:
            to_object = functools.partial(self._vector_store_object, conn)
            return page_by_id(
                conn, "vector_stores", VECTOR_STORE_COLUMNS, to_object, args, where="deleted_at IS NULL"
            )

    def get_vector_store(self, vector_store_id: str) -> dict[str, Any]:
        """The vector store object, with its files' counts."""
        with self.db.read() as conn:
            return self._vector_store(conn, vector_store_id)

    def update_vector_store(self, vector_store_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change ``name``, ``metadata`` and/or ``expires_after_days`` (validated; see the app)."""
        columns = {key: json.dumps(value) if key == "metadata" else value for key, value in changes.items()}
        with self.db.write() as conn:
            self._require_vector_store(conn, vector_store_id)
            for column, value in columns.items():
                conn.execute(f"UPDATE vector_stores SET {column} = ? WHERE id = ?", (value, vector_store_id))  # noqa: S608
            self._touch(conn, vector_store_id)
            return self._vector_store(conn, vector_store_id)

    def delete_vector_store(self, vector_store_id: str) -> dict[str, Any]:
        """Delete a vector store, its file rows and batches; the files themselves are kept."""
        with self.db.write() as conn:
            self._require_vector_store(conn, vector_store_id)
            conn.execute(
                "UPDATE vector_stores SET deleted_at = ? WHERE id = ?", (int(time.time()), vector_store_id)
            )
            conn.execute("DELETE FROM vector_store_files WHERE vector_store_id = ?", (vector_store_id,))
            conn.execute(
                "DELETE FROM vector_store_file_batches WHERE vector_store_id = ?", (vector_store_id,)
            )
        return deleted_object(vector_store_id, "vector_store.deleted")

    def seed_vector_store_files(
        self,
        vector_store_id: str,
        count: int,
        *,
        data: bytes = b"seed text\n",
        filename: str = "seed.txt",
        ingested: bool = True,
    ) -> list[str]:
        """Create ``count`` files holding ``data``, attached to ``vector_store_id``, in one transaction.

        For demos, tests and benchmarks that need large listings: it bypasses the store's
        capacity. ``ingested`` records them ``completed`` at once (``data`` must be text);
        otherwise they are ``in_progress`` for the ingestion worker. Returns the file ids in
        attachment order (oldest first).
        """
        parsed = decode(lambda: [data], len(data)) if ingested else None
        file_ids = [new_id("file-") for _ in range(count)]
        with self.db.write() as conn:
            self._require_vector_store(conn, vector_store_id)
            now = next_timestamp(conn, "files")
            conn.executemany(
                "INSERT INTO files (id, created_at, filename, purpose, bytes, data) VALUES (?, ?, ?, 'assistants', ?, ?)",
                [(file_id, now, filename, len(data), data) for file_id in file_ids],
            )
            if parsed is not None:
                conn.executemany(
                    "INSERT INTO file_texts (file_id, text, utf8_bytes) VALUES (?, ?, ?)",
                    [(file_id, parsed.text, parsed.utf8_bytes) for file_id in file_ids],
                )
            now = next_timestamp(conn, "vector_store_files")
            status, usage = ("completed", parsed.utf8_bytes) if parsed else ("in_progress", 0)
            chunking = Chunking()
            conn.executemany(
                "INSERT INTO vector_store_files (vector_store_id, file_id, created_at, status, attempt,"
                " usage_bytes, max_chunk_size_tokens, chunk_overlap_tokens, attributes)"
                " VALUES (?, ?, ?, ?, 1, ?, ?, ?, '{}')",
                [(vector_store_id, file_id, now, status, usage, *astuple(chunking)) for file_id in file_ids],
            )
        if parsed is None:
            self._notify_pending()
        return file_ids

    def _vector_store(self, conn: sqlite3.Connection, vector_store_id: str) -> dict[str, Any]:
        self._require_vector_store(conn, vector_store_id)
        row = conn.execute(
            f"SELECT {VECTOR_STORE_COLUMNS} FROM vector_stores WHERE id = ?",  # noqa: S608
            (vector_store_id,),
        ).fetchone()
        return self._vector_store_object(conn, row)

    @staticmethod
    def _vector_store_object(conn: sqlite3.Connection, row: Sequence[Any]) -> dict[str, Any]:
        totals = conn.execute(
            "SELECT status, count(*), sum(usage_bytes) FROM vector_store_files"
            " WHERE vector_store_id = ? AND deleted_at IS NULL GROUP BY status",
            (row[0],),
        ).fetchall()
        return vector_store_object(
            row, {status: count for status, count, _ in totals}, sum(usage for *_, usage in totals)
        )
