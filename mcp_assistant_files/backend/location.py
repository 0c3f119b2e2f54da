"""Where the backend's SQLite database lives: one rule for every command that opens it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Final

import platformdirs

from .errors import StoreError
from .store import Store
from .store.database import MEMORY

__all__ = ["DB_ENV_VAR", "MEMORY", "DatabaseUnavailable", "default_db_path", "open_store", "prepare_db_path"]

DB_ENV_VAR: Final = "MCP_ASSISTANT_FILES_DB"
"""Environment variable naming the database file, overriding the per-user default."""


def default_db_path() -> Path:
    """``$MCP_ASSISTANT_FILES_DB`` if set, else ``backend.sqlite3`` in the user's data directory."""
    override = os.environ.get(DB_ENV_VAR)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("mcp-assistant-files")) / "backend.sqlite3"


def prepare_db_path(db: str | os.PathLike[str] | None) -> str | Path:
    """The database ``db`` names (``None``: :func:`default_db_path`), its folder created.

    ``":memory:"`` is returned as is. ``~`` is expanded.
    """
    if db is not None and os.fspath(db) == MEMORY:
        return MEMORY
    path = Path(db).expanduser() if db is not None else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class DatabaseUnavailable(StoreError):
    """The database cannot be created or opened (a read-only folder, a path under a file, ...)."""

    status = 503
    type = "server_error"


def open_store(db: str | os.PathLike[str] | None, *, max_files_per_assistant: int = 20) -> Store:
    """The store on ``db`` (see :func:`prepare_db_path`), or one sentence saying what to fix.

    Raises:
        DatabaseUnavailable: the folder cannot be created, or the file opened or written.
    """
    where = os.fspath(db) if db is not None else str(default_db_path())
    try:
        return Store.open(prepare_db_path(db), max_files_per_assistant=max_files_per_assistant)
    except (OSError, sqlite3.Error) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise DatabaseUnavailable(
            f"cannot open the database {where} ({reason}): choose another --db (or {DB_ENV_VAR}), "
            "or make its folder writable"
        ) from None
