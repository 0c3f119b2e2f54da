"""Helpers for tests and benchmarks: the backend on a loopback ephemeral port, bulk seeding.

>>> with serve_in_thread(":memory:") as base_url:   # "http://127.0.0.1:PORT/v1"
...     ...
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import uvicorn

from .app import create_app
from .db import new_id, next_timestamp
from .store import Store

__all__ = ["seed_attachments", "serve_in_thread"]


@contextmanager
def serve_in_thread(
    store_or_db: Store | str | os.PathLike[str],
    *,
    api_keys: Sequence[str] = (),
    max_files_per_assistant: int = 20,
    startup_timeout: float = 10.0,
) -> Iterator[str]:
    """Serve the backend with uvicorn on 127.0.0.1, an ephemeral port, in a daemon thread.

    Yields the base URL ``http://127.0.0.1:PORT/v1``. A path (or ``":memory:"``) opens a store
    that is closed on exit; a :class:`Store` is left open. ``max_files_per_assistant`` applies
    only to a store opened here.
    """
    owned = not isinstance(store_or_db, Store)
    store = (
        Store.open(store_or_db, max_files_per_assistant=max_files_per_assistant)
        if not isinstance(store_or_db, Store)
        else store_or_db
    )
    config = uvicorn.Config(
        create_app(store, api_keys=api_keys),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="backend-uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the backend server stopped during start-up; see its log")
            if time.monotonic() > deadline:
                raise TimeoutError("the backend server did not start in time")
            time.sleep(0.005)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if owned:
            store.close()


def seed_attachments(store: Store, assistant_id: str, count: int, *, filename: str = "seed.txt") -> list[str]:
    """Create ``count`` one-byte ``assistants`` files attached to ``assistant_id``, in one transaction.

    Bypasses the attachment cap: it exists to build large listings for tests and benchmarks.
    Returns the file ids in attachment order (oldest first).
    """
    store.get_assistant(assistant_id)
    file_ids = [new_id("file-") for _ in range(count)]
    with store._transaction(write=True) as conn:
        now = next_timestamp(conn, "files")
        conn.executemany(
            "INSERT INTO files (id, created_at, filename, purpose, bytes, data)"
            " VALUES (?, ?, ?, 'assistants', 1, x'00')",
            [(file_id, now, filename) for file_id in file_ids],
        )
        now = next_timestamp(conn, "attachments")
        conn.executemany(
            "INSERT INTO attachments (assistant_id, file_id, created_at) VALUES (?, ?, ?)",
            [(assistant_id, file_id, now) for file_id in file_ids],
        )
    return file_ids
