"""Uploaded files: their bytes (streamed in and out in bounded pieces), listing and deletion.

Deleting a file keeps its row as a tombstone (so a listing cursor naming it keeps its place),
drops its bytes and parsed text, and detaches it from every assistant and vector store.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ...contract import DEFAULT_FILES_PAGE_LIMIT, DEFAULT_ORDER, MAX_FILES_PAGE_LIMIT, Order
from ..db import new_id, next_timestamp
from ..errors import NotFound
from ..objects import FILE_COLUMNS, deleted_object, file_object
from ..validation import check_purpose
from .base import StoreBase, one, page_by_id

__all__ = ["CHUNK_BYTES", "FileContent", "FilesMixin"]

#: Bytes copied at a time between SQLite and a stream: bounds the memory one transfer takes.
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileContent:
    """A stored file's name, size and bytes, read lazily in pieces of at most :data:`CHUNK_BYTES`."""

    filename: str
    size: int
    chunks: Iterator[bytes]


class FilesMixin(StoreBase):
    """Files uploaded with ``POST /v1/files``."""

    def create_file(self, filename: str, data: bytes, purpose: str) -> dict[str, Any]:
        """Store an uploaded file's bytes and return its file object."""
        return self.create_file_from(filename, io.BytesIO(data), len(data), purpose)

    def create_file_from(self, filename: str, source: BinaryIO, size: int, purpose: str) -> dict[str, Any]:
        """Store ``size`` bytes read from ``source`` in pieces (never all in memory at once)."""
        check_purpose(purpose)
        file_id = new_id("file-")
        with self.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO files (id, created_at, filename, purpose, bytes, data)"
                " VALUES (?, ?, ?, ?, ?, zeroblob(?))",
                (file_id, next_timestamp(conn, "files"), filename, purpose, size, size),
            )
            with conn.blobopen("files", "data", cursor.lastrowid or 0) as blob:
                written = 0
                while piece := source.read(min(CHUNK_BYTES, size - written)):
                    blob.write(piece)
                    written += len(piece)
            if written != size or source.read(1):
                raise ValueError(f"the upload's stream did not hold exactly the {size} bytes announced")
            return self._file(conn, file_id)

    def get_file(self, file_id: str) -> dict[str, Any]:
        """The file object (metadata only) of a file that was not deleted."""
        with self.db.read() as conn:
            return self._file(conn, file_id)

    def list_files(
        self,
        *,
        purpose: str | None = None,
        limit: int = DEFAULT_FILES_PAGE_LIMIT,
        order: Order = DEFAULT_ORDER,
        after: str | None = None,
    ) -> dict[str, Any]:
        """One page of files (all of them by default), optionally only those of one ``purpose``.

        ``after`` may name any file ever uploaded, deleted ones included: its position is kept.
        """
        with self.db.read() as conn:
            return page_by_id(
                conn,
                "files",
                FILE_COLUMNS,
                file_object,
                {"limit": limit, "order": order, "after": after},
                where="deleted_at IS NULL AND (?1 IS NULL OR purpose = ?1)",
                params=(purpose,),
                max_limit=MAX_FILES_PAGE_LIMIT,
            )

    def delete_file(self, file_id: str) -> dict[str, Any]:
        """Delete a file: its bytes and text go, and it leaves every assistant and vector store."""
        with self.db.write() as conn:
            self._file(conn, file_id)
            now = next_timestamp(conn, "files")
            conn.execute("UPDATE files SET deleted_at = ?, data = x'' WHERE id = ?", (now, file_id))
            conn.execute("DELETE FROM file_texts WHERE file_id = ?", (file_id,))
            for table in ("attachments", "vector_store_files"):
                conn.execute(
                    f"UPDATE {table} SET deleted_at = ? WHERE file_id = ? AND deleted_at IS NULL",  # noqa: S608
                    (now, file_id),
                )
        return deleted_object(file_id, "file")

    def file_content(self, file_id: str) -> FileContent:
        """A file's bytes, read lazily; a file deleted while being read ends early."""
        with self.db.read() as conn:
            self._file(conn, file_id)
            seq, filename, size = conn.execute(
                "SELECT seq, filename, bytes FROM files WHERE id = ?", (file_id,)
            ).fetchone()
        return FileContent(filename, size, self._chunks(seq, size))

    def _chunks(self, seq: int, size: int) -> Iterator[bytes]:
        offset = 0
        while offset < size:
            # One short read transaction per piece: a slow reader never holds a snapshot open.
            with self.db.read() as conn, conn.blobopen("files", "data", seq, readonly=True) as blob:
                piece = b""
                if len(blob) > offset:
                    blob.seek(offset)
                    piece = blob.read(CHUNK_BYTES)
            if not piece:
                return
            offset += len(piece)
            yield piece

    @staticmethod
    def _file(conn: sqlite3.Connection, file_id: str) -> dict[str, Any]:
        sql = f"SELECT {FILE_COLUMNS} FROM files WHERE id = ? AND deleted_at IS NULL"  # noqa: S608
        return file_object(one(conn, sql, (file_id,), NotFound("file", file_id)))
