"""Running the backend standalone under uvicorn (``mcp-assistant-files backend``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..logs import announce
from ..web.guard import Allowlist
from ..web.serving import ConnectionLimits, bound_port, listen, run_http
from .app import create_app
from .defaults import DEFAULT_POLL_INTERVAL
from .ingestion import Ingestor
from .location import database_label, open_store

__all__ = ["run_backend"]


def run_backend(
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    db: str | None = None,
    api_keys: Sequence[str] = (),
    max_files_per_assistant: int = 20,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
    log_level: str = "warning",
    allowlist: Allowlist | None = None,
    limits: ConnectionLimits | None = None,
) -> None:
    """Serve the backend under uvicorn until interrupted; ``db=None`` uses the default database.

    ``db`` is a SQLite file (its directory is created if missing) or a PostgreSQL URL (logged
    without its password). The ingestion worker runs beside it, looking for files other
    processes attached every ``poll_interval`` seconds. Only ``allowlist``'s hosts and origins
    are answered (default: loopback names and the bound host); ``limits`` bound how long request
    headers may take and how many connections are open (:mod:`..web.serving`). Blocks; on the way
    out the app's pool is drained and the store closed. An address that cannot be listened on
    raises :class:`~..web.serving.ListenError` before the database is opened.
    """
    listeners = listen(host, port)  # first: a port in use is one sentence, before any database is made
    try:
        store = open_store(db, max_files_per_assistant=max_files_per_assistant)
        try:
            announce(
                "backend on http://%s:%d/v1, database %s, %s",
                host,
                bound_port(listeners),
                database_label(db),
                f"{len(api_keys)} API key(s) required" if api_keys else "no API key required",
            )
            app = create_app(
                store,
                api_keys=api_keys,
                ingestor=Ingestor(store, poll_interval=poll_interval),
                allowlist=allowlist or Allowlist.build(host),
            )
            run_http(app, listeners=listeners, limits=limits or ConnectionLimits(), log_level=log_level)
        finally:
            store.close()
    finally:
        for sock in listeners:
            sock.close()
