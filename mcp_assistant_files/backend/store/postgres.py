"""The store's SQL on PostgreSQL, through psycopg 3 and its pools.

psycopg rather than asyncpg, on a measurement (``python -m benchmarks --only postgres``): the
same wall time per query within noise, asyncpg ~16 % less client CPU; psycopg has blocking and
async connections behind one API (the blocking :class:`~.Store` drives this very code), libpq's
URLs, TLS and password files, any anyio backend, and ``COPY`` (README, "PostgreSQL").

One :class:`PgConn` serves both flavours of psycopg connection: on an ``AsyncConnection`` its
coroutines really wait (the event loop serves others meanwhile); on a blocking ``Connection``
they never suspend, so the blocking :class:`~.Store` drives them (:func:`.sql.drive`).

Transactions (:class:`PgRunner`): a read is single statements in autocommit (each sees what is
committed; a listing's cursor is a position that never moves, so nothing more is needed); a
write is ``BEGIN ... COMMIT`` at READ COMMITTED, made safe by row locks on the listing's parent
(``FOR UPDATE``) and advisory locks for top-level listings (:meth:`PgConn.serialize`). A
deadlock or serialization failure is retried; a connection found dead before anything was
sent is replaced (the pool is checked) and the transaction tried again. Anything else that
means the database cannot be reached is :class:`DatabaseUnavailable` (HTTP 503).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, BinaryIO, Final, Protocol, TypeVar

import anyio
import anyio.to_thread
import psycopg
import psycopg_pool
from psycopg import errors

from ..errors import DatabaseUnavailable
from .base import next_timestamp
from .sql import CHUNK_BYTES, Conn, Row, for_postgres

__all__ = ["ATTEMPTS", "TABLE_LOCKS", "PgConn", "PgRunner"]

logger = logging.getLogger("mcp_assistant_files.backend")
_T = TypeVar("_T")

#: Transactions tried at most, when PostgreSQL reports a deadlock or a serialization failure.
ATTEMPTS: Final = 8
#: Second advisory-lock key of each top-level listing (the first is the package's, see pg_schema).
TABLE_LOCKS: Final = {"assistants": 1, "files": 2, "vector_stores": 3}
_PACKAGE_LOCK: Final = 0x6D636166
_RETRIED = (errors.SerializationFailure, errors.DeadlockDetected)


class _Driver(Protocol):
    """The few calls :class:`PgConn` makes, on one flavour of psycopg connection."""

    async def execute(self, sql: bytes, params: Sequence[object]) -> tuple[list[Row], int]: ...

    async def executemany(self, sql: bytes, rows: list[Sequence[object]]) -> None: ...

    async def read(self, source: BinaryIO, size: int) -> bytes: ...


class BlockingDriver:
    """A blocking ``psycopg.Connection``: coroutines that never suspend."""

    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        self.conn = conn

    async def execute(self, sql: bytes, params: Sequence[object]) -> tuple[list[Row], int]:
        cursor = self.conn.execute(sql, params)
        return (cursor.fetchall() if cursor.description else []), cursor.rowcount

    async def executemany(self, sql: bytes, rows: list[Sequence[object]]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(sql, rows)

    async def read(self, source: BinaryIO, size: int) -> bytes:
        return source.read(size)


class AsyncDriver:
    """A ``psycopg.AsyncConnection``; reads of an upload's file go to a worker thread."""

    def __init__(self, conn: psycopg.AsyncConnection[Row]) -> None:
        self.conn = conn

    async def execute(self, sql: bytes, params: Sequence[object]) -> tuple[list[Row], int]:
        cursor = await self.conn.execute(sql, params)
        return (await cursor.fetchall() if cursor.description else []), cursor.rowcount

    async def executemany(self, sql: bytes, rows: list[Sequence[object]]) -> None:
        async with self.conn.cursor() as cursor:
            await cursor.executemany(sql, rows)

    async def read(self, source: BinaryIO, size: int) -> bytes:
        return await anyio.to_thread.run_sync(source.read, size)


