"""The backend's persistent state, on SQLite or PostgreSQL, behind one interface.

* :mod:`.assistants` and :mod:`.attachments`: v1 assistants and their attached files;
* :mod:`.files`: uploaded files, streamed in and out;
* :mod:`.vector_stores`, :mod:`.vector_store_files`, :mod:`.batches`: vector stores;
* :mod:`.queue`: what the ingestion worker (:mod:`..ingestion`) reads and records;
* :mod:`.sql`: the interface their SQL is written against, once for both databases;
  :mod:`.sqlite` with :mod:`.database`, and :mod:`.postgres` with :mod:`.pg_database`
  and :mod:`.pg_schema`, implement it.

:class:`AsyncStore` is what the app awaits. :class:`Store` is the same methods, blocking, for
data commands, seeding, tests and the ingestion worker's thread; ``Store.aio()`` gives the
async view of the same database for one event loop. Each write is one transaction; several
processes (on several machines, with PostgreSQL) may share a database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from ..errors import DatabaseUnavailable
from ..pg_url import is_postgres_url
from .assistants import AssistantsMixin
from .base import Listeners
from .batches import BatchesMixin
from .database import Database
from .files import CHUNK_BYTES, FileContent
from .queue import Claims, NoClaims, PendingFile, QueueMixin
from .sql import Runner, drive
from .sqlite import SqliteRunner
from .vector_stores import VectorStoresMixin

if TYPE_CHECKING:  # psycopg loads only for a PostgreSQL database (it takes ~0.3 s)
    from .pg_database import PgDatabase

__all__ = [
    "CHUNK_BYTES",
    "AsyncStore",
    "Database",
    "DatabaseUnavailable",
    "FileContent",
    "PendingFile",
    "Store",
    "is_postgres_url",
]

_P = ParamSpec("_P")
_T = TypeVar("_T")


class AsyncStore(AssistantsMixin, VectorStoresMixin, BatchesMixin, QueueMixin):
    """The store's methods as coroutines, on one runner (see :mod:`.sql`)."""

    def __init__(self, runner: Runner, store: Store) -> None:
        super().__init__(runner, store.listeners, max_files_per_assistant=store.max_files_per_assistant)
        self.claims: Claims = NoClaims() if isinstance(store.db, Database) else store.db.claims
        self.where = store.where

    async def healthy(self) -> None:
        """Return once the database answers a query; :class:`DatabaseUnavailable` if it does not."""
        await self.runner.read(lambda conn: conn.one("SELECT 1"))

    async def aclose(self) -> None:
        """Release what this view holds (a PostgreSQL pool, drained); the database stays open."""
        await self.runner.aclose()


