"""The v1 assistant-files tools: what they do, independent of MCP (their results: :mod:`.assistant_file_models`).

Everything an agent sees (the arguments and their limits, the shape of a result and its
``next_step``, each error's sentence) is decided here, so it can be tested without a protocol in
the way. The server registers the methods declared with ``@tool``. This module never imports
``mcp``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, TypeVar

from ..client import NOT_GIVEN, AssistantFile, AssistantFilesError, AsyncAssistantsClient, AsyncCursorPage
from ..contract import DEFAULT_ORDER, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Order
from .assistant_file_models import AssistantFileResult, AttachedFile, DetachedFile, FileListing
from .cursors import CursorCodec, Listing
from .declaration import Hints, ToolFailure, ToolFamily, ToolPolicy, tool
from .fields import (
    cursor_field,
    id_field,
    limit_field,
    order_field,
)
from .messages import Subject, describe_error, is_already_attached, is_missing_attachment, is_request_error
from .paging import page_of
from .resources import ASSISTANT_FILE, NO_SUGGESTIONS, Suggestions, suggest, suggest_from

__all__ = ["AssistantFilesTools"]

AssistantId = Annotated[str, id_field("The assistant's id, such as asst_abc123.")]
FileId = Annotated[str, id_field("The file's id, such as file-abc123.")]
Limit = Annotated[int, limit_field("files")]
OrderArg = Annotated[Order, order_field("attachment time")]
Cursor = Annotated[str | None, cursor_field("list_assistant_files", "assistant_id and order")]

T = TypeVar("T")

READ = Hints(read_only=True)
ATTACH = Hints(read_only=False)
DETACH = Hints(read_only=False, destructive=True)


@dataclass
class AssistantFilesTools(ToolFamily):
    """The v1 assistant-files tools over one upstream client (shared by every session of the process)."""

    family = "assistant-files"
    instructions = (
        "- v1 assistants: list_assistant_files returns one page; get_assistant_file checks one attachment; "
        "attach_assistant_file and detach_assistant_file change them (both idempotent; detach keeps the file)."
    )

    resource = ASSISTANT_FILE

    client: AsyncAssistantsClient
    codec: CursorCodec
    policy: ToolPolicy = field(default_factory=ToolPolicy)
    upstream_label: str = ""

    async def read_file(self, assistant_id: str, file_id: str) -> AttachedFile:
        """One attachment, for the ``assistant-files://`` resource."""
        found = await self._upstream(
            partial(self.client.files.retrieve, file_id, assistant_id=assistant_id),
            "get",
            assistant_id,
            file_id,
        )
        return AttachedFile.of(found)

    async def complete(self, variable: str, prefix: str, known: Mapping[str, str]) -> Suggestions:
        """Assistant ids from ``--allow-assistant`` (the v1 contract lists no assistants); file ids from the upstream."""
        if variable == "assistant_id":
            return suggest_from(self.policy.allowed_assistants, prefix)
        assistant_id = known.get("assistant_id")
        if variable != "file_id" or not assistant_id:
            return NO_SUGGESTIONS

        async def fetch(after: str | None) -> AsyncCursorPage[AssistantFile]:
            listing = partial(
                self.client.files.list,
                assistant_id,
                limit=MAX_PAGE_LIMIT,
                after=NOT_GIVEN if after is None else after,
            )
            return await self._upstream(listing, "list", assistant_id, None)

        return await suggest(fetch, prefix, lambda item: item.id)

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
    ) -> FileListing:
        """One page of the assistant's files."""
        self._check_assistant(assistant_id)

        async def fetch(after: str | None, before: str | None) -> AsyncCursorPage[AssistantFile]:
            listing = partial(
                self.client.files.list,
                assistant_id,
                limit=limit,
                order=order,
                after=NOT_GIVEN if after is None else after,
                before=NOT_GIVEN if before is None else before,
            )
            return await self._upstream(listing, "list", assistant_id, None)

        paged = await page_of(
            self.codec,
            Listing.assistant_files(assistant_id),
            order=order,
            cursor=cursor,
            fetch=fetch,
            id_of=lambda item: item.id,
        )
        files = [AttachedFile.of(f) for f in paged.items]
        if paged.next_cursor:
            next_step = (
                f"More files remain: call list_assistant_files with assistant_id={assistant_id!r}, "
                f"order={order!r}, limit={limit} and cursor set to next_cursor."
            )
        elif files:
            next_step = "That is the end of the list."
        elif paged.previous_cursor:
            next_step = (
                f"No more files of assistant {assistant_id} after this point; previous_cursor goes back."
            )
        else:
            next_step = (
                f"Assistant {assistant_id} has no attached files: attach one with attach_assistant_file."
            )
        return FileListing(
            assistant_id=assistant_id,
            order=order,
            files=files,
            has_more=paged.next_cursor is not None,
            next_cursor=paged.next_cursor,
            previous_cursor=paged.previous_cursor,
            next_step=next_step,
        )

    @tool(
        "get_assistant_file",
        title="Get assistant file",
        description="Get one file attached to an assistant (an error says if it is not attached).",
        hints=READ,
    )
    async def get_file(self, assistant_id: AssistantId, file_id: FileId) -> AssistantFileResult:
        """One attachment."""
        found = await self._upstream(
            partial(self.client.files.retrieve, file_id, assistant_id=assistant_id),
            "get",
            assistant_id,
            file_id,
        )
        return AssistantFileResult(
            **AttachedFile.of(found).model_dump(),
            next_step=f"File {found.id} is attached to assistant {found.assistant_id} (since "
            f"{_iso(found.created_at)}); detach_assistant_file removes it.",
        )

    @tool(
        "attach_assistant_file",
        title="Attach file to assistant",
        description="Attach an uploaded file (purpose 'assistants') to an assistant. Attaching a file that is "
        "already attached changes nothing and returns it.",
        hints=ATTACH,
    )
    async def attach_file(self, assistant_id: AssistantId, file_id: FileId) -> AssistantFileResult:
        """Attach a file; one already attached (or attached by an earlier attempt) is a success."""
        try:
            attached = await self._upstream(
                partial(self.client.files.create, assistant_id, file_id=file_id),
                "attach",
                assistant_id,
                file_id,
                attached_ok=True,
            )
            done = f"File {attached.id} is attached to assistant {attached.assistant_id}"
        except _AlreadyAttached:
            attached = await self._upstream(
                partial(self.client.files.retrieve, file_id, assistant_id=assistant_id),
                "get",
                assistant_id,
                file_id,
            )
            done = f"File {attached.id} was already attached to assistant {attached.assistant_id}"
        return AssistantFileResult(
            **AttachedFile.of(attached).model_dump(),
            next_step=f"{done}; list_assistant_files shows every attached file.",
        )

    @tool(
        "detach_assistant_file",
        title="Detach file from assistant",
        description="Detach a file from an assistant. The file itself is not deleted and can be attached again. "
        "Detaching a file that is not attached changes nothing and says so.",
        hints=DETACH,
    )
    async def detach_file(self, assistant_id: AssistantId, file_id: FileId) -> DetachedFile:
        """Detach a file; a file that is not attached (or no longer, after a retry) is a success."""
        try:
            deleted = await self._upstream(
                partial(self.client.files.delete, file_id, assistant_id=assistant_id),
                "detach",
                assistant_id,
                file_id,
                missing_ok=True,
            )
        except _NotAttached:
            return DetachedFile(
                id=file_id,
                assistant_id=assistant_id,
                deleted=True,
                already_detached=True,
                next_step=f"File {file_id} was not attached to assistant {assistant_id}: nothing to detach "
                "(the file itself is kept).",
            )
        return DetachedFile(
            id=deleted.id,
            assistant_id=assistant_id,
            deleted=deleted.deleted,
            already_detached=False,
            next_step=(
                f"Detached file {deleted.id} from assistant {assistant_id} (the file itself is kept); "
                "attach_assistant_file attaches it again."
                if deleted.deleted
                else f"The upstream did not detach file {deleted.id}: call detach_assistant_file again."
            ),
        )

    def _check_assistant(self, assistant_id: str) -> None:
        allowed = self.policy.allowed_assistants
        if allowed and assistant_id not in allowed:
            names = ", ".join(sorted(allowed))
            raise ToolFailure(
                f"Assistant {assistant_id!r} is not one this server may use (--allow-assistant): use one of {names}."
            )

    async def _upstream(
        self,
        call: Callable[[], Awaitable[T]],
        action: str,
        assistant_id: str,
        file_id: str | None,
        *,
        missing_ok: bool = False,
        attached_ok: bool = False,
    ) -> T:
        """The upstream call's result, or a ``ToolFailure`` with the sentence for its error.

        The assistant is checked against ``--allow-assistant`` first: a refused one is never
        called. With ``missing_ok``, "the file is not attached" raises ``_NotAttached`` instead;
        with ``attached_ok``, "the file is already attached" raises ``_AlreadyAttached``.
        """
        self._check_assistant(assistant_id)
        try:
            return await call()
        except (AssistantFilesError, ValueError) as err:
            subject = Subject.assistant(assistant_id)
            if missing_ok and file_id and is_missing_attachment(err, subject=subject, file_id=file_id):
                raise _NotAttached from None
            if attached_ok and is_already_attached(err):
                raise _AlreadyAttached from None
            raise ToolFailure(
                describe_error(err, subject=subject, file_id=file_id, action=action,
                               upstream=self.upstream_label, retries=self.client.max_retries),
                invalid_request=is_request_error(err),
            ) from None  # fmt: skip


class _NotAttached(Exception):
    """The upstream says the file is not attached (for an idempotent detach, a success)."""


class _AlreadyAttached(Exception):
    """The upstream says the file is already attached (for an idempotent attach, a success)."""


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat(timespec="seconds")
