"""The embedded local backend: OpenAI's v1 assistant-files REST contract, the Files API and the
Vector Store Files API, on SQLite.

Use it in-process (``httpx2.ASGITransport(app=create_app(store))`` plus an :class:`Ingestor`
running beside it), standalone (:func:`run_backend`), or in tests (:mod:`.testing`).
"""

from __future__ import annotations

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
