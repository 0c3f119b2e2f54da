"""The Files API tools: list the uploaded files, and upload one from a folder the operator chose.

``upload_file`` exists only when the server was started with ``--upload-root DIR``: it reads a
file the *server* can see, so an agent may name only paths inside that folder (symbolic links
resolved; nothing outside it, no devices, no folders). This module never imports ``mcp``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field

from ..client import NOT_GIVEN, AssistantFilesError, NotFoundError
from ..contract import DEFAULT_ORDER, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, FilePurpose, Order
from .cursors import CursorCodec, Listing
from .declaration import Hints, ToolFailure, ToolFamily, ToolPolicy, ToolSpec, tool
from .fields import PATH_PATTERN, cursor_field, limit_field, order_field
from .file_models import UploadedFile, UploadedFileListing, UploadedFileResult
from .messages import Subject, describe_error, is_request_error, printable
from .paging import page_of
from .resources import NO_SUGGESTIONS, UPLOADED_FILE, Suggestions, suggest

__all__ = ["MAX_UPLOAD_BYTES", "FilesTools", "UploadedFile", "UploadedFileListing"]

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
"""OpenAI's limit for one file."""

_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_OPEN_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOCTTY", 0)
"""Read only; never wait for a FIFO's writer, follow a final link or take a terminal."""

PurposeFilter = Annotated[
    Literal["", FilePurpose] | None,
    Field(description='Only files uploaded for this purpose (e.g. assistants). Omit (or send "") for all.'),
]
Limit = Annotated[int, limit_field("files")]
OrderArg = Annotated[Order, order_field("upload time")]
Cursor = Annotated[str | None, cursor_field("list_files", "purpose and order", backward=False)]
RelativePath = Annotated[
    str,
    Field(
        description="The file to upload: a path relative to the server's upload folder (--upload-root), or an "
        "absolute path inside it.",
        pattern=PATH_PATTERN,
    ),
]
UploadPurpose = Annotated[
    FilePurpose,
    Field(description="What the file is for: assistants (for vector stores and file search) by default."),
]

T = TypeVar("T")
_SUBJECT = Subject("list_files", "Files API")


