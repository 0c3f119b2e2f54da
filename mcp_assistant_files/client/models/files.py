"""The Files API's objects, as openai-python 3.57 types them (``openai.types.file_*``)."""

from __future__ import annotations

from typing import Literal

from ._base import Deletion, ListResponse, UpstreamModel

__all__ = ["FileDeleted", "FileObject", "ListFilesResponse"]


class FileObject(UpstreamModel):
    """An uploaded file (``file``).

    ``purpose`` also takes ``evals``: ``files.create`` accepts it, so the API answers with it,
    though openai-python 3.57's type leaves it out.
    """

    id: str
    object: Literal["file"]
    bytes: int
    """The file's size."""
    created_at: int
    """Unix time (seconds) of the upload."""
    filename: str
    purpose: Literal[
        "assistants",
        "assistants_output",
        "batch",
        "batch_output",
        "fine-tune",
        "fine-tune-results",
        "vision",
        "user_data",
        "evals",
    ]
    status: Literal["uploaded", "processed", "error"]
    """Deprecated by the API, but still sent."""
    expires_at: int | None = None
    status_details: str | None = None


class FileDeleted(Deletion):
    """The answer to a file's deletion (its ``object`` is ``file``, as the API sends it)."""

    object: Literal["file"]


ListFilesResponse = ListResponse[FileObject]
"""One page of files, as sent on the wire."""
