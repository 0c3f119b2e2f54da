"""The v1 assistant-files objects, as the contract describes them."""

from __future__ import annotations

from typing import Literal

from ._base import ListResponse, UpstreamModel

__all__ = ["AssistantFile", "FileDeleteResponse", "ListAssistantFilesResponse"]


class AssistantFile(UpstreamModel):
    """A file attached to an assistant (``assistant.file``)."""

    id: str
    """The file's id, which is also the attachment's id."""
    object: Literal["assistant.file"]
    created_at: int
    """Unix time (seconds) of the attachment."""
    assistant_id: str


class FileDeleteResponse(UpstreamModel):
    """The answer to a detach (``assistant.file.deleted``)."""

    id: str
    object: Literal["assistant.file.deleted"]
    deleted: bool


ListAssistantFilesResponse = ListResponse[AssistantFile]
"""One page of an assistant's files, as sent on the wire."""
