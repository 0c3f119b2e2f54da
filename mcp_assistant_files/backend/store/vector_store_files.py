"""Files attached to vector stores: attach, read, update attributes, detach, list, content.

Decisions (the contract is silent on them):

* **Attach states the wanted state.** Attaching a file already attached re-uses its row:
  attributes sent replace the old ones (``{}`` or ``null`` clears them), attributes not sent
  leave them as they are, and the request's batch (or none) becomes the file's batch.
  If the file had failed or was cancelled, or the chunking strategy differs, it is ingested
  again; otherwise its status is kept. Attaching twice is therefore harmless.
* **Re-attach re-ingests, in place.** Detaching keeps the row as a tombstone (cursors naming it
  keep their place); attaching the file again revives that row (same position and
  ``created_at``) with ``in_progress`` status and only the attributes sent, and it is ingested
  again.
* **Capacity.** A vector store holds at most 10,000 live files (OpenAI's limit); a request
  that would exceed it changes nothing.
* **Races.** Every write to a store's files locks the store's row first (``FOR UPDATE``): on
  PostgreSQL writers in several processes take turns per store, so the capacity holds exactly,
  attach stays idempotent and a listing's rows commit in ``seq`` order.
"""

from __future__ import annotations

import json
import time
from typing import Any, Unpack

from ...contract import MAX_FILES_PER_VECTOR_STORE, VECTOR_STORE_FILE_PURPOSES, VectorStoreFileStatus
from ..errors import InvalidRequest, NotFound
from ..objects import VECTOR_STORE_FILE_COLUMNS, deleted_object, vector_store_file_object
from ..pagination import PageArgs, each, page
from ..text import pages
from ..vector_store_validation import Attributes, Chunking, FileAttach
from .base import StoreBase, next_timestamp, one, page_in, seq_or_none
from .sql import Conn

__all__ = ["VectorStoreFilesMixin"]

_LIVE = "vector_store_id = ? AND file_id = ? AND deleted_at IS NULL"


