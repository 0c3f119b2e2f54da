"""The one interface the store's SQL is written against, for SQLite and PostgreSQL alike.

The store's logic is written once, as coroutines over a :class:`Conn` (one transaction) that a
:class:`Runner` hands out. The SQL uses ``?`` placeholders and PostgreSQL's row locks
(``FOR UPDATE`` / ``FOR SHARE``); each connection class rewrites it for its database once
(SQLite drops the locks: its write transactions are already exclusive; PostgreSQL takes
``%s`` and ignores SQLite's ``INDEXED BY`` hints).

A connection whose methods never suspend (SQLite's, psycopg's blocking one) makes the whole
coroutine finish without suspending, so :func:`drive` can run it to the end in the calling
thread: that is how the blocking :class:`~.Store` and the SQLite writer thread use the same code
as the event loop.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from typing import Any, BinaryIO, Protocol, TypeVar

__all__ = ["CHUNK_BYTES", "Conn", "Row", "Runner", "drive", "for_postgres", "for_sqlite"]

_T = TypeVar("_T")
Row = tuple[Any, ...]

#: Bytes of file content moved at a time: bounds the memory one upload or download takes.
CHUNK_BYTES = 1024 * 1024


class Conn(Protocol):
    """One transaction's statements (a write transaction, or a reader's snapshot)."""

    async def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        """The first row the query returns, or ``None``."""

    async def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Every row the query returns."""

    async def run(self, sql: str, params: Sequence[object] = ()) -> int:
        """Execute a statement; the number of rows it changed."""

    async def many(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Execute a statement once per parameter row."""

    async def serialize(self, table: str) -> None:
        """Hold, until the transaction ends, the right to append to ``table``'s global order.

        Rows of a listing must commit in ``seq`` order, or a walker could pass a row that
        commits later below its cursor. SQLite's writes are serial anyway; PostgreSQL takes a
        transaction-scoped advisory lock (parents of nested listings are locked as rows).
        """

    async def add_file(self, file_id: str, filename: str, purpose: str, source: BinaryIO, size: int) -> None:
        """Add a file row and exactly ``size`` bytes read from ``source`` in pieces, never all at once."""

    async def add_files(self, file_ids: Sequence[str], filename: str, data: bytes) -> None:
        """Add one ``assistants`` file holding ``data`` per id (seeding: few bytes, many files)."""

    async def content_piece(self, file_id: str, seq: int, index: int) -> bytes:
        """The ``index``-th piece (of :data:`CHUNK_BYTES`) of the file's content; ``b""`` past the end."""

    async def drop_content(self, file_id: str, seq: int) -> None:
        """Forget the file's bytes (the file was deleted)."""


class Runner(Protocol):
    """Hands out transactions: how (which thread, which pool) is the runner's business."""

    async def read(self, fn: Callable[[Conn], Awaitable[_T]], *, heavy: bool = False) -> _T:
        """``fn`` in a read-only snapshot; ``heavy`` reads may move off the event loop."""

    async def write(self, fn: Callable[[Conn], Awaitable[_T]]) -> _T:
        """``fn`` in one write transaction, committed when it returns (retried if the database asks)."""

    async def aclose(self) -> None:
        """Release what the runner owns (a pool, drained); the database itself stays open."""


def drive(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine that never suspends to its end, in this thread."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("a blocking store call suspended: its connection is not a blocking one")


_LOCKS = re.compile(r" FOR (UPDATE|SHARE)\b")
_INDEXED_BY = re.compile(r" INDEXED BY \w+")


@functools.lru_cache(maxsize=512)
def for_sqlite(sql: str) -> str:
    """``sql`` for SQLite: row locks dropped (a write transaction holds the whole database)."""
    return _LOCKS.sub("", sql)


@functools.lru_cache(maxsize=512)
def for_postgres(sql: str) -> bytes:
    """``sql`` for psycopg: ``%s`` placeholders, SQLite's index hints dropped."""
    return _INDEXED_BY.sub("", sql).replace("%", "%%").replace("?", "%s").encode()
