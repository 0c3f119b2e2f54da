"""Running the backend standalone: where its database lives and the uvicorn entry point."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import platformdirs
import uvicorn

from .app import create_app
from .store import Store

__all__ = ["DB_ENV_VAR", "default_db_path", "run_backend"]

#: Environment variable naming the database file, overriding the per-user default.
DB_ENV_VAR = "MCP_ASSISTANT_FILES_DB"

logger = logging.getLogger("mcp_assistant_files.backend")


def default_db_path() -> Path:
    """``$MCP_ASSISTANT_FILES_DB`` if set, else ``backend.sqlite3`` in the user's data directory."""
    override = os.environ.get(DB_ENV_VAR)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("mcp-assistant-files")) / "backend.sqlite3"


def run_backend(
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    db: str | None = None,
    api_keys: Sequence[str] = (),
    max_files_per_assistant: int = 20,
    log_level: str = "warning",
) -> None:
    """Serve the backend under uvicorn until interrupted; ``db=None`` uses :func:`default_db_path`.

    The database's directory is created if missing. Blocks; closes the store on the way out.
    """
    path: str | Path = db if db is not None else default_db_path()
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(path, max_files_per_assistant=max_files_per_assistant)
    try:
        logger.info(
            "backend on http://%s:%d/v1, database %s, %s",
            host,
            port,
            path,
            f"{len(api_keys)} API key(s) required" if api_keys else "no API key required",
        )
        uvicorn.run(create_app(store, api_keys=api_keys), host=host, port=port, log_level=log_level)
    finally:
        store.close()
