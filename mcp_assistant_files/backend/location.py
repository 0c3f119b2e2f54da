"""Where the backend's database lives: one rule for every command that opens it.

``--db`` (or ``$MCP_ASSISTANT_FILES_DB``) is a SQLite file's path, ``:memory:``, or a
PostgreSQL URL (``postgresql://user:password@host:5432/dbname``).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Final

import platformdirs

from .db import MEMORY
from .errors import DatabaseUnavailable
from .pg_url import is_postgres_url, redacted

if TYPE_CHECKING:  # the store (its SQL, both engines) is imported only to open one
    from .store import Store

__all__ = [
    "DB_ENV_VAR",
    "MEMORY",
    "DatabaseUnavailable",
    "database_label",
    "default_db_path",
    "open_store",
    "prepare_db_path",
]

DB_ENV_VAR: Final = "MCP_ASSISTANT_FILES_DB"
"""Environment variable naming the database file, overriding the per-user default."""


def default_db_path() -> Path:
    """``$MCP_ASSISTANT_FILES_DB`` if set (a file), else ``backend.sqlite3`` in the user's data directory."""
    override = os.environ.get(DB_ENV_VAR)
    if override and not is_postgres_url(override):
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("mcp-assistant-files")) / "backend.sqlite3"


def _named(db: str | os.PathLike[str] | None) -> str | os.PathLike[str] | None:
    """``db``, else a PostgreSQL URL in ``$MCP_ASSISTANT_FILES_DB``, else ``None`` (the default file)."""
    if db is not None:
        return db
    override = os.environ.get(DB_ENV_VAR)
    return override if is_postgres_url(override) else None


def database_label(db: str | os.PathLike[str] | None) -> str:
    """The database ``db`` names, for people: a path, or a URL without its password."""
    named = _named(db)
    if is_postgres_url(named):
        return redacted(str(named))
    return os.fspath(named) if named is not None else str(default_db_path())


def prepare_db_path(db: str | os.PathLike[str] | None) -> str | Path:
    """The database ``db`` names (``None``: ``$MCP_ASSISTANT_FILES_DB``, else the default file), a
    file's folder created (mode 0700). ``":memory:"`` and PostgreSQL URLs are returned as they are; ``~`` is expanded.
    """
    db = _named(db)
    if db is not None and (os.fspath(db) == MEMORY or is_postgres_url(db)):
        return os.fspath(db)
    path = Path(db).expanduser() if db is not None else default_db_path()
    # A folder made here is its user's alone (a folder that exists keeps its mode); so is the file.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def open_store(db: str | os.PathLike[str] | None, *, max_files_per_assistant: int = 20) -> Store:
    """The store on ``db`` (see :func:`prepare_db_path`), or one sentence saying what to fix.

    Raises:
        DatabaseUnavailable: the folder cannot be created, the file opened or written, or the
            PostgreSQL server reached.
    """
    from .store import Store

    where = database_label(db)
    try:
        return Store.open(prepare_db_path(db), max_files_per_assistant=max_files_per_assistant)
    except (OSError, sqlite3.Error) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise DatabaseUnavailable(
            f"cannot open the database {where} ({reason}): choose another --db (or {DB_ENV_VAR}), "
            "or make it and its folder writable"
        ) from None
