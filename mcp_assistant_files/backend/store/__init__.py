"""SQLite storage: the state behind the backend, one :class:`Store` made of one part per concern.

* :mod:`.assistants` and :mod:`.attachments`: v1 assistants and their attached files;
* :mod:`.files`: uploaded files, streamed in and out;
* :mod:`.vector_stores`, :mod:`.vector_store_files`, :mod:`.batches`: vector stores;
* :mod:`.queue`: what the ingestion worker (:mod:`..ingestion`) reads and records;
* :mod:`.database`: the connections (writes apart from reads, see there).

Every method is synchronous and thread-safe; each write is one ``BEGIN IMMEDIATE``
transaction, so several processes may share a database file (WAL, ``busy_timeout``).
"""

from __future__ import annotations

import os

from .assistants import AssistantsMixin
from .batches import BatchesMixin
from .database import Database
from .files import FileContent
from .queue import PendingFile, QueueMixin
from .vector_stores import VectorStoresMixin

__all__ = ["Database", "FileContent", "PendingFile", "Store"]


class Store(AssistantsMixin, VectorStoresMixin, BatchesMixin, QueueMixin):
    """The backend's persistent state."""

    def __init__(self, db: Database, *, max_files_per_assistant: int = 20) -> None:
        """Wrap an open :class:`Database`; prefer :meth:`Store.open`."""
        if max_files_per_assistant < 0:
            raise ValueError("max_files_per_assistant must be >= 0 (0 means unlimited)")
        super().__init__(db)
        self.max_files_per_assistant = max_files_per_assistant

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, max_files_per_assistant: int = 20) -> Store:
        """Open or create the database at ``path`` (``":memory:"`` for a private in-memory one)."""
        return cls(Database(path), max_files_per_assistant=max_files_per_assistant)

    def close(self) -> None:
        """Close the connections; the store is unusable afterwards."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
