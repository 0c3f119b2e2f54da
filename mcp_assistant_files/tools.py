"""What the four MCP tools do, independent of MCP: inputs, results, cursors, error sentences.

``server`` turns these into MCP tools; everything an agent sees (the shape of a result, the
short text beside it, each error's sentence) is decided here, so it can be tested without a
protocol in the way. This module never imports ``mcp``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from .client import AsyncAssistantsClient, AsyncCursorPage
from .cursors import CursorCodec, InvalidCursorError, is_placeholder
from .errors import (
    AssistantFilesError,
)
from .messages import describe_error
from .models import AssistantFile

__all__ = [
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "TOOL_NAMES",
    "WRITE_TOOLS",
    "AssistantFilesTools",
    "AttachedFile",
    "DetachedFile",
    "FileListing",
    "ToolFailure",
    "ToolPolicy",
]

Order = Literal["asc", "desc"]
TOOL_NAMES = (
    "list_assistant_files",
    "get_assistant_file",
    "attach_assistant_file",
    "detach_assistant_file",
)
WRITE_TOOLS = frozenset({"attach_assistant_file", "detach_assistant_file"})
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
ID_MAX_LENGTH = 64


class ToolFailure(Exception):
    """A failure to report to the agent as an ``isError`` result; the message is its whole text."""


class AttachedFile(BaseModel):
    """A file attached to an assistant."""

    id: Annotated[str, Field(description="The file's id (also the attachment's id).")]
    assistant_id: Annotated[str, Field(description="The assistant the file is attached to.")]
    created_at: Annotated[int, Field(description="When it was attached, as Unix time in seconds.")]

    @classmethod
    def of(cls, upstream: AssistantFile) -> AttachedFile:
        """The tool's view of an upstream ``assistant.file``."""
        return cls(id=upstream.id, assistant_id=upstream.assistant_id, created_at=upstream.created_at)


