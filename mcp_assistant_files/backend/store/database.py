"""One SQLite database as the store uses it: a write connection and, apart, read connections.

Writes are ``BEGIN IMMEDIATE`` transactions on the one write connection, under a lock of its
own. Reads are ``BEGIN`` (snapshot) transactions on a small pool of read-only connections, so
a writer waiting for another process's lock (up to ``busy_timeout``) never holds up a reader:
WAL lets readers run beside a writer. A private ``":memory:"`` database is one connection, so
its reads take the write lock (nothing else can hold SQLite's lock on it).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..db import MEMORY, connect, connect_reader

__all__ = ["READERS", "Database"]

#: Read connections kept open at most; a reader beyond that waits for one to be returned.
READERS = 8


@contextmanager
def _transaction(conn: sqlite3.Connection, begin: str) -> Iterator[sqlite3.Connection]:
    conn.execute(begin)
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        # Also after a failed COMMIT, so the connection is never left mid-transaction.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class Database:
    """The connections to one database file (or one private in-memory database)."""

    def __init__(self, path: str | os.PathLike[str], *, readers: int = READERS) -> None:
        """Open ``path``, creating or upgrading its schema (see :mod:`..schema`)."""
        self.path = os.fspath(path)
        self._writer = connect(self.path)
        self._write_lock = threading.Lock()
        self._shared = self.path == MEMORY
        self._pool = threading.Condition()
        self._idle: list[sqlite3.Connection] = []
        self._opened = 0
        self._readers = readers
        self._closed = False
        self._progress: tuple[Callable[[], int] | None, int] = (None, 1)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; only one at a time in this process."""
        with self._write_lock, _transaction(self._writer, "BEGIN IMMEDIATE") as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot, never waiting for a writer."""
        conn = self.begin_read()
        try:
            yield conn
        except BaseException:
            self.end_read(conn, commit=False)
            raise
        self.end_read(conn, commit=True)

    def begin_read(self) -> sqlite3.Connection:
        """:meth:`read` without a context manager (on the hot path its two generators cost more
        than the transaction): a connection in a read transaction, to hand to :meth:`end_read`."""
        if self._shared:
            self._write_lock.acquire()
            conn = self._writer
        else:
            conn = self._acquire()
        try:
            conn.execute("BEGIN")
        except BaseException:
            self._give_back(conn)
            raise
        return conn

    def end_read(self, conn: sqlite3.Connection, *, commit: bool) -> None:
        """End :meth:`begin_read`'s transaction (``commit``: the reads succeeded) and give ``conn`` back."""
        try:
            if commit:
                conn.execute("COMMIT")
        finally:
            try:
                if conn.in_transaction:  # a failed read, or a failed COMMIT: never left mid-transaction
                    conn.execute("ROLLBACK")
            finally:
                self._give_back(conn)

    def _give_back(self, conn: sqlite3.Connection) -> None:
        if self._shared:
            self._write_lock.release()
        else:
            self._release(conn)

    def set_progress_handler(self, handler: Callable[[], int] | None, n: int) -> None:
        """``sqlite3.Connection.set_progress_handler`` on every connection, present and future."""
        self._progress = (handler, n)
        with self._pool:
            for conn in [self._writer, *self._idle]:
                conn.set_progress_handler(handler, n)

    def _acquire(self) -> sqlite3.Connection:
        with self._pool:
            while not self._closed and not self._idle and self._opened >= self._readers:
                self._pool.wait()
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            if self._idle:
                return self._idle.pop()
            self._opened += 1
        try:
            reader = connect_reader(self.path)
            reader.set_progress_handler(*self._progress)
            return reader
        except BaseException:
            with self._pool:
                self._opened -= 1
                self._pool.notify()
            raise

    def _release(self, conn: sqlite3.Connection) -> None:
        with self._pool:
            if self._closed:
                conn.close()
            else:
                self._idle.append(conn)
            self._pool.notify()

    def close(self) -> None:
        """Close every connection; the database is unusable afterwards."""
        with self._pool:
            self._closed = True
            idle, self._idle = self._idle, []
            self._pool.notify_all()
        for conn in idle:
            conn.close()
        with self._write_lock:
            self._writer.close()
