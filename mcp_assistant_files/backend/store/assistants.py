"""Assistants: create, get and list (their files are in :mod:`.attachments`)."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any, Unpack

from ..db import new_id
from ..errors import NotFound
from ..objects import assistant_object
from ..pagination import PageArgs, each
from ..validation import AssistantSpec
from .attachments import AttachmentsMixin
from .base import next_timestamp, one, page_by_id
from .sql import Conn

__all__ = ["AssistantsMixin"]

_ASSISTANT_COLUMNS = "id, created_at, name, description, model, instructions, tools, metadata"


class AssistantsMixin(AttachmentsMixin):
    """Assistants, each with the ``file_ids`` of its live attachments."""

    async def create_assistant(
        self,
        name: str | None = None,
        model: str = "gpt-4",
        *,
        description: str | None = None,
        instructions: str | None = None,
        tools: Sequence[dict[str, Any]] = (),
        metadata: dict[str, str] | None = None,
        file_ids: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Create an assistant, attaching ``file_ids`` in the same transaction."""
        spec = AssistantSpec(
            model=model,
            name=name,
            description=description,
            instructions=instructions,
            tools=list(tools),
            metadata=dict(metadata or {}),
            file_ids=list(file_ids),
        )
        return await self.create_assistant_from(spec)

    async def create_assistant_from(self, spec: AssistantSpec) -> dict[str, Any]:
        """Create an assistant from validated fields (what ``POST /v1/assistants`` calls)."""
        assistant_id = new_id("asst_")

        async def create(conn: Conn) -> dict[str, Any]:
            await conn.serialize("assistants")
            await conn.run(
                f"INSERT INTO assistants ({_ASSISTANT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                (
                    assistant_id,
                    await next_timestamp(conn, "assistants"),
                    spec.name,
                    spec.description,
                    spec.model,
                    spec.instructions,
                    json.dumps(spec.tools),
                    json.dumps(spec.metadata),
                ),
            )
            for file_id in dict.fromkeys(spec.file_ids):
                await self._attach(conn, assistant_id, file_id)
            return await self._assistant(conn, assistant_id)

        return await self.runner.write(create)

    async def get_assistant(self, assistant_id: str) -> dict[str, Any]:
        """The assistant object, with ``file_ids`` of its live attachments oldest first."""
        return await self.runner.read(lambda conn: self._assistant(conn, assistant_id))

    async def list_assistants(self, **args: Unpack[PageArgs]) -> dict[str, Any]:
        """One page of assistants (see :mod:`..pagination` for the cursor semantics)."""

        async def listing(conn: Conn) -> dict[str, Any]:
            to_objects = each(functools.partial(self._assistant_object, conn))
            return await page_by_id(conn, "assistants", _ASSISTANT_COLUMNS, to_objects, args)

        return await self.runner.read(listing)

    async def _assistant(self, conn: Conn, assistant_id: str) -> dict[str, Any]:
        row = await one(
            conn,
            f"SELECT {_ASSISTANT_COLUMNS} FROM assistants WHERE id = ?",  # noqa: S608
            (assistant_id,),
            NotFound("assistant", assistant_id),
        )
        return await self._assistant_object(conn, row)

    @staticmethod
    async def _assistant_object(conn: Conn, row: Any) -> dict[str, Any]:
        live = await conn.all(
            "SELECT file_id FROM attachments WHERE assistant_id = ? AND deleted_at IS NULL ORDER BY seq",
            (row[0],),
        )
        return assistant_object(row, [r[0] for r in live])
