"""SQLite schema, connection set-up and id generation for the backend store.

Layout: one row per assistant, per file (bytes inline, last column so listings never read
them) and per (assistant, file) attachment. ``seq`` is an autoincrement column assigned
inside the writing transaction, so it is a strict total order that several processes agree on;
``created_at`` is kept non-decreasing along ``seq`` (see :func:`next_timestamp`), so ordering
by ``seq`` is ordering by ``(created_at, seq)``.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import string
import time

__all__ = ["BUSY_TIMEOUT_MS", "connect", "new_id", "next_timestamp"]

#: How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 30_000

_SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS assistants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    name TEXT,
    description TEXT,
    model TEXT NOT NULL,
    instructions TEXT,
    tools TEXT NOT NULL,
    metadata TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS attachments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    assistant_id TEXT NOT NULL REFERENCES assistants(id),
    file_id TEXT NOT NULL REFERENCES files(id),
    created_at INTEGER NOT NULL,
    deleted_at INTEGER,
    UNIQUE (assistant_id, file_id)
);
CREATE INDEX IF NOT EXISTS attachments_live
    ON attachments (assistant_id, seq) WHERE deleted_at IS NULL;
"""

_ALPHABET = string.ascii_letters + string.digits
_ID_LENGTH = 24


def new_id(prefix: str) -> str:
    """Return ``prefix`` followed by 24 random alphanumeric characters, as OpenAI's ids are."""
    chars: list[str] = []
    while len(chars) < _ID_LENGTH:
        # 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
        chars.extend(_ALPHABET[b % 62] for b in secrets.token_bytes(32) if b < 248)
    return prefix + "".join(chars[:_ID_LENGTH])


def next_timestamp(conn: sqlite3.Connection, table: str) -> int:
    """Return now in whole seconds, but never earlier than the newest row of ``table``.

    Must be called inside the write transaction, so a wall clock stepping back cannot make
    ``created_at`` disagree with ``seq`` order.
    """
    row = conn.execute(f"SELECT created_at FROM {table} ORDER BY seq DESC LIMIT 1").fetchone()  # noqa: S608
    now = int(time.time())
    return max(now, int(row[0])) if row else now


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path``; ``":memory:"`` gives a private one.

    The connection is in autocommit mode (the store issues ``BEGIN`` itself), may be used from
    any thread (the store serialises access with a lock), uses WAL for files, and waits
    :data:`BUSY_TIMEOUT_MS` for other processes' locks.
    """
    target = os.fspath(path)
    # One connection per store, used from worker threads under the store's lock; every
    # Store.open(":memory:") is therefore one private database, visible to all threads.
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if target != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version > _SCHEMA_VERSION:
            raise RuntimeError(
                f"database schema version {version} is newer than this backend understands "
                f"({_SCHEMA_VERSION}); upgrade mcp-assistant-files or use another --db file"
            )
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
