"""v1 attachments of files to assistants.

* **Attachment cap.** ``max_files_per_assistant`` (default 20, as the v1 API allowed) bounds
  the live attachments of one assistant; attaching one more is an :class:`InvalidRequest`.
  ``0`` means unlimited. It is a v1 rule: vector stores have OpenAI's own limits.
* **Tombstones.** Detaching keeps the row with ``deleted_at`` set, so a cursor naming a
  detached file still has a position and a paging walk never skips or repeats an item.
* **Re-attach revives.** Attaching a detached file again revives its original row: same
  position, same ``created_at``. Each (assistant, file) pair thus has one position for ever and
  a cursor is never ambiguous; a re-attached file does not jump to the newest end.
* **Idempotent attach.** Attaching an attached file returns the existing object unchanged.
* **Stored JSON.** Each row keeps its object as JSON (``body``, :func:`..objects.attachment_body`),
  written with the row, in the index of live attachments: an attachment never changes after it
  is made (re-attaching revives the same ``created_at``), so a list page joins its rows' bodies
  instead of building and encoding 100 objects (:meth:`list_attachments_json`, what the list
  route answers; 65 against 87 us in-process). A row an older version's process wrote into a
  shared database has none; the listing spells it from the row (SQL ``attachment_body``).
* **Races.** Every write locks the assistant's row first (``FOR UPDATE``), so on PostgreSQL
  concurrent attaches from several processes count against the cap one at a time, and a
  listing's rows commit in ``seq`` order; SQLite's write transactions are exclusive anyway.
"""

from __future__ import annotations

from typing import Any, Unpack

import orjson

from ..db import new_id
from ..errors import InvalidRequest, NotFound
from ..objects import attachment_body, attachment_object, deleted_object
from ..pagination import PageArgs, page, rendered
from .base import StoreBase, next_timestamp, one, page_in, seq_or_none
from .sql import Conn

__all__ = ["AttachmentsMixin"]