class VectorStoreFilesMixin(StoreBase):
    """The files of each vector store, with their ingestion status."""

    async def attach_vector_store_file(self, vector_store_id: str, attach: FileAttach) -> dict[str, Any]:
        """Attach a file (``in_progress`` until ingested); see the module's decisions."""

        async def attach_file(conn: Conn) -> dict[str, Any]:
            await self._require_vector_store(conn, vector_store_id, lock=True)
            await self._attach_file(conn, vector_store_id, attach, None, param="file_id")
            await self._check_capacity(conn, vector_store_id, param="file_id")
            await self._touch(conn, vector_store_id)
            return await self._vector_store_file(conn, vector_store_id, attach.file_id)

        created = await self.runner.write(attach_file)
        if created["status"] == "in_progress":
            self._notify_pending()
        return created

    async def get_vector_store_file(self, vector_store_id: str, file_id: str) -> dict[str, Any]:
        """The vector-store file object of a file attached to the store."""
        return await self.runner.read(lambda conn: self._vector_store_file(conn, vector_store_id, file_id))

    async def update_vector_store_file(
        self, vector_store_id: str, file_id: str, attributes: Attributes
    ) -> dict[str, Any]:
        """Replace an attached file's attributes (``{}`` clears them)."""

        async def update(conn: Conn) -> dict[str, Any]:
            await self._vector_store_file(conn, vector_store_id, file_id, lock=True)
            await conn.run(
                f"UPDATE vector_store_files SET attributes = ? WHERE {_LIVE}",  # noqa: S608
                (json.dumps(attributes), vector_store_id, file_id),
            )
            await self._touch(conn, vector_store_id)
            return await self._vector_store_file(conn, vector_store_id, file_id)

        return await self.runner.write(update)

    async def detach_vector_store_file(self, vector_store_id: str, file_id: str) -> dict[str, Any]:
        """Remove a file from a vector store; the file itself is kept."""

        async def detach(conn: Conn) -> None:
            await self._vector_store_file(conn, vector_store_id, file_id, lock=True)
            await conn.run(
                f"UPDATE vector_store_files SET deleted_at = ? WHERE {_LIVE}",  # noqa: S608
                (int(time.time()), vector_store_id, file_id),
            )
            await self._touch(conn, vector_store_id)

        await self.runner.write(detach)
        return deleted_object(file_id, "vector_store.file.deleted")

    async def list_vector_store_files(
        self,
        vector_store_id: str,
        *,
        filter: VectorStoreFileStatus | None = None,
        **args: Unpack[PageArgs],
    ) -> dict[str, Any]:
        """One page of a vector store's files, optionally only those with status ``filter``."""

        async def listing(conn: Conn) -> dict[str, Any]:
            return await page_in(
                lambda: self._require_vector_store(conn, vector_store_id),
                self._list_files(conn, vector_store_id, filter, None, args),
            )

        return await self.runner.read(listing)

    async def vector_store_file_content(self, vector_store_id: str, file_id: str) -> dict[str, Any]:
        """The parsed text of an ingested file, one page per chunk (overlaps left out)."""
        found, text = await self.runner.read(
            lambda conn: self._parsed_text(conn, vector_store_id, file_id), heavy=True
        )
        static = found["chunking_strategy"]["static"]
        chunking = Chunking(static["max_chunk_size_tokens"], static["chunk_overlap_tokens"])
        return {
            "object": "vector_store.file_content.page",
            "data": [{"type": "text", "text": part} for part in pages(text, chunking)],
            "has_more": False,
            "next_page": None,
        }

    async def _parsed_text(
        self, conn: Conn, vector_store_id: str, file_id: str
    ) -> tuple[dict[str, Any], str]:
        found = await self._vector_store_file(conn, vector_store_id, file_id)
        if found["status"] != "completed":
            reason = found["last_error"]["message"] if found["last_error"] else ""
            raise InvalidRequest(
                f"File '{file_id}' has no parsed content: its status is '{found['status']}'. "
                + (reason or "Poll the file until its status is 'completed', then ask again."),
                param="file_id",
            )
        (text,) = await one(
            conn, "SELECT text FROM file_texts WHERE file_id = ?", (file_id,), NotFound("file", file_id)
        )
        return found, str(text)

    # -- shared with vector stores and batches ----------------------------------------------

    async def _attach_file(
        self,
        conn: Conn,
        vector_store_id: str,
        attach: FileAttach,
        batch_id: str | None,
        *,
        param: str,
    ) -> None:
        # FOR SHARE: a concurrent deletion of the file waits for this attach, then detaches it too.
        purpose = await conn.one(
            "SELECT purpose FROM files WHERE id = ? AND deleted_at IS NULL FOR SHARE", (attach.file_id,)
        )
        if purpose is None:
            raise NotFound("file", attach.file_id, param=param)
        if purpose[0] not in VECTOR_STORE_FILE_PURPOSES:
            raise InvalidRequest(
                f"File '{attach.file_id}' has purpose '{purpose[0]}'; a vector store takes files "
                f"uploaded with purpose {' or '.join(repr(p) for p in sorted(VECTOR_STORE_FILE_PURPOSES))}.",
                param=param,
            )
        chunking = attach.chunking
        attributes = None if attach.attributes is None else json.dumps(attach.attributes)
        row = await conn.one(
            "SELECT seq, status, deleted_at, max_chunk_size_tokens, chunk_overlap_tokens"
            " FROM vector_store_files WHERE vector_store_id = ? AND file_id = ?",
            (vector_store_id, attach.file_id),
        )
        if row is None:
            await conn.run(
                "INSERT INTO vector_store_files (vector_store_id, file_id, created_at, batch_id, status,"
                " attempt, usage_bytes, max_chunk_size_tokens, chunk_overlap_tokens, attributes)"
                " VALUES (?, ?, ?, ?, 'in_progress', 1, 0, ?, ?, ?)",
                (
                    vector_store_id,
                    attach.file_id,
                    await next_timestamp(conn, "vector_store_files"),
                    batch_id,
                    chunking.max_chunk_size_tokens,
                    chunking.chunk_overlap_tokens,
                    attributes or "{}",
                ),
            )
            return
        seq, status, deleted_at, *recorded = row
        if deleted_at is not None and attributes is None:
            attributes = "{}"  # a detached file's attributes went with it
        if deleted_at is None and status in ("in_progress", "completed") and Chunking(*recorded) == chunking:
            await conn.run(
                "UPDATE vector_store_files SET attributes = COALESCE(?, attributes), batch_id = ? WHERE seq = ?",
                (attributes, batch_id, seq),
            )
            return
        await conn.run(
            "UPDATE vector_store_files SET status = 'in_progress', attempt = attempt + 1, usage_bytes = 0,"
            " error_code = NULL, error_message = NULL, deleted_at = NULL, batch_id = ?,"
            " max_chunk_size_tokens = ?, chunk_overlap_tokens = ?, attributes = COALESCE(?, attributes)"
            " WHERE seq = ?",
            (batch_id, chunking.max_chunk_size_tokens, chunking.chunk_overlap_tokens, attributes, seq),
        )

    @staticmethod
    async def _check_capacity(conn: Conn, vector_store_id: str, *, param: str) -> None:
        row = await conn.one(
            "SELECT count(*) FROM vector_store_files WHERE vector_store_id = ? AND deleted_at IS NULL",
            (vector_store_id,),
        )
        count = row[0] if row else 0
        if count > MAX_FILES_PER_VECTOR_STORE:
            raise InvalidRequest(
                f"Vector store '{vector_store_id}' would hold {count} files; the maximum is "
                f"{MAX_FILES_PER_VECTOR_STORE}. Detach files or use another vector store.",
                param=param,
                code="max_files_exceeded",
            )

    @staticmethod
    async def _require_vector_store(conn: Conn, vector_store_id: str, *, lock: bool = False) -> None:
        """The store must exist; ``lock`` holds its row until the write ends (see the module)."""
        sql = (
            "SELECT 1 FROM vector_stores WHERE id = ? AND deleted_at IS NULL FOR UPDATE"
            if lock
            else "SELECT 1 FROM vector_stores WHERE id = ? AND deleted_at IS NULL"
        )
        await one(conn, sql, (vector_store_id,), NotFound("vector store", vector_store_id))

    @staticmethod
    async def _touch(conn: Conn, vector_store_id: str) -> None:
        now = int(time.time())
        await conn.run(
            "UPDATE vector_stores SET last_active_at = ? WHERE id = ? AND last_active_at < ?",
            (now, vector_store_id, now),
        )

    async def _vector_store_file(
        self, conn: Conn, vector_store_id: str, file_id: str, *, lock: bool = False
    ) -> dict[str, Any]:
        if lock:  # a writer locks the vector store first, as every write does (see the module)
            await self._require_vector_store(conn, vector_store_id, lock=True)
        row = await conn.one(
            f"SELECT {VECTOR_STORE_FILE_COLUMNS} FROM vector_store_files WHERE {_LIVE}",  # noqa: S608
            (vector_store_id, file_id),
        )
        if row is None:  # a missing vector store's 404 comes first (a file row proves it exists)
            await self._require_vector_store(conn, vector_store_id)
            raise NotFound(
                "file",
                file_id,
                message=f"No file found with id '{file_id}' in vector store '{vector_store_id}'.",
            )
        return vector_store_file_object(row)

    @staticmethod
    async def _list_files(
        conn: Conn,
        vector_store_id: str,
        status: str | None,
        batch_id: str | None,
        args: PageArgs,
    ) -> dict[str, Any]:
        return await page(
            conn,
            select=f"SELECT {VECTOR_STORE_FILE_COLUMNS} FROM vector_store_files"  # noqa: S608
            " WHERE vector_store_id = ? AND deleted_at IS NULL"
            " AND (CAST(? AS TEXT) IS NULL OR status = ?) AND (CAST(? AS TEXT) IS NULL OR batch_id = ?)",
            params=(vector_store_id, status, status, batch_id, batch_id),
            seq_of=lambda cursor: seq_or_none(
                conn,
                "SELECT seq FROM vector_store_files WHERE vector_store_id = ? AND file_id = ?",
                vector_store_id,
                cursor,
            ),
            to_objects=each(vector_store_file_object),
            **args,
        )