@dataclass
class FilesTools(ToolFamily):
    """The Files API tools over one upstream client (an ``AsyncOpenAIClient``)."""

    family = "files"
    instructions = (
        "- Uploaded files: list_files (optionally by purpose); upload_file, when offered, uploads a file from the "
        "server's upload folder; attach the result to a vector store."
    )

    resource = UPLOADED_FILE

    client: Any
    codec: CursorCodec
    policy: ToolPolicy = field(default_factory=ToolPolicy)
    upstream_label: str = ""
    upload_root: Path | None = None
    """The only folder ``upload_file`` reads from; ``None``: the tool is not offered."""

    async def read_file(self, file_id: str) -> UploadedFile:
        """One uploaded file, for the ``files://`` resource."""
        try:
            found = await self.client.files.retrieve(file_id)
        except NotFoundError:
            raise ToolFailure(
                f"File {file_id!r} was not found at {self.upstream_label or 'the upstream API'}: "
                "call list_files to see the uploaded files."
            ) from None
        except (AssistantFilesError, ValueError) as err:
            raise ToolFailure(
                describe_error(err, subject=_SUBJECT, file_id=file_id, action="get",
                               upstream=self.upstream_label, retries=self.client.max_retries),
                invalid_request=is_request_error(err),
            ) from None  # fmt: skip
        return UploadedFile.of(found)

    async def complete(self, variable: str, prefix: str, known: Mapping[str, str]) -> Suggestions:
        """Uploaded file ids, from the upstream."""
        if variable != "file_id":
            return NO_SUGGESTIONS

        async def fetch(after: str | None) -> Any:
            listing = partial(
                self.client.files.list, limit=MAX_PAGE_LIMIT, after=NOT_GIVEN if after is None else after
            )
            return await self._upstream(listing, "list")

        return await suggest(fetch, prefix, lambda item: item.id)

    def offers(self, spec: ToolSpec) -> bool:
        """``upload_file`` only with an upload folder."""
        return spec.name != "upload_file" or self.upload_root is not None

    def not_offered_because(self, spec: ToolSpec) -> str:
        return "it is offered only when the server is started with --upload-root DIR"

    @tool(
        "list_files",
        title="List uploaded files",
        description="List the files uploaded to the Files API (newest first by default), optionally only those "
        "of one purpose. Pass next_cursor back as `cursor` to page.",
        hints=Hints(read_only=True),
    )
    async def list_files(
        self,
        purpose: PurposeFilter = None,
        limit: Limit = DEFAULT_PAGE_LIMIT,
        order: OrderArg = DEFAULT_ORDER,
        cursor: Cursor = None,
    ) -> UploadedFileListing:
        """One page of uploaded files."""
        purpose = purpose or None

        async def fetch(after: str | None, before: str | None) -> Any:
            listing = partial(
                self.client.files.list,
                limit=limit,
                order=order,
                purpose=NOT_GIVEN if purpose is None else purpose,
                after=NOT_GIVEN if after is None else after,
            )
            return await self._upstream(listing, "list")

        paged = await page_of(
            self.codec,
            Listing("list_files", f"files\x00{purpose or ''}", "another purpose's file listing"),
            order=order,
            cursor=cursor,
            fetch=fetch,
            id_of=lambda item: item.id,
            backwards=False,
        )
        files = [UploadedFile.of(f) for f in paged.items]
        if paged.next_cursor:
            step = (
                f"More remain: call list_files with {f'purpose={purpose!r}, ' if purpose else ''}order={order!r}, "
                f"limit={limit} and cursor set to next_cursor."
            )
        elif files:
            step = "That is the end of the list; attach_vector_store_file attaches a file to a vector store."
        else:
            step = "No files are uploaded" + (f" for {purpose}" if purpose else "") + "."
        return UploadedFileListing(
            purpose=purpose,
            order=order,
            files=files,
            has_more=paged.next_cursor is not None,
            next_cursor=paged.next_cursor,
            next_step=step,
        )

    @tool(
        "upload_file",
        title="Upload file",
        description="Upload a file from the server's upload folder to the Files API (then attach it to a vector "
        "store with attach_vector_store_file).",
        hints=Hints(read_only=False, idempotent=False),
    )
    async def upload_file(
        self, path: RelativePath, purpose: UploadPurpose = "assistants"
    ) -> UploadedFileResult:
        """Upload one file from inside the upload folder."""
        fd, name = self._open_inside_root(path)
        with os.fdopen(fd, "rb") as handle:
            uploaded = await self._upstream(
                partial(self.client.files.create, file=(name, handle), purpose=purpose), "upload"
            )
        result = UploadedFile.of(uploaded)
        return UploadedFileResult(
            **result.model_dump(),
            next_step=f"Uploaded {printable(name)} as {result.id}: attach it to a vector store with "
            "attach_vector_store_file.",
        )

    def _open_inside_root(self, path: str) -> tuple[int, str]:
        """An open descriptor of the regular file ``path`` names inside the upload folder, and its name."""
        if self.upload_root is None:
            raise ToolFailure("upload_file is not enabled: start the server with --upload-root DIR.")
        if "\x00" in path:
            raise ToolFailure(
                "path must not contain a NUL character: give a file name inside the upload folder."
            )
        root = self.upload_root.resolve()
        outside = ToolFailure(
            f"{path!r} is outside the upload folder the server allows: give a path inside it "
            "(symbolic links out of it are refused)."
        )
        missing = ToolFailure(
            f"There is no file {path!r} in the upload folder: check the name, a path relative to that folder."
        )
        # Containment is decided before anything is known to exist, so a path outside the folder
        # gets the same sentence whether or not it is there: first as written ("..", absolute),
        # then with the symbolic links resolved leniently (a missing target is still outside).
        joined = os.path.join(root, path)
        written = Path(os.path.normpath(joined))
        if not (written.is_relative_to(root) or written.is_relative_to(os.path.abspath(self.upload_root))):
            raise outside
        try:
            resolved = Path(joined).resolve()
        except (OSError, RuntimeError):  # a loop of links inside the folder
            raise missing from None
        if not resolved.is_relative_to(root):
            raise outside
        try:
            # O_NONBLOCK: opening a FIFO without a writer (or a device) must not wait on the event loop.
            fd = os.open(resolved, _OPEN_FLAGS)
        except (FileNotFoundError, NotADirectoryError):
            raise missing from None
        except OSError as err:
            raise ToolFailure(f"Cannot read {path!r} ({err.strerror}): give a readable file.") from None
        info = os.fstat(fd)
        problem = None
        if not stat.S_ISREG(info.st_mode):
            problem = f"{path!r} is not a regular file: give a file, not a folder or device."
        elif info.st_size > MAX_UPLOAD_BYTES:
            problem = f"{path!r} is {info.st_size} bytes; files may be at most {MAX_UPLOAD_BYTES} bytes."
        elif info.st_size == 0:
            problem = f"{path!r} is empty: give a file with content."
        if problem:
            os.close(fd)
            raise ToolFailure(problem)
        if _NONBLOCK:
            os.set_blocking(fd, True)  # a regular file reads the same either way; hand on the usual mode
        return fd, resolved.name

    async def _upstream(self, call: Callable[[], Awaitable[T]], action: str) -> T:
        """The upstream call's result, or a ``ToolFailure`` with the sentence for its error."""
        try:
            return await call()
        except (AssistantFilesError, ValueError) as err:
            raise ToolFailure(
                describe_error(err, subject=_SUBJECT, file_id=None, action=action,
                               upstream=self.upstream_label, retries=self.client.max_retries),
                invalid_request=is_request_error(err),
            ) from None  # fmt: skip
