"""The ingestion worker: turns attached vector-store files from ``in_progress`` into
``completed`` (text parsed, ``usage_bytes`` counted) or ``failed`` (``last_error`` set).

The database is the queue (see :mod:`.store.queue`): a worker killed mid-way leaves its files
``in_progress`` and the next worker, in any process, picks them up; recording an outcome is a
conditional UPDATE, so two processes working on one database never corrupt a row (the second
to finish a file changes nothing). Each worker takes pending files in its own random order, so
several processes mostly work on different files; on PostgreSQL a worker also claims a file
before reading it, so no two work on one file at once.

Standalone (``run_backend``, ``serve_in_thread``) the app's lifespan runs the worker. Embedded
(the app called in-process through ``httpx2.ASGITransport``, which runs no lifespan) the
embedder runs it::

    ingestor = Ingestor(store)
    async with ingestor.running():   # or: task_group.start_soon(ingestor.run)
        ...                          # serve; attaching a file wakes the worker at once

The worker also looks at the database every ``poll_interval`` seconds, for files that other
processes attached.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread

from .defaults import DEFAULT_POLL_INTERVAL
from .errors import DatabaseUnavailable
from .text import ParsedText, Unreadable, decode

if TYPE_CHECKING:  # only annotations here: the store is opened by whoever runs the worker
    from .store import PendingFile, Store

__all__ = ["Ingestor"]

logger = logging.getLogger("mcp_assistant_files.backend.ingestion")


def _nothing() -> None:
    """The checkpoint of :meth:`Ingestor.process_pending`: it is never cancelled."""


class Ingestor:
    """Ingests the pending files of ``store``: :meth:`run` in the background, or :meth:`process_pending`."""

    def __init__(self, store: Store, *, poll_interval: float = DEFAULT_POLL_INTERVAL) -> None:
        if not poll_interval > 0:
            raise ValueError("poll_interval must be a positive number of seconds")
        self.store = store
        self.poll_interval = poll_interval
        self._random = random.Random()
        self._wakeup: anyio.Event | None = None
        self._token: anyio.lowlevel.EventLoopToken | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def process_pending(self) -> int:
        """Ingest every file waiting now, in this thread; return how many outcomes it recorded."""
        return self._process(_nothing)

    async def run(self) -> None:
        """Ingest files as they are attached, until cancelled (then after the current file)."""
        self._token = anyio.lowlevel.current_token()
        with contextlib.suppress(RuntimeError):  # not asyncio (trio): wake() uses the token
            self._loop = asyncio.get_running_loop()
        self.store.add_pending_listener(self.wake)
        try:
            while True:
                self._wakeup = anyio.Event()
                try:
                    await anyio.to_thread.run_sync(self._process, anyio.from_thread.check_cancelled)
                except Exception:
                    logger.exception("ingestion failed; trying again in %s s", self.poll_interval)
                with anyio.move_on_after(self.poll_interval):
                    await self._wakeup.wait()
        finally:
            self.store.remove_pending_listener(self.wake)
            self._token = self._wakeup = self._loop = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Ingestor]:
        """Run :meth:`run` in the background for the duration of the ``async with`` block."""
        async with anyio.create_task_group() as group:
            group.start_soon(self.run)
            try:
                yield self
            finally:
                group.cancel_scope.cancel()

    def wake(self) -> None:
        """Ask a running :meth:`run` to look for files now; callable from any thread, never blocks
        on asyncio (the writer that calls it does not wait for the worker's event loop)."""
        token, wakeup, loop = self._token, self._wakeup, self._loop
        if token is None or wakeup is None:
            return
        try:
            if loop is not None:
                loop.call_soon_threadsafe(wakeup.set)
            else:
                anyio.from_thread.run_sync(wakeup.set, token=token)
        except RuntimeError:
            logger.debug("the ingestion worker's event loop is gone; not woken")

    def _process(self, checkpoint: Callable[[], None]) -> int:
        recorded = 0
        while jobs := self.store.pending_files():
            self._random.shuffle(jobs)
            claimed = 0
            for job in jobs:
                checkpoint()
                if not self.store.claim(job):
                    continue
                claimed += 1
                try:
                    outcome = self._ingest(job, checkpoint)
                    recorded += self.store.record_ingestion(job, outcome)
                finally:
                    self.store.release(job)
            if not claimed:
                break  # other workers hold every waiting file: look again after the poll interval
        return recorded

    def _ingest(self, job: PendingFile, checkpoint: Callable[[], None]) -> ParsedText | Unreadable:
        logger.debug("ingesting %s of %s (attempt %d)", job.file_id, job.vector_store_id, job.attempt)
        cached = self.store.parsed_text(job.file_id)
        if cached is not None:
            return cached

        def pieces() -> Iterator[bytes]:
            for piece in self.store.file_pieces(self.store.job_content(job)):
                checkpoint()
                yield piece

        try:
            return decode(pieces, job.size)
        except Unreadable as unreadable:
            logger.debug("%s of %s failed: %s", job.file_id, job.vector_store_id, unreadable.message)
            return unreadable
        except (sqlite3.OperationalError, DatabaseUnavailable):
            raise  # the database is busy or gone: the file stays pending and is tried again
        except Exception:
            logger.exception("ingesting %s of %s failed", job.file_id, job.vector_store_id)
            return Unreadable(
                "server_error",
                "The file could not be ingested because of an error in the backend (see its log).",
            )
