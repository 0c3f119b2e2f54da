"""What every part of the store shares: its runner, change listeners, cursor positions, timestamps."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from ...contract import MAX_PAGE_LIMIT
from ..errors import InvalidRequest, NotFound
from ..pagination import PageArgs, ToObjects, page
from .sql import Conn, Row, Runner

__all__ = ["Listeners", "StoreBase", "next_timestamp", "one", "page_by_id", "page_in", "seq_or_none"]

logger = logging.getLogger("mcp_assistant_files.backend")


async def next_timestamp(conn: Conn, table: str) -> int:
    """Return now in whole seconds, but never earlier than the newest row of ``table``.

    Must be called inside the write transaction (after locking the listing, see
    :meth:`~.sql.Conn.serialize`), so a wall clock stepping back, or another machine's clock,
    cannot make ``created_at`` disagree with ``seq`` order.
    """
    row = await conn.one(f"SELECT created_at FROM {table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
    now = int(time.time())
    return max(now, int(row[0])) if row else now


async def page_in(
    require_parent: Callable[[], Awaitable[None]], listing: Awaitable[dict[str, Any]]
) -> dict[str, Any]:
    """A page of a parent's items, asking whether the parent exists only when the page cannot say.

    Items never outlive their parent within a snapshot (assistants are never deleted; deleting a
    vector store deletes its file rows in the same transaction), so an item on the page proves
    the parent exists. ``require_parent`` (a query) runs only for an empty page or a refused
    paging argument, where a missing parent's 404 comes first, as it would have before the page.
    """
    try:
        found = await listing
    except InvalidRequest:
        await require_parent()
        raise
    if not found["data"]:
        await require_parent()
    return found


async def seq_or_none(conn: Conn, sql: str, *params: object) -> int | None:
    """The ``seq`` the query selects, or ``None``: a cursor's position in a listing."""
    row = await conn.one(sql, params)
    return None if row is None else int(row[0])


async def one(conn: Conn, sql: str, params: Sequence[object], missing: NotFound) -> Row:
    """The first row the query selects; ``missing`` is raised when there is none."""
    row = await conn.one(sql, params)
    if row is None:
        raise missing
    return row


async def page_by_id(
    conn: Conn,
    table: str,
    columns: str,
    to_objects: ToObjects,
    args: PageArgs,
    *,
    where: str = "1 = 1",
    params: Sequence[object] = (),
    max_limit: int = MAX_PAGE_LIMIT,
) -> dict[str, Any]:
    """One page of ``table``'s rows matching ``where``; a cursor may be the ``id`` of any row.

    ``to_objects`` makes the page's objects from its rows (:func:`..pagination.each` for one a row).
    """
    return await page(
        conn,
        select=f"SELECT {columns} FROM {table} WHERE {where}",  # noqa: S608
        params=params,
        seq_of=lambda cursor: seq_or_none(conn, f"SELECT seq FROM {table} WHERE id = ?", cursor),  # noqa: S608
        to_objects=to_objects,
        max_limit=max_limit,
        **args,
    )


class Listeners:
    """Callbacks run after each write that leaves files to ingest (shared by a store's views)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def add(self, listener: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove(self, listener: Callable[[], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener()
            except Exception:
                # The write is committed; a listener's failure must not turn it into an error.
                logger.exception("a pending-files listener failed")


class StoreBase:
    """The state the store's parts share; see :class:`AsyncStore` for the whole."""

    def __init__(self, runner: Runner, listeners: Listeners, *, max_files_per_assistant: int = 20) -> None:
        if max_files_per_assistant < 0:
            raise ValueError("max_files_per_assistant must be >= 0 (0 means unlimited)")
        self.runner = runner
        """Where and how transactions run (see :mod:`.sql`)."""
        self.listeners = listeners
        self.max_files_per_assistant = max_files_per_assistant

    def add_pending_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` (in the writing thread) after each write that leaves files to ingest."""
        self.listeners.add(listener)

    def remove_pending_listener(self, listener: Callable[[], None]) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        self.listeners.remove(listener)

    def _notify_pending(self) -> None:
        self.listeners.notify()
