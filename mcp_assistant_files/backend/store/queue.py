"""The ingestion queue: the database itself. Pending files are rows whose status is
``in_progress``; an outcome is recorded with a conditional UPDATE, so a stale worker (the file
was detached, cancelled or attached again meanwhile) or a second process changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..text import ParsedText, Unreadable
from ..vector_store_validation import Chunking
from .files import FilesMixin

__all__ = ["PendingFile", "QueueMixin"]


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

    def pending_files(self, limit: int = 64) -> list[PendingFile]:
        """Up to ``limit`` files waiting to be ingested, oldest first."""
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT v.seq, v.attempt, v.vector_store_id, v.file_id, f.seq, f.bytes,"
                " v.max_chunk_size_tokens, v.chunk_overlap_tokens"
                " FROM vector_store_files AS v INDEXED BY vector_store_files_pending"
                " JOIN files AS f ON f.id = v.file_id"
                " WHERE v.status = 'in_progress' AND v.deleted_at IS NULL ORDER BY v.seq LIMIT ?",
                (limit,),
            ).fetchall()
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

    def is_pending(self, job: PendingFile) -> bool:
        """Whether ``job`` still waits (no other worker finished it, nobody detached it)."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT 1 FROM vector_store_files WHERE seq = ? AND attempt = ?"
                " AND status = 'in_progress' AND deleted_at IS NULL",
                (job.seq, job.attempt),
            ).fetchone()
        return row is not None

    def parsed_text(self, file_id: str) -> ParsedText | None:
        """The text an earlier ingestion of this file recorded, if any."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT text, utf8_bytes FROM file_texts WHERE file_id = ?", (file_id,)
            ).fetchone()
        return None if row is None else ParsedText(row[0], row[1])

    def file_pieces(self, job: PendingFile) -> Iterator[bytes]:
        """The bytes of ``job``'s file, in pieces."""
        return self._chunks(job.file_seq, job.size)

    def record_ingestion(self, job: PendingFile, outcome: ParsedText | Unreadable) -> bool:
        """Record ``job``'s outcome; ``False`` when the file no longer waits for this attempt."""
        with self.db.write() as conn:
            if isinstance(outcome, Unreadable):
                values: tuple[object, ...] = ("failed", 0, outcome.code, outcome.message)
            else:
                values = ("completed", outcome.utf8_bytes, None, None)
                conn.execute(
                    "INSERT OR IGNORE INTO file_texts (file_id, text, utf8_bytes)"
                    " SELECT id, ?, ? FROM files WHERE id = ? AND deleted_at IS NULL",
                    (outcome.text, outcome.utf8_bytes, job.file_id),
                )
            changed = conn.execute(
                "UPDATE vector_store_files SET status = ?, usage_bytes = ?, error_code = ?, error_message = ?"
                " WHERE seq = ? AND attempt = ? AND status = 'in_progress' AND deleted_at IS NULL",
                (*values, job.seq, job.attempt),
            ).rowcount
        return changed == 1
