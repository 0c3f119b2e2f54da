"""Uploaded files: their bytes (streamed in and out in bounded pieces), listing and deletion.

Deleting a file keeps its row as a tombstone (so a listing cursor naming it keeps its place),
drops its bytes and parsed text, and detaches it from every assistant and vector store.
Where the bytes live is the connection's business (:meth:`~.sql.Conn.add_file`): inline in
SQLite, in 1 MiB rows of ``file_chunks`` in PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ...contract import DEFAULT_FILES_PAGE_LIMIT, DEFAULT_ORDER, MAX_FILES_PAGE_LIMIT, Order
from ..db import new_id
from ..errors import NotFound
from ..objects import FILE_COLUMNS, deleted_object, file_object
from ..pagination import each
from ..validation import check_purpose
from .base import StoreBase, next_timestamp, one, page_by_id
from .sql import CHUNK_BYTES, Conn

__all__ = ["CHUNK_BYTES", "FileContent", "FilesMixin"]


@dataclass(frozen=True)
class FileContent:
    """A stored file's name, size and where its bytes are (read them with ``FilesMixin.pieces``)."""

    file_id: str
    filename: str
    size: int
    seq: int


class FilesMixin(StoreBase):
    """Files uploaded with ``POST /v1/files``."""

    async def create_file(self, filename: str, data: bytes, purpose: str) -> dict[str, Any]:
        """Store an uploaded file's bytes and return its file object."""
        return await self.create_file_from(filename, io.BytesIO(data), len(data), purpose)

    async def create_file_from(
        self, filename: str, source: BinaryIO, size: int, purpose: str
    ) -> dict[str, Any]:
        """Store ``size`` bytes read from ``source`` in pieces (never all in memory at once)."""
        check_purpose(purpose)
        file_id = new_id("file-")

        async def create(conn: Conn) -> dict[str, Any]:
            if source.seekable():
                source.seek(0)  # a retried transaction reads the upload again
            await conn.add_file(file_id, filename, purpose, source, size)
            return await self._file(conn, file_id)

        return await self.runner.write(create)

    async def get_file(self, file_id: str) -> dict[str, Any]:
        """The file object (metadata only) of a file that was not deleted."""
        return await self.runner.read(lambda conn: self._file(conn, file_id))

    async def list_files(
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
        return await self.runner.read(
            lambda conn: page_by_id(
                conn,
                "files",
                FILE_COLUMNS,
                each(file_object),
                {"limit": limit, "order": order, "after": after},
                where="deleted_at IS NULL AND (CAST(? AS TEXT) IS NULL OR purpose = ?)",
                params=(purpose, purpose),
                max_limit=MAX_FILES_PAGE_LIMIT,
            ),
            heavy=limit > 1000,
        )

    async def delete_file(self, file_id: str) -> dict[str, Any]:
        """Delete a file: its bytes and text go, and it leaves every assistant and vector store."""

        async def delete(conn: Conn) -> None:
            # The row lock makes a concurrent attach of this file wait (or fail once it is deleted).
            (seq,) = await one(
                conn,
                "SELECT seq FROM files WHERE id = ? AND deleted_at IS NULL FOR UPDATE",
                (file_id,),
                NotFound("file", file_id),
            )
            now = await next_timestamp(conn, "files")
            await conn.run("UPDATE files SET deleted_at = ? WHERE id = ?", (now, file_id))
            await conn.drop_content(file_id, seq)
            await conn.run("DELETE FROM file_texts WHERE file_id = ?", (file_id,))
            for table in ("attachments", "vector_store_files"):
                await conn.run(
                    f"UPDATE {table} SET deleted_at = ? WHERE file_id = ? AND deleted_at IS NULL",  # noqa: S608
                    (now, file_id),
                )

        await self.runner.write(delete)
        return deleted_object(file_id, "file")

    async def file_content(self, file_id: str) -> FileContent:
        """Where a live file's bytes are; read them with :meth:`pieces`."""

        async def find(conn: Conn) -> FileContent:
            seq, filename, size = await one(
                conn,
                "SELECT seq, filename, bytes FROM files WHERE id = ? AND deleted_at IS NULL",
                (file_id,),
                NotFound("file", file_id),
            )
            return FileContent(file_id, filename, size, seq)

        return await self.runner.read(find)

    async def piece(self, content: FileContent, index: int) -> bytes:
        """The ``index``-th piece of at most :data:`CHUNK_BYTES`; ``b""`` past the end or once deleted.

        One short read per piece: a slow reader never holds a snapshot (or a connection) open.
        """
        if index * CHUNK_BYTES >= content.size:
            return b""
        return await self.runner.read(lambda conn: conn.content_piece(content.file_id, content.seq, index))

    async def pieces(self, content: FileContent) -> AsyncIterator[bytes]:
        """The file's bytes in pieces; a file deleted while being read ends early."""
        index = 0
        while piece := await self.piece(content, index):
            yield piece
            index += 1

    @staticmethod
    async def _file(conn: Conn, file_id: str) -> dict[str, Any]:
        sql = f"SELECT {FILE_COLUMNS} FROM files WHERE id = ? AND deleted_at IS NULL"  # noqa: S608
        return file_object(await one(conn, sql, (file_id,), NotFound("file", file_id)))
