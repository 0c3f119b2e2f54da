"""A PostgreSQL database as the store uses it: its URL, pools, schema and ingestion claims.

The blocking pool (small: the ingestion worker, data commands, seeding) opens with the
database; each event loop that serves the store gets an async pool of its own
(:meth:`PgDatabase.async_runner`), opened on first use and drained by ``aclose``. Connection
strings are URLs (``postgresql://user:password@host:port/dbname?sslmode=...``); the password
never appears in what this module logs or raises (:func:`redacted`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Final

import anyio
import psycopg
import psycopg_pool

from ..errors import DatabaseUnavailable
from ..pg_url import redacted
from .pg_schema import migrate
from .postgres import AsyncDriver, PgConn, PgRunner, blocking_connect, sleep_blocking
from .sql import Row

__all__ = ["POOL_MAX", "POOL_TIMEOUT", "PgClaims", "PgDatabase"]

#: Connections an event loop's pool opens at most.
POOL_MAX: Final = 10
#: Seconds a request waits for a pooled connection (or a new one) before a 503.
POOL_TIMEOUT: Final = 5.0
_CONNECT: Final[dict[str, Any]] = {
    "autocommit": True,
    "connect_timeout": 5,
    # A server that vanished (not one that refused) is noticed within seconds, not hours.
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 15_000,
}


class PgClaims:
    """Ingestion claims as session advisory locks on one dedicated connection.

    A worker that dies closes the connection, which frees its claims at once.
    """

    def __init__(self, url: str) -> None:
        self._url = url
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Row] | None = None

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Row]]:
        with self._lock:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self._url, **_CONNECT)
            try:
                yield self._conn
            except psycopg.OperationalError:
                self._conn.close()  # its claims are gone with it
                raise

    def try_claim(self, seq: int) -> bool:
        with self._connection() as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (seq,)).fetchone()
        return bool(row and row[0])

    def release(self, seq: int) -> None:
        with self._connection() as conn:
            conn.execute("SELECT pg_advisory_unlock(%s)", (seq,))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()


class PgDatabase:
    """The connections to one PostgreSQL database (see the module)."""

    def __init__(self, url: str) -> None:
        """Connect, creating or upgrading the schema; :class:`DatabaseUnavailable` if it cannot."""
        self.url = url
        self.where = redacted(url)
        try:
            with psycopg.connect(url, **_CONNECT) as conn:
                migrate(conn)
        except psycopg.Error as err:
            message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise DatabaseUnavailable(f"cannot open the database {self.where} ({message})") from None
        self._pool: psycopg_pool.ConnectionPool[psycopg.Connection[Row]] = psycopg_pool.ConnectionPool(
            url, min_size=1, max_size=4, kwargs=_CONNECT, timeout=POOL_TIMEOUT, open=True, name="blocking"
        )
        self.claims = PgClaims(url)

    def blocking_runner(self) -> PgRunner:
        """Transactions in the calling thread, on the blocking pool."""

        async def recheck() -> None:
            self._pool.check()

        return PgRunner(blocking_connect(self._pool), recheck=recheck, pause=sleep_blocking, where=self.where)

    def async_runner(self) -> PgRunner:
        """Transactions on a new async pool, opened in the first event loop that uses it."""
        pool: psycopg_pool.AsyncConnectionPool[psycopg.AsyncConnection[Row]] = (
            psycopg_pool.AsyncConnectionPool(
                self.url,
                min_size=2,
                max_size=POOL_MAX,
                kwargs=_CONNECT,
                timeout=POOL_TIMEOUT,
                open=False,
                name="async",
            )
        )
        opened = False

        @asynccontextmanager
        async def connect() -> AsyncIterator[PgConn]:
            nonlocal opened
            if not opened:
                opened = True
                await pool.open(wait=False)
            async with pool.connection() as conn:
                yield PgConn(AsyncDriver(conn))

        async def close() -> None:
            if opened:
                await pool.close(timeout=POOL_TIMEOUT)

        return PgRunner(connect, recheck=pool.check, pause=anyio.sleep, where=self.where, close=close)

    def close(self) -> None:
        """Close the blocking pool and the claims' connection."""
        self.claims.close()
        with contextlib.suppress(psycopg.Error):
            self._pool.close()
