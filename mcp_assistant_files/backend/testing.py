"""The backend on a loopback ephemeral port, in a thread: for tests and benchmarks.

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
from .file_routes import MAX_UPLOAD_BYTES
from .ingestion import Ingestor
from .store import Store

__all__ = ["serve_in_thread"]


@contextmanager
def serve_in_thread(
    store_or_db: Store | str | os.PathLike[str],
    *,
    api_keys: Sequence[str] = (),
    max_files_per_assistant: int = 20,
    ingest: bool = True,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    startup_timeout: float = 10.0,
) -> Iterator[str]:
    """Serve the backend with uvicorn on 127.0.0.1, an ephemeral port, in a daemon thread.

    Yields the base URL ``http://127.0.0.1:PORT/v1``. A path, ``":memory:"`` or a PostgreSQL URL
    opens a store that is closed on exit; a :class:`Store` is left open. ``max_files_per_assistant`` applies
    only to a store opened here. With ``ingest``, an ingestion worker runs in the server's loop.
    Uploads may be at most ``max_upload_bytes``.
    """
    owned = not isinstance(store_or_db, Store)
    store = (
        Store.open(store_or_db, max_files_per_assistant=max_files_per_assistant)
        if not isinstance(store_or_db, Store)
        else store_or_db
    )
    config = uvicorn.Config(
        create_app(
            store,
            api_keys=api_keys,
            ingestor=Ingestor(store) if ingest else None,
            max_upload_bytes=max_upload_bytes,
        ),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="on",
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
