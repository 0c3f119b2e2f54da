"""The ingestion queue: the database itself. Pending files are rows whose status is
``in_progress``; an outcome is recorded with a conditional UPDATE, so a stale worker (the file
was detached, cancelled or attached again meanwhile) or a second process changes nothing.

A worker claims a file before reading it (:meth:`QueueMixin.claim`): on PostgreSQL a session
advisory lock on the file's row, so workers in several processes never process one file at
once, and a worker that dies (its connection closes) frees its claim at once. On SQLite the
claim is the check that the file still waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..text import ParsedText, Unreadable
from ..vector_store_validation import Chunking
from .files import FileContent, FilesMixin
from .sql import Conn

__all__ = ["Claims", "NoClaims", "PendingFile", "QueueMixin"]


class Claims(Protocol):
    """Exclusive claims on pending files, across processes (blocking calls, for the worker thread)."""

    def try_claim(self, seq: int) -> bool:
        """Claim the file row ``seq``; ``False`` if another worker holds it."""

    def release(self, seq: int) -> None:
        """Give the claim back."""


class NoClaims:
    """Claims for a database whose writers are serial anyway (SQLite): always granted."""

    def try_claim(self, seq: int) -> bool:
        return True

    def release(self, seq: int) -> None:
        """Nothing to give back."""


@dataclass(frozen=True)
class PendingFile:
    """One vector-store file waiting to be ingested, as of one attempt."""

    seq: int
    attempt: int
    vector_store_id: str
    file_id: str
    file_seq: int
    size: int
    chunking: Chunking


class QueueMixin(FilesMixin):
    """What the ingestion worker reads and writes."""

    claims: Claims

    async def pending_files(self, limit: int = 64) -> list[PendingFile]:
        """Up to ``limit`` files waiting to be ingested, oldest first."""
        rows = await self.runner.read(
            lambda conn: conn.all(
                "SELECT v.seq, v.attempt, v.vector_store_id, v.file_id, f.seq, f.bytes,"
                " v.max_chunk_size_tokens, v.chunk_overlap_tokens"
                " FROM vector_store_files AS v INDEXED BY vector_store_files_pending"
                " JOIN files AS f ON f.id = v.file_id"
                " WHERE v.status = 'in_progress' AND v.deleted_at IS NULL ORDER BY v.seq LIMIT ?",
                (limit,),
            )
        )
        return [
            PendingFile(
                seq=row[0],
                attempt=row[1],
                vector_store_id=row[2],
                file_id=row[3],
                file_seq=row[4],
                size=row[5],
                chunking=Chunking(row[6], row[7]),
            )
            for row in rows
        ]

    async def claim(self, job: PendingFile) -> bool:
        """Claim ``job`` if it still waits and no other worker holds it; :meth:`release` it after."""
        if not self.claims.try_claim(job.seq):
            return False
        if await self.is_pending(job):
            return True
        self.claims.release(job.seq)
        return False

    def release(self, job: PendingFile) -> None:
        """Give back the claim on ``job``."""
        self.claims.release(job.seq)

    async def is_pending(self, job: PendingFile) -> bool:
        """Whether ``job`` still waits (no other worker finished it, nobody detached it)."""
        row = await self.runner.read(
            lambda conn: conn.one(
                "SELECT 1 FROM vector_store_files WHERE seq = ? AND attempt = ?"
                " AND status = 'in_progress' AND deleted_at IS NULL",
                (job.seq, job.attempt),
            )
        )
        return row is not None

    async def parsed_text(self, file_id: str) -> ParsedText | None:
        """The text an earlier ingestion of this file recorded, if any."""
        row = await self.runner.read(
            lambda conn: conn.one("SELECT text, utf8_bytes FROM file_texts WHERE file_id = ?", (file_id,))
        )
        return None if row is None else ParsedText(row[0], row[1])

    @staticmethod
    def job_content(job: PendingFile) -> FileContent:
        """Where ``job``'s bytes are (read them with ``piece``)."""
        return FileContent(job.file_id, "", job.size, job.file_seq)

    async def record_ingestion(self, job: PendingFile, outcome: ParsedText | Unreadable) -> bool:
        """Record ``job``'s outcome; ``False`` when the file no longer waits for this attempt."""

        async def record(conn: Conn) -> int:
            if isinstance(outcome, Unreadable):
                values: tuple[object, ...] = ("failed", 0, outcome.code, outcome.message)
            else:
                values = ("completed", outcome.utf8_bytes, None, None)
                await conn.run(
                    "INSERT INTO file_texts (file_id, text, utf8_bytes)"
                    " SELECT id, ?, ? FROM files WHERE id = ? AND deleted_at IS NULL ON CONFLICT DO NOTHING",
                    (outcome.text, outcome.utf8_bytes, job.file_id),
                )
            return await conn.run(
                "UPDATE vector_store_files SET status = ?, usage_bytes = ?, error_code = ?, error_message = ?"
                " WHERE seq = ? AND attempt = ? AND status = 'in_progress' AND deleted_at IS NULL",
                (*values, job.seq, job.attempt),
            )

        return await self.runner.write(record) == 1
