"""The v1 assistant-files objects, as the contract describes them.

Models accept extra fields (an upstream may add some) but reject missing or mistyped ones, as
the contract requires them: a malformed answer surfaces as ``APIResponseValidationError``
instead of a half-filled object.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["AssistantFile", "FileDeleteResponse", "ListAssistantFilesResponse"]


class _UpstreamModel(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class AssistantFile(_UpstreamModel):
    """A file attached to an assistant (``assistant.file``)."""

    id: str
    """The file's id, which is also the attachment's id."""
    object: Literal["assistant.file"]
    created_at: int
    """Unix time (seconds) of the attachment."""
    assistant_id: str


class FileDeleteResponse(_UpstreamModel):
    """The answer to a detach (``assistant.file.deleted``)."""

    id: str
    object: Literal["assistant.file.deleted"]
    deleted: bool


class ListAssistantFilesResponse(_UpstreamModel):
    """One page of a listing, as sent on the wire (``first_id``/``last_id`` are null when empty)."""

    object: Literal["list"]
    data: list[AssistantFile]
    first_id: str | None
    last_id: str | None
    has_more: bool
