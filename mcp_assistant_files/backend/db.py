"""SQLite connections and id generation for the backend store (the schema is in :mod:`.schema`)."""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import string
from typing import Final

from .objects import attachment_body
from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["BUSY_TIMEOUT_MS", "MEMORY", "add_functions", "connect", "connect_reader", "new_id"]

MEMORY: Final = ":memory:"
"""A private in-memory SQLite database, gone when the store closes."""

#: How long a connection waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 30_000

_ALPHABET = string.ascii_letters + string.digits
_ID_LENGTH = 24


def new_id(prefix: str) -> str:
    """Return ``prefix`` followed by 24 random alphanumeric characters, as OpenAI's ids are."""
    chars: list[str] = []
    while len(chars) < _ID_LENGTH:
        # 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
        chars.extend(_ALPHABET[b % 62] for b in secrets.token_bytes(32) if b < 248)
    return prefix + "".join(chars[:_ID_LENGTH])


def _open(target: str) -> sqlite3.Connection:
    # Autocommit mode (the store issues BEGIN itself); usable from any thread (the store
    # serialises access to each connection with a lock).
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    add_functions(conn)
    return conn


def add_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the store's statements call: ``attachment_body`` (:mod:`.objects`).

    Only statements call them, never the schema (a view, index or generated column calling a
    function of the application's would not open elsewhere, nor under ``trusted_schema=OFF``)."""
    conn.create_function("attachment_body", 3, attachment_body, deterministic=True)


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating and upgrading if needed) the database at ``path`` for writing.

    ``":memory:"`` gives a private database. Files use WAL, so readers on other connections
    never wait for a writer.
    """
    target = os.fspath(path)
    if target != MEMORY:
        _create_private(target)
    conn = _open(target)
    try:
        if target != MEMORY:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn)
        if target != MEMORY:
            _check_writable(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _create_private(target: str) -> None:
    """Create the database file ``target`` readable and writable by its owner only, unless it exists.

    SQLite would create it 0644 under the usual umask; it gives the ``-wal`` and ``-shm`` files the
    main file's mode. A file that exists (one the user made or chose) keeps its mode.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def connect_reader(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open a read-only connection to a database :func:`connect` has already prepared."""
    conn = _open(os.fspath(path))
    conn.execute("PRAGMA query_only = ON")
    return conn


def _check_writable(conn: sqlite3.Connection) -> None:
    """Fail now, not at the first write, on a database this process may only read.

    SQLite opens a write-protected file read-only without a word, and even ``BEGIN IMMEDIATE``
    succeeds on it: only a write fails ("attempt to write a readonly database"). So one is made
    and rolled back. A database another process is writing (busy) is writable.
    """
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as err:
        if not getattr(err, "sqlite_errorname", "").startswith("SQLITE_BUSY"):  # also _RECOVERY, _SNAPSHOT
            raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _version(conn: sqlite3.Connection) -> int:
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {version} is newer than this backend understands "
            f"({SCHEMA_VERSION}); upgrade mcp-assistant-files or use another --db file"
        )
    return int(version)


def _migrate(conn: sqlite3.Connection) -> None:
    # An up-to-date database is only read: opening it never waits for another process's writer.
    if _version(conn) == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statements in MIGRATIONS[_version(conn) :]:
            for statement in statements.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