class FileListing(BaseModel):
    """One page of an assistant's attached files, with cursors to the pages around it."""

    assistant_id: Annotated[str, Field(description="The assistant whose files these are.")]
    order: Annotated[Order, Field(description="Sort order by attachment time: asc or desc.")]
    files: Annotated[list[AttachedFile], Field(description="The files on this page, in `order`.")]
    has_more: Annotated[bool, Field(description="Whether more files follow this page (next_cursor is set).")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` (same assistant_id and order) for the next page; null at the end."
        ),
    ]
    previous_cursor: Annotated[
        str | None,
        Field(description="Pass as `cursor` for the page before this one; null on the first page."),
    ]


class DetachedFile(BaseModel):
    """The result of a detach."""

    id: Annotated[str, Field(description="The file that was detached.")]
    assistant_id: Annotated[str, Field(description="The assistant it was detached from.")]
    deleted: Annotated[
        bool, Field(description="True: the file is no longer attached (the file itself is kept).")
    ]


@dataclass(frozen=True)
class ToolPolicy:
    """What this server lets agents do."""

    read_only: bool = False
    tools: frozenset[str] = frozenset(TOOL_NAMES)
    allowed_assistants: frozenset[str] = frozenset()

    def enabled_tools(self) -> tuple[str, ...]:
        """The tools to register, in their documented order."""
        return tuple(
            name for name in TOOL_NAMES if name in self.tools and not (self.read_only and name in WRITE_TOOLS)
        )


@dataclass
class AssistantFilesTools:
    """The tools' behaviour over one upstream client (shared by every session of the process)."""

    client: AsyncAssistantsClient
    codec: CursorCodec
    policy: ToolPolicy = field(default_factory=ToolPolicy)
    upstream_label: str = ""

    async def list_files(
        self, assistant_id: str, limit: int = 20, order: Order = "desc", cursor: str | None = None
    ) -> tuple[FileListing, str]:
        """One page, and its short text."""
        self._check_assistant(assistant_id)
        after: str | None = None
        before: str | None = None
        if not is_placeholder(cursor):
            assert cursor is not None
            try:
                position = self.codec.decode(cursor, assistant_id=assistant_id, order=order)
            except InvalidCursorError as err:
                raise ToolFailure(str(err)) from None
            after, before = (
                (position.file_id, None) if position.direction == "after" else (None, position.file_id)
            )
        page = await self._page(assistant_id, limit=limit, order=order, after=after, before=before)
        if before is not None and not page.data:
            # Everything before the cursor was detached meanwhile: show the first page instead.
            before = None
            page = await self._page(assistant_id, limit=limit, order=order, after=None, before=None)
        listing = self._listing(assistant_id, order, page, after=after, before=before)
        return listing, _listing_text(listing, limit)

    async def get_file(self, assistant_id: str, file_id: str) -> tuple[AttachedFile, str]:
        """One attachment, and its short text."""
        self._check_assistant(assistant_id)
        try:
            found = await self.client.files.retrieve(file_id, assistant_id=assistant_id)
        except (AssistantFilesError, ValueError) as err:
            raise self._failure(err, assistant_id=assistant_id, file_id=file_id, action="get") from None
        result = AttachedFile.of(found)
        return (
            result,
            f"File {result.id} is attached to assistant {result.assistant_id} (since {_iso(result.created_at)}).",
        )

    async def attach_file(self, assistant_id: str, file_id: str) -> tuple[AttachedFile, str]:
        """Attach a file (idempotent upstream), and the short text."""
        self._check_assistant(assistant_id)
        try:
            attached = await self.client.files.create(assistant_id, file_id=file_id)
        except (AssistantFilesError, ValueError) as err:
            raise self._failure(err, assistant_id=assistant_id, file_id=file_id, action="attach") from None
        result = AttachedFile.of(attached)
        return result, f"Attached file {result.id} to assistant {result.assistant_id}."

    async def detach_file(self, assistant_id: str, file_id: str) -> tuple[DetachedFile, str]:
        """Detach a file, and the short text."""
        self._check_assistant(assistant_id)
        try:
            deleted = await self.client.files.delete(file_id, assistant_id=assistant_id)
        except (AssistantFilesError, ValueError) as err:
            raise self._failure(err, assistant_id=assistant_id, file_id=file_id, action="detach") from None
        result = DetachedFile(id=deleted.id, assistant_id=assistant_id, deleted=deleted.deleted)
        verb = "Detached" if result.deleted else "Did not detach"
        return result, f"{verb} file {result.id} from assistant {assistant_id} (the file itself is kept)."

    async def _page(
        self, assistant_id: str, *, limit: int, order: Order, after: str | None, before: str | None
    ) -> AsyncCursorPage[AssistantFile]:
        try:
            if before is not None:
                return await self.client.files.list(assistant_id, limit=limit, order=order, before=before)
            if after is not None:
                return await self.client.files.list(assistant_id, limit=limit, order=order, after=after)
            return await self.client.files.list(assistant_id, limit=limit, order=order)
        except (AssistantFilesError, ValueError) as err:
            raise self._failure(err, assistant_id=assistant_id, file_id=None, action="list") from None

    def _listing(
        self,
        assistant_id: str,
        order: Order,
        page: AsyncCursorPage[AssistantFile],
        *,
        after: str | None,
        before: str | None,
    ) -> FileListing:
        files = [AttachedFile.of(f) for f in page.data]
        if before is not None:
            # Walking back: upstream's has_more speaks of the files further back.
            more_forward, more_back = bool(files), page.has_more
        else:
            more_forward, more_back = page.has_more and bool(files), after is not None and bool(files)
        next_cursor = self._cursor(assistant_id, order, "after", files[-1].id) if more_forward else None
        previous_cursor = self._cursor(assistant_id, order, "before", files[0].id) if more_back else None
        if after is not None and not files:
            # Files past the cursor were detached meanwhile: the way back starts at the cursor.
            previous_cursor = self._cursor(assistant_id, order, "before", after)
        return FileListing(
            assistant_id=assistant_id,
            order=order,
            files=files,
            has_more=next_cursor is not None,
            next_cursor=next_cursor,
            previous_cursor=previous_cursor,
        )

    def _cursor(
        self, assistant_id: str, order: Order, direction: Literal["after", "before"], file_id: str
    ) -> str:
        try:
            return self.codec.encode(
                assistant_id=assistant_id, order=order, direction=direction, file_id=file_id
            )
        except ValueError as err:
            raise ToolFailure(f"Cannot page past file {file_id!r}: {err}") from None

    def _check_assistant(self, assistant_id: str) -> None:
        allowed = self.policy.allowed_assistants
        if allowed and assistant_id not in allowed:
            names = ", ".join(sorted(allowed))
            raise ToolFailure(
                f"Assistant {assistant_id!r} is not one this server may use (--allow-assistant): use one of {names}."
            )

    def _failure(self, err: Exception, *, assistant_id: str, file_id: str | None, action: str) -> ToolFailure:
        return ToolFailure(
            describe_error(err, assistant_id=assistant_id, file_id=file_id, action=action, upstream=self.upstream_label,
                           retries=self.client.max_retries)
        )  # fmt: skip


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds")


def _listing_text(listing: FileListing, limit: int) -> str:
    count = len(listing.files)
    if count == 0:
        head = (
            f"No more files of assistant {listing.assistant_id} after this point."
            if listing.previous_cursor
            else f"Assistant {listing.assistant_id} has no attached files."
        )
    else:
        ids = ", ".join(f.id for f in listing.files)
        head = f"{count} file(s) of assistant {listing.assistant_id}, {listing.order}: {ids}."
    if listing.next_cursor:
        return (
            f"{head} More remain: call list_assistant_files with assistant_id={listing.assistant_id!r}, "
            f"order={listing.order!r}, limit={limit}, cursor={listing.next_cursor!r}."
        )
    return f"{head} That is the end of the list."
