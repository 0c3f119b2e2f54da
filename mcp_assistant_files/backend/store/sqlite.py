"""The store's SQL on SQLite: a :class:`~.sql.Conn` over ``sqlite3`` and the runner handing them out.

Every method of :class:`SqliteConn` is a coroutine that never suspends, so the same store code
runs (see :func:`.sql.drive`) on the event loop, in a worker thread or in a blocking caller.
:class:`SqliteRunner` decides where: reads (short and indexed) run where they are awaited, on
the read connections, so a writer waiting for another process's lock never holds them up;
with ``offload_writes`` each write transaction runs whole in a worker thread, since it may wait
up to ``busy_timeout`` for another process.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import BinaryIO, TypeVar

import anyio.to_thread

from .base import next_timestamp
from .database import Database
from .sql import CHUNK_BYTES, Conn, Row, drive, for_sqlite

__all__ = ["SqliteConn", "SqliteRunner"]

_T = TypeVar("_T")


class SqliteConn:
    """A :class:`~.sql.Conn` on one ``sqlite3`` connection inside its transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    async def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        row: Row | None = self.conn.execute(for_sqlite(sql), params).fetchone()
        return row

    async def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self.conn.execute(for_sqlite(sql), params).fetchall()

    async def run(self, sql: str, params: Sequence[object] = ()) -> int:
        return self.conn.execute(for_sqlite(sql), params).rowcount

    async def many(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.conn.executemany(for_sqlite(sql), rows)

    async def serialize(self, table: str) -> None:
        """Nothing to do: a write transaction (``BEGIN IMMEDIATE``) already excludes every other."""

    async def add_file(self, file_id: str, filename: str, purpose: str, source: BinaryIO, size: int) -> None:
        cursor = self.conn.execute(
            "INSERT INTO files (id, created_at, filename, purpose, bytes, data)"
            " VALUES (?, ?, ?, ?, ?, zeroblob(?))",
            (file_id, await next_timestamp(self, "files"), filename, purpose, size, size),
        )
        with self.conn.blobopen("files", "data", cursor.lastrowid or 0) as blob:
            written = 0
            while piece := source.read(min(CHUNK_BYTES, size - written)):
                blob.write(piece)
                written += len(piece)
        if written != size or source.read(1):
            raise ValueError(f"the upload's stream did not hold exactly the {size} bytes announced")

    async def add_files(self, file_ids: Sequence[str], filename: str, data: bytes) -> None:
        now = await next_timestamp(self, "files")
        self.conn.executemany(
            "INSERT INTO files (id, created_at, filename, purpose, bytes, data) VALUES (?, ?, ?, 'assistants', ?, ?)",
            [(file_id, now, filename, len(data), data) for file_id in file_ids],
        )

    async def content_piece(self, file_id: str, seq: int, index: int) -> bytes:
        with self.conn.blobopen("files", "data", seq, readonly=True) as blob:
            if len(blob) <= index * CHUNK_BYTES:
                return b""
            blob.seek(index * CHUNK_BYTES)
            return blob.read(CHUNK_BYTES)

    async def drop_content(self, file_id: str, seq: int) -> None:
        self.conn.execute("UPDATE files SET data = x'' WHERE seq = ?", (seq,))


class SqliteRunner:
    """Transactions on a SQLite :class:`Database`: reads where awaited, writes in a thread if asked."""

    def __init__(self, db: Database, *, offload_writes: bool) -> None:
        self.db = db
        self.offload_writes = offload_writes

    async def read(self, fn: Callable[[Conn], Awaitable[_T]], *, heavy: bool = False) -> _T:
        if heavy and self.offload_writes:
            return await anyio.to_thread.run_sync(self.read_blocking, fn)
        conn = self.db.begin_read()
        try:
            found = await fn(SqliteConn(conn))
        except BaseException:
            self.db.end_read(conn, commit=False)
            raise
        self.db.end_read(conn, commit=True)
        return found

    async def write(self, fn: Callable[[Conn], Awaitable[_T]]) -> _T:
        if self.offload_writes:
            return await anyio.to_thread.run_sync(self.write_blocking, fn)
        return self.write_blocking(fn)

    async def aclose(self) -> None:
        """Nothing to release: the connections belong to the :class:`Database`."""

    def read_blocking(self, fn: Callable[[Conn], Awaitable[_T]]) -> _T:
        """``fn`` in a read transaction, in this thread."""
        with self.db.read() as conn:
            return drive(_call(fn, SqliteConn(conn)))

    def write_blocking(self, fn: Callable[[Conn], Awaitable[_T]]) -> _T:
        """``fn`` in a write transaction, in this thread."""
        with self.db.write() as conn:
            return drive(_call(fn, SqliteConn(conn)))


async def _call(fn: Callable[[Conn], Awaitable[_T]], conn: Conn) -> _T:
    return await fn(conn)
