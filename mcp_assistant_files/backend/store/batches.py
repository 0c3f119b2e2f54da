"""File batches: attach many files at once, count them by status, cancel them.

A file belongs to the batch that last attached it (a later single attach or batch takes it).
A batch's counts are over its files still in the store. Cancelling turns its ``in_progress``
files ``cancelled`` (ingestion then skips them); cancelling a cancelled batch changes nothing,
and a batch with nothing left in progress cannot be cancelled.
"""

from __future__ import annotations

import time
from typing import Any, Unpack

from ...contract import VectorStoreFileStatus
from ..db import new_id
from ..errors import InvalidRequest, NotFound
from ..objects import batch_object
from ..pagination import PageArgs
from ..vector_store_validation import FileBatchSpec
from .base import next_timestamp, one
from .sql import Conn
from .vector_store_files import VectorStoreFilesMixin

__all__ = ["BatchesMixin"]


class BatchesMixin(VectorStoreFilesMixin):
    """Batches of files attached to a vector store in one request."""

    async def create_file_batch(self, vector_store_id: str, spec: FileBatchSpec) -> dict[str, Any]:
        """Attach the files as one batch (all or nothing); errors name ``spec.param[index]``."""
        batch_id = new_id("vsfb_")

        async def create(conn: Conn) -> dict[str, Any]:
            await self._require_vector_store(conn, vector_store_id, lock=True)
            await conn.run(
                "INSERT INTO vector_store_file_batches (id, vector_store_id, created_at) VALUES (?, ?, ?)",
                (batch_id, vector_store_id, await next_timestamp(conn, "vector_store_file_batches")),
            )
            for index, attach in enumerate(spec.files):
                param = f"{spec.param}[{index}]"
                await self._attach_file(conn, vector_store_id, attach, batch_id, param=param)
            await self._check_capacity(conn, vector_store_id, param=spec.param)
            await self._touch(conn, vector_store_id)
            return await self._batch(conn, vector_store_id, batch_id)

        created = await self.runner.write(create)
        self._notify_pending()
        return created

    async def get_file_batch(self, vector_store_id: str, batch_id: str) -> dict[str, Any]:
        """The batch object, with its files' counts."""
        return await self.runner.read(lambda conn: self._batch(conn, vector_store_id, batch_id))

    async def cancel_file_batch(self, vector_store_id: str, batch_id: str) -> dict[str, Any]:
        """Cancel the batch's files still in progress."""
        return await self.runner.write(lambda conn: self._cancel(conn, vector_store_id, batch_id))

    async def _cancel(self, conn: Conn, vector_store_id: str, batch_id: str) -> dict[str, Any]:
        found = await self._batch(conn, vector_store_id, batch_id, lock=True)
        if found["status"] == "cancelled":
            return found
        if not found["file_counts"]["in_progress"]:
            raise InvalidRequest(
                f"Batch '{batch_id}' has no files in progress (its status is '{found['status']}'): "
                "there is nothing to cancel.",
                param="batch_id",
            )
        await conn.run(
            "UPDATE vector_store_file_batches SET cancelled_at = ? WHERE id = ?",
            (int(time.time()), batch_id),
        )
        await conn.run(
            "UPDATE vector_store_files SET status = 'cancelled'"
            " WHERE batch_id = ? AND status = 'in_progress' AND deleted_at IS NULL",
            (batch_id,),
        )
        await self._touch(conn, vector_store_id)
        return await self._batch(conn, vector_store_id, batch_id)

    async def list_file_batch_files(
        self,
        vector_store_id: str,
        batch_id: str,
        *,
        filter: VectorStoreFileStatus | None = None,
        **args: Unpack[PageArgs],
    ) -> dict[str, Any]:
        """One page of the batch's files, optionally only those with status ``filter``."""

        async def listing(conn: Conn) -> dict[str, Any]:
            await self._batch(conn, vector_store_id, batch_id)
            return await self._list_files(conn, vector_store_id, filter, batch_id, args)

        return await self.runner.read(listing)

    async def _batch(
        self, conn: Conn, vector_store_id: str, batch_id: str, *, lock: bool = False
    ) -> dict[str, Any]:
        await self._require_vector_store(conn, vector_store_id, lock=lock)
        message = f"No file batch found with id '{batch_id}' in vector store '{vector_store_id}'."
        row = await one(
            conn,
            "SELECT id, created_at, vector_store_id, cancelled_at FROM vector_store_file_batches"
            " WHERE id = ? AND vector_store_id = ?",
            (batch_id, vector_store_id),
            NotFound("file batch", batch_id, message=message),
        )
        counts = await conn.all(
            "SELECT status, count(*) FROM vector_store_files"
            " WHERE batch_id = ? AND deleted_at IS NULL GROUP BY status",
            (batch_id,),
        )
        return batch_object(row, dict(counts), cancelled=row[3] is not None)
