"""The v1 assistant-files tools: what they do, independent of MCP.

Everything an agent sees (the arguments and their limits, the shape of a result, the short text
beside it, each error's sentence) is decided here, so it can be tested without a protocol in the
way. The server registers the methods declared with ``@tool``. This module never imports ``mcp``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, Field

from ..client import NOT_GIVEN, AssistantFile, AssistantFilesError, AsyncAssistantsClient, AsyncCursorPage
from ..contract import DEFAULT_ORDER, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Order
from .cursors import CursorCodec, InvalidCursorError, is_placeholder
from .declaration import Hints, Reply, ToolFailure, ToolFamily, ToolPolicy, tool
from .messages import describe_error

__all__ = [
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "AssistantFilesTools",
    "AttachedFile",
    "DetachedFile",
    "FileListing",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
ID_MAX_LENGTH = 64

AssistantId = Annotated[
    str,
    Field(
        description="The assistant's id, such as asst_abc123.",
        min_length=1,
        max_length=ID_MAX_LENGTH,
        pattern=ID_PATTERN,
    ),
]
FileId = Annotated[
    str,
    Field(
        description="The file's id, such as file-abc123.",
        min_length=1,
        max_length=ID_MAX_LENGTH,
        pattern=ID_PATTERN,
    ),
]
Limit = Annotated[
    int,
    Field(description=f"How many files per page, from 1 to {MAX_PAGE_LIMIT}.", ge=1, le=MAX_PAGE_LIMIT),
]
OrderArg = Annotated[
    Order,
    Field(description="Sort by attachment time: desc (newest first) or asc (oldest first)."),
]
Cursor = Annotated[
    str | None,
    Field(
        description=(
            "Omit for the first page. To continue, pass next_cursor (or previous_cursor) from the "
            "previous list_assistant_files result, unchanged, with the same assistant_id and order."
        ),
        max_length=512,
    ),
]

T = TypeVar("T")

READ = Hints(read_only=True)
ATTACH = Hints(read_only=False)
DETACH = Hints(read_only=False, destructive=True)


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


@dataclass
class AssistantFilesTools(ToolFamily):
    """The v1 assistant-files tools over one upstream client (shared by every session of the process)."""

    family = "assistant-files"

    client: AsyncAssistantsClient
    codec: CursorCodec
    policy: ToolPolicy = field(default_factory=ToolPolicy)
    upstream_label: str = ""

    @tool(
        "list_assistant_files",
        title="List assistant files",
        description="List the files attached to an assistant, one page at a time (newest first by default). "
        "The result has next_cursor/previous_cursor: pass one back as `cursor` to move between pages.",
        hints=READ,
    )
    async def list_files(
        self,
        assistant_id: AssistantId,
        limit: Limit = DEFAULT_PAGE_LIMIT,
        order: OrderArg = DEFAULT_ORDER,
        cursor: Cursor = None,
    ) -> Reply[FileListing]:
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
        return Reply(listing, _listing_text(listing, limit))

    @tool(
        "get_assistant_file",
        title="Get assistant file",
        description="Get one file attached to an assistant (an error says if it is not attached).",
        hints=READ,
    )
    async def get_file(self, assistant_id: AssistantId, file_id: FileId) -> Reply[AttachedFile]:
        """One attachment, and its short text."""
        found = await self._upstream(
            partial(self.client.files.retrieve, file_id, assistant_id=assistant_id),
            "get",
            assistant_id,
            file_id,
        )
        result = AttachedFile.of(found)
        return Reply(
            result,
            f"File {result.id} is attached to assistant {result.assistant_id} (since {_iso(result.created_at)}).",
        )

    @tool(
        "attach_assistant_file",
        title="Attach file to assistant",
        description="Attach an uploaded file (purpose 'assistants') to an assistant. Attaching a file that is "
        "already attached changes nothing and returns it.",
        hints=ATTACH,
    )
    async def attach_file(self, assistant_id: AssistantId, file_id: FileId) -> Reply[AttachedFile]:
        """Attach a file (idempotent upstream), and the short text."""
        attached = await self._upstream(
            partial(self.client.files.create, assistant_id, file_id=file_id), "attach", assistant_id, file_id
        )
        result = AttachedFile.of(attached)
        return Reply(result, f"Attached file {result.id} to assistant {result.assistant_id}.")

    @tool(
        "detach_assistant_file",
        title="Detach file from assistant",
        description="Detach a file from an assistant. The file itself is not deleted and can be attached again.",
        hints=DETACH,
    )
    async def detach_file(self, assistant_id: AssistantId, file_id: FileId) -> Reply[DetachedFile]:
        """Detach a file, and the short text."""
        deleted = await self._upstream(
            partial(self.client.files.delete, file_id, assistant_id=assistant_id),
            "detach",
            assistant_id,
            file_id,
        )
        result = DetachedFile(id=deleted.id, assistant_id=assistant_id, deleted=deleted.deleted)
        verb = "Detached" if result.deleted else "Did not detach"
        return Reply(
            result, f"{verb} file {result.id} from assistant {assistant_id} (the file itself is kept)."
        )

    async def _page(
        self, assistant_id: str, *, limit: int, order: Order, after: str | None, before: str | None
    ) -> AsyncCursorPage[AssistantFile]:
        listing = partial(
            self.client.files.list,
            assistant_id,
            limit=limit,
            order=order,
            after=NOT_GIVEN if after is None else after,
            before=NOT_GIVEN if before is None else before,
        )
        return await self._upstream(listing, "list", assistant_id, None)

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

    async def _upstream(
        self, call: Callable[[], Awaitable[T]], action: str, assistant_id: str, file_id: str | None
    ) -> T:
        """The upstream call's result, or a ``ToolFailure`` with the sentence for its error.

        The assistant is checked against ``--allow-assistant`` first: a refused one is never called.
        """
        try:
            self._check_assistant(assistant_id)
            return await call()
        except (AssistantFilesError, ValueError) as err:
            raise ToolFailure(
                describe_error(err, assistant_id=assistant_id, file_id=file_id, action=action,
                               upstream=self.upstream_label, retries=self.client.max_retries)
            ) from None  # fmt: skip


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
