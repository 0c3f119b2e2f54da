"""Where the backend's SQLite database lives: one rule for every command that opens it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import platformdirs

__all__ = ["DB_ENV_VAR", "MEMORY", "default_db_path", "prepare_db_path"]

DB_ENV_VAR: Final = "MCP_ASSISTANT_FILES_DB"
"""Environment variable naming the database file, overriding the per-user default."""

MEMORY: Final = ":memory:"
"""A private in-memory database, gone when the store closes."""


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
