"""The embedded local backend: OpenAI's v1 assistant-files REST contract, the Files API and the
Vector Store Files API, on SQLite.

Use it in-process (``httpx2.ASGITransport(app=create_app(store))`` plus an :class:`Ingestor`
running beside it), standalone (:func:`run_backend`), or in tests (:mod:`.testing`).

The names below are imported when first used: a server with a base URL never loads the backend
(its app, store and SQL), which is most of what it would add to start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .errors import InvalidRequest, NotFound, PayloadTooLarge, StoreError
    from .ingestion import Ingestor
    from .location import DB_ENV_VAR, DatabaseUnavailable, default_db_path, open_store, prepare_db_path
    from .standalone import run_backend
    from .store import Store

__all__ = [
    "DB_ENV_VAR",
    "DatabaseUnavailable",
    "Ingestor",
    "InvalidRequest",
    "NotFound",
    "PayloadTooLarge",
    "Store",
    "StoreError",
    "create_app",
    "default_db_path",
    "open_store",
    "prepare_db_path",
    "run_backend",
]

_HOMES = {
    "create_app": ".app",
    "InvalidRequest": ".errors",
    "NotFound": ".errors",
    "PayloadTooLarge": ".errors",
    "StoreError": ".errors",
    "Ingestor": ".ingestion",
    "DB_ENV_VAR": ".location",
    "DatabaseUnavailable": ".location",
    "default_db_path": ".location",
    "open_store": ".location",
    "prepare_db_path": ".location",
    "run_backend": ".standalone",
    "Store": ".store",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value