class PgConn:
    """A :class:`~.sql.Conn` on one PostgreSQL connection (see the module for its transactions)."""

    def __init__(self, driver: _Driver) -> None:
        self.driver = driver
        self.sent = False
        """Whether a statement went through: until then a dead connection may be replaced."""

    async def _execute(self, sql: str, params: Sequence[object]) -> tuple[list[Row], int]:
        result = await self.driver.execute(for_postgres(sql), params)
        self.sent = True
        return result

    async def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        rows, _ = await self._execute(sql, params)
        return rows[0] if rows else None

    async def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        rows, _ = await self._execute(sql, params)
        return rows

    async def run(self, sql: str, params: Sequence[object] = ()) -> int:
        _, count = await self._execute(sql, params)
        return count

    async def many(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        await self.driver.executemany(for_postgres(sql), list(rows))

    async def serialize(self, table: str) -> None:
        await self.run("SELECT pg_advisory_xact_lock(?, ?)", (_PACKAGE_LOCK, TABLE_LOCKS[table]))

    async def add_file(self, file_id: str, filename: str, purpose: str, source: BinaryIO, size: int) -> None:
        written = part = 0
        while piece := await self.driver.read(source, min(CHUNK_BYTES, size - written)):
            await self.run(
                "INSERT INTO file_chunks (file_id, part, data) VALUES (?, ?, ?)", (file_id, part, piece)
            )
            written += len(piece)
            part += 1
        if written != size or await self.driver.read(source, 1):
            raise ValueError(f"the upload's stream did not hold exactly the {size} bytes announced")
        # Only now take the files listing's turn: the bytes went in without holding it.
        await self.serialize("files")
        await self.run(
            "INSERT INTO files (id, created_at, filename, purpose, bytes) VALUES (?, ?, ?, ?, ?)",
            (file_id, await next_timestamp(self, "files"), filename, purpose, size),
        )

    async def add_files(self, file_ids: Sequence[str], filename: str, data: bytes) -> None:
        now = await next_timestamp(self, "files")
        await self.many(
            "INSERT INTO files (id, created_at, filename, purpose, bytes) VALUES (?, ?, ?, 'assistants', ?)",
            [(file_id, now, filename, len(data)) for file_id in file_ids],
        )
        await self.many(
            "INSERT INTO file_chunks (file_id, part, data) VALUES (?, 0, ?)",
            [(file_id, data) for file_id in file_ids],
        )

    async def content_piece(self, file_id: str, seq: int, index: int) -> bytes:
        row = await self.one("SELECT data FROM file_chunks WHERE file_id = ? AND part = ?", (file_id, index))
        return b"" if row is None else bytes(row[0])

    async def drop_content(self, file_id: str, seq: int) -> None:
        await self.run("DELETE FROM file_chunks WHERE file_id = ?", (file_id,))


Connect = Callable[[], AbstractAsyncContextManager[PgConn]]


class PgRunner:
    """Transactions on a pool (either flavour): ``connect`` lends a :class:`PgConn`.

    ``recheck`` makes the pool test its idle connections (after one was found dead), ``pause``
    waits between attempts, ``where`` names the database in errors (without its password).
    """

    def __init__(
        self,
        connect: Connect,
        *,
        recheck: Callable[[], Awaitable[None]],
        pause: Callable[[float], Awaitable[None]],
        where: str,
        close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._connect = connect
        self._recheck = recheck
        self._pause = pause
        self.where = where
        self._close = close

    async def read(self, fn: Callable[[Conn], Awaitable[_T]], *, heavy: bool = False) -> _T:
        return await self._transaction(fn, write=False)

    async def write(self, fn: Callable[[Conn], Awaitable[_T]]) -> _T:
        return await self._transaction(fn, write=True)

    async def aclose(self) -> None:
        """Close the pool this runner owns, waiting for connections in use to come back."""
        if self._close is not None:
            await self._close()

    async def _transaction(self, fn: Callable[[Conn], Awaitable[_T]], *, write: bool) -> _T:
        replaced = False
        for attempt in range(1, ATTEMPTS + 1):
            conn: PgConn | None = None
            try:
                async with self._connect() as conn:
                    if write:
                        await conn.run("BEGIN")
                    try:
                        result = await fn(conn)
                        if write:
                            await conn.run("COMMIT")
                    except BaseException:
                        if write and conn.sent:
                            await _rollback(conn)
                        raise
                    return result
            except _RETRIED as err:
                if attempt == ATTEMPTS:
                    raise DatabaseUnavailable(
                        f"The database stayed too busy to finish the request ({type(err).__name__} "
                        f"{ATTEMPTS} times): try again."
                    ) from err
                delay = random.uniform(0, 0.005 * 2**attempt)
                logger.debug("%s; trying the transaction again in %.3f s", type(err).__name__, delay)
                await self._pause(delay)
            except (psycopg.OperationalError, psycopg_pool.PoolTimeout, psycopg.InterfaceError) as err:
                if (
                    conn is not None
                    and not conn.sent
                    and not replaced
                    and not isinstance(err, psycopg_pool.PoolTimeout)
                ):
                    replaced = True  # the pool lent a connection that had died (a server restart)
                    logger.info(
                        "a pooled connection to %s was dead; checking the pool, trying again", self.where
                    )
                    await self._recheck()
                    continue
                raise DatabaseUnavailable(
                    f"The database ({self.where}) is unavailable: {_first_line(err)}. Try again shortly."
                ) from err
        raise AssertionError("unreachable")


async def _rollback(conn: PgConn) -> None:
    try:
        await conn.driver.execute(b"ROLLBACK", ())
    except psycopg.Error:
        logger.debug("ROLLBACK failed; the pool discards the connection")


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


async def sleep_blocking(seconds: float) -> None:
    """``time.sleep`` as a coroutine that never suspends (the blocking runner's pause)."""
    time.sleep(seconds)  # noqa: ASYNC251 - driven in a blocking caller, never on an event loop


def blocking_connect(pool: psycopg_pool.ConnectionPool[psycopg.Connection[Row]]) -> Connect:
    """Lend connections of a blocking pool as :class:`PgConn` (entered without suspending)."""

    class _Lend:
        async def __aenter__(self) -> PgConn:
            self._cm = pool.connection()
            return PgConn(BlockingDriver(self._cm.__enter__()))

        async def __aexit__(self, *exc: Any) -> None:
            self._cm.__exit__(*exc)

    return _Lend