class AttachmentsMixin(StoreBase):
    """Files attached to assistants, v1 style."""

    max_files_per_assistant: int

    async def attach(self, assistant_id: str, file_id: str) -> dict[str, Any]:
        """Attach a file to an assistant; attaching an attached file returns it unchanged."""
        return await self.runner.write(lambda conn: self._attach(conn, assistant_id, file_id))

    async def _attach(self, conn: Conn, assistant_id: str, file_id: str) -> dict[str, Any]:
        await self._require_assistant(conn, assistant_id, lock=True)
        # FOR SHARE: a concurrent deletion of the file waits for this attach, then detaches it too.
        purpose = await conn.one(
            "SELECT purpose FROM files WHERE id = ? AND deleted_at IS NULL FOR SHARE", (file_id,)
        )
        if purpose is None:
            raise NotFound("file", file_id, param="file_id")
        if purpose[0] != "assistants":
            raise InvalidRequest(
                f"File '{file_id}' has purpose '{purpose[0]}'; only files uploaded with "
                "purpose 'assistants' can be attached to an assistant.",
                param="file_id",
            )
        row = await conn.one(
            "SELECT seq, created_at, deleted_at FROM attachments WHERE assistant_id = ? AND file_id = ?",
            (assistant_id, file_id),
        )
        if row is not None and row[2] is None:
            return attachment_object(assistant_id, file_id, row[1])
        await self._check_cap(conn, assistant_id)
        if row is not None:
            await conn.run("UPDATE attachments SET deleted_at = NULL WHERE seq = ?", (row[0],))
            return attachment_object(assistant_id, file_id, row[1])
        created_at = await next_timestamp(conn, "attachments")
        await conn.run(
            "INSERT INTO attachments (assistant_id, file_id, created_at, body) VALUES (?, ?, ?, ?)",
            (assistant_id, file_id, created_at, attachment_body(assistant_id, file_id, created_at)),
        )
        return attachment_object(assistant_id, file_id, created_at)

    async def _check_cap(self, conn: Conn, assistant_id: str) -> None:
        cap = self.max_files_per_assistant
        if not cap:
            return
        row = await conn.one(
            "SELECT count(*) FROM attachments WHERE assistant_id = ? AND deleted_at IS NULL", (assistant_id,)
        )
        count = row[0] if row else 0
        if count >= cap:
            raise InvalidRequest(
                f"Assistant '{assistant_id}' already has the maximum of {cap} files attached; "
                f"detach one (DELETE /v1/assistants/{assistant_id}/files/{{file_id}}) before "
                "attaching another.",
                param="file_id",
                code="max_files_exceeded",
            )

    async def seed_attachments(
        self, assistant_id: str, count: int, *, filename: str = "seed.txt"
    ) -> list[str]:
        """Create ``count`` one-byte ``assistants`` files attached to ``assistant_id``, in one transaction.

        For demos, tests and benchmarks that need large listings: it bypasses the attachment cap.
        Returns the file ids in attachment order (oldest first).
        """
        file_ids = [new_id("file-") for _ in range(count)]

        async def seed(conn: Conn) -> None:
            await self._require_assistant(conn, assistant_id, lock=True)
            await conn.serialize("files")
            await conn.add_files(file_ids, filename, b"\x00")
            now = await next_timestamp(conn, "attachments")
            await conn.many(
                "INSERT INTO attachments (assistant_id, file_id, created_at, body) VALUES (?, ?, ?, ?)",
                [(assistant_id, f, now, attachment_body(assistant_id, f, now)) for f in file_ids],
            )

        await self.runner.write(seed)
        return file_ids

    async def detach(self, assistant_id: str, file_id: str) -> dict[str, Any]:
        """Detach a file; the file itself is kept. A file not attached is :class:`NotFound`."""

        async def detach(conn: Conn) -> None:
            await self._live_attachment(conn, assistant_id, file_id, lock=True)
            await conn.run(
                "UPDATE attachments SET deleted_at = ?"
                " WHERE assistant_id = ? AND file_id = ? AND deleted_at IS NULL",
                (await next_timestamp(conn, "attachments"), assistant_id, file_id),
            )

        await self.runner.write(detach)
        return deleted_object(file_id, "assistant.file.deleted")

    async def get_attachment(self, assistant_id: str, file_id: str) -> dict[str, Any]:
        """The assistant-file object of a live attachment."""
        return await self.runner.read(lambda conn: self._live_attachment(conn, assistant_id, file_id))

    async def list_attachments(self, assistant_id: str, **args: Unpack[PageArgs]) -> dict[str, Any]:
        """One page of an assistant's live attachments (see :mod:`..pagination`), as Python objects:
        the parse of :meth:`list_attachments_json`."""
        page_dict: dict[str, Any] = orjson.loads(await self.list_attachments_json(assistant_id, **args))
        return page_dict

    async def list_attachments_json(self, assistant_id: str, **args: Unpack[PageArgs]) -> bytes:
        """One page of an assistant's live attachments as the list route answers it: JSON, joined
        from the rows' stored bodies (see the module)."""

        async def listing(conn: Conn) -> dict[str, Any]:
            return await page_in(
                lambda: self._require_assistant(conn, assistant_id),
                page(
                    conn,
                    select="SELECT coalesce(body, attachment_body(assistant_id, file_id, created_at))"
                    " FROM attachments INDEXED BY attachments_live"
                    " WHERE assistant_id = ? AND deleted_at IS NULL",
                    params=(assistant_id,),
                    seq_of=lambda cursor: seq_or_none(
                        conn,
                        "SELECT seq FROM attachments WHERE assistant_id = ? AND file_id = ?",
                        assistant_id,
                        cursor,
                    ),
                    to_objects=rendered,
                    **args,
                ),
            )

        return orjson.dumps(await self.runner.read(listing))

    @staticmethod
    async def _require_assistant(conn: Conn, assistant_id: str, *, lock: bool = False) -> None:
        """The assistant must exist; ``lock`` holds its row until the write ends (see the module)."""
        await one(
            conn,
            "SELECT 1 FROM assistants WHERE id = ? FOR UPDATE"
            if lock
            else "SELECT 1 FROM assistants WHERE id = ?",
            (assistant_id,),
            NotFound("assistant", assistant_id),
        )

    async def _live_attachment(
        self, conn: Conn, assistant_id: str, file_id: str, *, lock: bool = False
    ) -> dict[str, Any]:
        if lock:  # a writer locks the assistant first, as every write does (see the module)
            await self._require_assistant(conn, assistant_id, lock=True)
        row = await conn.one(
            "SELECT created_at FROM attachments WHERE assistant_id = ? AND file_id = ? AND deleted_at IS NULL",
            (assistant_id, file_id),
        )
        if row is None:  # a missing assistant's 404 comes first (an attachment proves it exists)
            await self._require_assistant(conn, assistant_id)
            message = f"No file found with id '{file_id}' attached to assistant '{assistant_id}'."
            raise NotFound("file", file_id, message=message)
        return attachment_object(assistant_id, file_id, row[0])
