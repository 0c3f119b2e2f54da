"""What the v1 assistant-files tools return: flat models, each result with a ``next_step``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..client import AssistantFile
from ..contract import Order
from .declaration import ResultModel
from .fields import AlreadyDetached, Deleted, NextStep, PreviousCursor
from .resources import ASSISTANT_FILE, Link

__all__ = ["AssistantFileResult", "AttachedFile", "DetachedFile", "FileListing"]


class AttachedFile(ResultModel):
    """A file attached to an assistant."""

    id: Annotated[str, Field(description="The file's id (also the attachment's id).")]
    assistant_id: Annotated[str, Field(description="The assistant the file is attached to.")]
    created_at: Annotated[int, Field(description="When it was attached, as Unix time in seconds.")]

    @classmethod
    def of(cls, upstream: AssistantFile) -> AttachedFile:
        """The tool's view of an upstream ``assistant.file``."""
        return cls(id=upstream.id, assistant_id=upstream.assistant_id, created_at=upstream.created_at)


class AssistantFileResult(AttachedFile):
    """One attachment, and what to do next."""

    next_step: NextStep


class FileListing(ResultModel):
    """One page of an assistant's attached files, with cursors to the pages around it."""

    assistant_id: Annotated[str, Field(description="The assistant whose files these are.")]
    order: Annotated[Order, Field(description="Sort order by attachment time: asc or desc.")]
    files: Annotated[list[AttachedFile], Field(description="The files on this page, in `order`.")]
    has_more: Annotated[bool, Field(description="Whether more files follow this page (next_cursor is set).")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` (same assistant_id and order) for the next page; absent at the end."
        ),
    ] = None
    previous_cursor: PreviousCursor = None
    next_step: NextStep

    def resource_links(self) -> list[Link]:
        """A link to each file's resource (``assistant-files://...``)."""
        return [
            Link(
                ASSISTANT_FILE.uri(assistant_id=f.assistant_id, file_id=f.id),
                name=f.id,
                description=f"File {f.id} attached to assistant {f.assistant_id}.",
            )
            for f in self.files
        ]


class DetachedFile(ResultModel):
    """The result of a detach."""

    id: Annotated[str, Field(description="The file that was detached.")]
    assistant_id: Annotated[str, Field(description="The assistant it was detached from.")]
    deleted: Deleted
    already_detached: AlreadyDetached
    next_step: NextStep
