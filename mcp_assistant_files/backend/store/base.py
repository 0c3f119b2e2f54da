"""What every part of the store shares: the database, change listeners, cursor positions."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ...contract import MAX_PAGE_LIMIT
from ..errors import NotFound
from ..pagination import PageArgs, page
from .database import Database

__all__ = ["StoreBase", "one", "page_by_id", "seq_or_none"]

logger = logging.getLogger("mcp_assistant_files.backend")


def seq_or_none(conn: sqlite3.Connection, sql: str, *params: object) -> int | None:
    """The ``seq`` the query selects, or ``None``: a cursor's position in a listing."""
    row = conn.execute(sql, params).fetchone()
    return None if row is None else int(row[0])


def one(conn: sqlite3.Connection, sql: str, params: Sequence[object], missing: NotFound) -> Any:
    """The first row the query selects; ``missing`` is raised when there is none."""
    row = conn.execute(sql, params).fetchone()
    if row is None:
        raise missing
    return row


def page_by_id(
    conn: sqlite3.Connection,
    table: str,
    columns: str,
    to_object: Callable[[Any], dict[str, Any]],
    args: PageArgs,
    *,
    where: str = "1",
    params: Sequence[object] = (),
    max_limit: int = MAX_PAGE_LIMIT,
) -> dict[str, Any]:
    """One page of ``table``'s rows matching ``where``; a cursor may be the ``id`` of any row."""
    return page(
        conn,
        select=f"SELECT {columns} FROM {table} WHERE {where}",  # noqa: S608
        params=params,
        seq_of=lambda cursor: seq_or_none(conn, f"SELECT seq FROM {table} WHERE id = ?", cursor),  # noqa: S608
        to_object=to_object,
        max_limit=max_limit,
        **args,
    )


class StoreBase:
    """The state the store's parts share; see :class:`Store` for the whole."""

    def __init__(self, db: Database) -> None:
        self.db = db
        """The database's connections (see :class:`Database`)."""
        self._listeners: list[Callable[[], None]] = []
        self._listeners_lock = threading.Lock()

    def add_pending_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` (in the writing thread) after each write that leaves files to ingest."""
        with self._listeners_lock:
            self._listeners.append(listener)

    def remove_pending_listener(self, listener: Callable[[], None]) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        with self._listeners_lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _notify_pending(self) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener()
            except Exception:
                # The write is committed; a listener's failure must not turn it into an error.
                logger.exception("a pending-files listener failed")