def _blocking(
    method: Callable[Concatenate[AsyncStore, _P], Coroutine[Any, Any, _T]],
) -> Callable[Concatenate[Store, _P], _T]:
    """``AsyncStore.method`` as a blocking method of :class:`Store` (same signature and docs)."""

    def call(self: Store, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        return drive(method(self.core, *args, **kwargs))

    call.__doc__, call.__name__ = method.__doc__, method.__name__
    return call


class Store:
    """The backend's persistent state, blocking (see the module); ``aio()`` for the app."""

    def __init__(self, db: Database | PgDatabase, *, max_files_per_assistant: int = 20) -> None:
        """Wrap an open database; prefer :meth:`Store.open`."""
        if max_files_per_assistant < 0:
            raise ValueError("max_files_per_assistant must be >= 0 (0 means unlimited)")
        self.db = db
        self.max_files_per_assistant = max_files_per_assistant
        self.listeners = Listeners()
        self.where = db.path if isinstance(db, Database) else db.where
        """The database, for people: a file's path, or the URL without its password."""
        runner = SqliteRunner(db, offload_writes=False) if isinstance(db, Database) else db.blocking_runner()
        self.core = AsyncStore(runner, self)

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, max_files_per_assistant: int = 20) -> Store:
        """Open or create the database ``target`` names: a ``postgresql://`` URL, a file's path, or
        ``":memory:"`` for a private in-memory SQLite database."""
        if is_postgres_url(target):
            from .pg_database import PgDatabase

            return cls(PgDatabase(str(target)), max_files_per_assistant=max_files_per_assistant)
        return cls(Database(target), max_files_per_assistant=max_files_per_assistant)

    def aio(self) -> AsyncStore:
        """The async view the app uses, for the event loop that will await it; ``aclose()`` it after."""
        db = self.db
        runner = SqliteRunner(db, offload_writes=True) if isinstance(db, Database) else db.async_runner()
        return AsyncStore(runner, self)

    @property
    def is_postgres(self) -> bool:
        """Whether the database is PostgreSQL."""
        return not isinstance(self.db, Database)

    def add_pending_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` (in the writing thread) after each write that leaves files to ingest."""
        self.listeners.add(listener)

    def remove_pending_listener(self, listener: Callable[[], None]) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        self.listeners.remove(listener)

    def file_pieces(self, content: FileContent) -> Iterator[bytes]:
        """A file's bytes in pieces of at most :data:`CHUNK_BYTES`, each read in its own transaction."""
        index = 0
        while piece := drive(self.core.piece(content, index)):
            yield piece
            index += 1

    def release(self, job: PendingFile) -> None:
        """Give back the claim on ``job`` (see :meth:`claim`)."""
        self.core.release(job)

    job_content = staticmethod(AsyncStore.job_content)

    create_assistant = _blocking(AsyncStore.create_assistant)
    create_assistant_from = _blocking(AsyncStore.create_assistant_from)
    get_assistant = _blocking(AsyncStore.get_assistant)
    list_assistants = _blocking(AsyncStore.list_assistants)
    attach = _blocking(AsyncStore.attach)
    detach = _blocking(AsyncStore.detach)
    get_attachment = _blocking(AsyncStore.get_attachment)
    list_attachments = _blocking(AsyncStore.list_attachments)
    list_attachments_json = _blocking(AsyncStore.list_attachments_json)
    seed_attachments = _blocking(AsyncStore.seed_attachments)
    create_file = _blocking(AsyncStore.create_file)
    create_file_from = _blocking(AsyncStore.create_file_from)
    get_file = _blocking(AsyncStore.get_file)
    list_files = _blocking(AsyncStore.list_files)
    delete_file = _blocking(AsyncStore.delete_file)
    file_content = _blocking(AsyncStore.file_content)
    create_vector_store = _blocking(AsyncStore.create_vector_store)
    create_vector_store_from = _blocking(AsyncStore.create_vector_store_from)
    list_vector_stores = _blocking(AsyncStore.list_vector_stores)
    get_vector_store = _blocking(AsyncStore.get_vector_store)
    update_vector_store = _blocking(AsyncStore.update_vector_store)
    delete_vector_store = _blocking(AsyncStore.delete_vector_store)
    seed_vector_store_files = _blocking(AsyncStore.seed_vector_store_files)
    attach_vector_store_file = _blocking(AsyncStore.attach_vector_store_file)
    get_vector_store_file = _blocking(AsyncStore.get_vector_store_file)
    update_vector_store_file = _blocking(AsyncStore.update_vector_store_file)
    detach_vector_store_file = _blocking(AsyncStore.detach_vector_store_file)
    list_vector_store_files = _blocking(AsyncStore.list_vector_store_files)
    vector_store_file_content = _blocking(AsyncStore.vector_store_file_content)
    create_file_batch = _blocking(AsyncStore.create_file_batch)
    get_file_batch = _blocking(AsyncStore.get_file_batch)
    cancel_file_batch = _blocking(AsyncStore.cancel_file_batch)
    list_file_batch_files = _blocking(AsyncStore.list_file_batch_files)
    pending_files = _blocking(AsyncStore.pending_files)
    claim = _blocking(AsyncStore.claim)
    is_pending = _blocking(AsyncStore.is_pending)
    parsed_text = _blocking(AsyncStore.parsed_text)
    record_ingestion = _blocking(AsyncStore.record_ingestion)

    def close(self) -> None:
        """Close the connections; the store is unusable afterwards."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
