"""Vector stores: create (attaching ``file_ids``), get, list, update, delete.

A store's ``file_counts``, ``usage_bytes`` and ``status`` follow from its live files: it is
``in_progress`` while one of them is, ``completed`` otherwise, and ``expired`` once
``expires_after`` days have passed since ``last_active_at`` (bumped by every write to the store
or its files). Expiry is reported, not enforced: an expired store keeps its files and can be
used, which makes it active again. Deleting a store deletes its file rows and batches; the
files themselves are kept.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Sequence
from dataclasses import astuple
from typing import Any, Unpack

from ..db import new_id
from ..errors import NotFound
from ..objects import VECTOR_STORE_COLUMNS, deleted_object, vector_store_object
from ..pagination import PageArgs, each
from ..text import decode
from ..vector_store_validation import Chunking, VectorStoreSpec, vector_store_spec
from .base import next_timestamp, one, page_by_id
from .sql import Conn
from .vector_store_files import VectorStoreFilesMixin

__all__ = ["VectorStoresMixin"]


class VectorStoresMixin(VectorStoreFilesMixin):
    """Vector stores, with counts of their files by status."""

    async def create_vector_store(
        self, name: str = "", *, file_ids: Sequence[str] = (), metadata: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Create a vector store (validated as ``POST /v1/vector_stores`` is), attaching ``file_ids``."""
        return await self.create_vector_store_from(
            vector_store_spec({"name": name, "file_ids": list(file_ids), "metadata": metadata})
        )

    async def create_vector_store_from(self, spec: VectorStoreSpec) -> dict[str, Any]:
        """Create a vector store from validated fields, attaching its files in the same transaction."""
        vector_store_id = new_id("vs_")

        async def create(conn: Conn) -> dict[str, Any]:
            await conn.serialize("vector_stores")
            now = await next_timestamp(conn, "vector_stores")
            await conn.run(
                "INSERT INTO vector_stores (id, created_at, name, description, metadata,"
                " expires_after_days, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    vector_store_id,
                    now,
                    spec.name,
                    spec.description,
                    json.dumps(spec.metadata),
                    spec.expires_after_days,
                    now,
                ),
            )
            for index, attach in enumerate(spec.files):
                await self._attach_file(conn, vector_store_id, attach, None, param=f"file_ids[{index}]")
            return await self._vector_store(conn, vector_store_id)

        created = await self.runner.write(create)
        if spec.files:
            self._notify_pending()
        return created

    async def list_vector_stores(self, **args: Unpack[PageArgs]) -> dict[str, Any]:
        """One page of vector stores (see :mod:`..pagination`)."""

        async def listing(conn: Conn) -> dict[str, Any]:
            to_objects = each(functools.partial(self._vector_store_object, conn))
            return await page_by_id(
                conn, "vector_stores", VECTOR_STORE_COLUMNS, to_objects, args, where="deleted_at IS NULL"
            )

        return await self.runner.read(listing)

    async def get_vector_store(self, vector_store_id: str) -> dict[str, Any]:
        """The vector store object, with its files' counts."""
        return await self.runner.read(lambda conn: self._vector_store(conn, vector_store_id))

    async def update_vector_store(self, vector_store_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change ``name``, ``metadata`` and/or ``expires_after_days`` (validated; see the app)."""
        columns = {key: json.dumps(value) if key == "metadata" else value for key, value in changes.items()}

        async def update(conn: Conn) -> dict[str, Any]:
            await self._require_vector_store(conn, vector_store_id, lock=True)
            for column, value in columns.items():
                sql = f"UPDATE vector_stores SET {column} = ? WHERE id = ?"  # noqa: S608
                await conn.run(sql, (value, vector_store_id))
            await self._touch(conn, vector_store_id)
            return await self._vector_store(conn, vector_store_id)

        return await self.runner.write(update)

    async def delete_vector_store(self, vector_store_id: str) -> dict[str, Any]:
        """Delete a vector store, its file rows and batches; the files themselves are kept."""

        async def delete(conn: Conn) -> None:
            await self._require_vector_store(conn, vector_store_id, lock=True)
            await conn.run(
                "UPDATE vector_stores SET deleted_at = ? WHERE id = ?", (int(time.time()), vector_store_id)
            )
            await conn.run("DELETE FROM vector_store_files WHERE vector_store_id = ?", (vector_store_id,))
            await conn.run(
                "DELETE FROM vector_store_file_batches WHERE vector_store_id = ?", (vector_store_id,)
            )

        await self.runner.write(delete)
        return deleted_object(vector_store_id, "vector_store.deleted")

    async def seed_vector_store_files(
        self,
        vector_store_id: str,
        count: int,
        *,
        data: bytes = b"seed text\n",
        filename: str = "seed.txt",
        ingested: bool = True,
    ) -> list[str]:
        """Create ``count`` files holding ``data``, attached to ``vector_store_id``, in one transaction.

        For demos, tests and benchmarks that need large listings: it bypasses the store's
        capacity. ``ingested`` records them ``completed`` at once (``data`` must be text);
        otherwise they are ``in_progress`` for the ingestion worker. Returns the file ids in
        attachment order (oldest first).
        """
        parsed = decode(lambda: [data], len(data)) if ingested else None
        file_ids = [new_id("file-") for _ in range(count)]

        async def seed(conn: Conn) -> None:
            await self._require_vector_store(conn, vector_store_id, lock=True)
            await conn.serialize("files")
            await conn.add_files(file_ids, filename, data)
            if parsed is not None:
                await conn.many(
                    "INSERT INTO file_texts (file_id, text, utf8_bytes) VALUES (?, ?, ?)",
                    [(file_id, parsed.text, parsed.utf8_bytes) for file_id in file_ids],
                )
            now = await next_timestamp(conn, "vector_store_files")
            status, usage = ("completed", parsed.utf8_bytes) if parsed else ("in_progress", 0)
            chunking = Chunking()
            await conn.many(
                "INSERT INTO vector_store_files (vector_store_id, file_id, created_at, status, attempt,"
                " usage_bytes, max_chunk_size_tokens, chunk_overlap_tokens, attributes)"
                " VALUES (?, ?, ?, ?, 1, ?, ?, ?, '{}')",
                [(vector_store_id, file_id, now, status, usage, *astuple(chunking)) for file_id in file_ids],
            )

        await self.runner.write(seed)
        if parsed is None:
            self._notify_pending()
        return file_ids

    async def _vector_store(self, conn: Conn, vector_store_id: str) -> dict[str, Any]:
        sql = f"SELECT {VECTOR_STORE_COLUMNS} FROM vector_stores WHERE id = ? AND deleted_at IS NULL"  # noqa: S608
        row = await one(conn, sql, (vector_store_id,), NotFound("vector store", vector_store_id))
        return await self._vector_store_object(conn, row)

    @staticmethod
    async def _vector_store_object(conn: Conn, row: Sequence[Any]) -> dict[str, Any]:
        totals = await conn.all(
            "SELECT status, count(*), sum(usage_bytes) FROM vector_store_files"
            " WHERE vector_store_id = ? AND deleted_at IS NULL GROUP BY status",
            (row[0],),
        )
        return vector_store_object(
            row, {status: count for status, count, _ in totals}, sum(int(usage) for *_, usage in totals)
        )
