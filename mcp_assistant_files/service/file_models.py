"""The results of the Files API tools (``service/files.py``): a file, and a page of them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ..contract import Order
from .declaration import ResultModel
from .fields import NextStep
from .resources import UPLOADED_FILE, Link

__all__ = ["UploadedFile", "UploadedFileListing", "UploadedFileResult"]


class UploadedFile(ResultModel):
    """A file uploaded to the Files API."""

    id: Annotated[str, Field(description="The file's id, such as file-abc123.")]
    filename: Annotated[str, Field(description="The name it was uploaded with.")]
    bytes: Annotated[int, Field(description="Its size in bytes.")]
    purpose: Annotated[str, Field(description="What it was uploaded for.")]
    created_at: Annotated[int, Field(description="When it was uploaded, as Unix time in seconds.")]

    @classmethod
    def of(cls, upstream: Any) -> UploadedFile:
        """The tool's view of an upstream ``file``."""
        return cls(
            id=upstream.id,
            filename=upstream.filename,
            bytes=upstream.bytes,
            purpose=upstream.purpose,
            created_at=upstream.created_at,
        )


class UploadedFileResult(UploadedFile):
    """An uploaded file, and what to do next."""

    next_step: NextStep


class UploadedFileListing(ResultModel):
    """One page of uploaded files (the Files API pages forward only)."""

    purpose: Annotated[str | None, Field(description="The purpose listed; absent when every file is.")] = None
    order: Annotated[Order, Field(description="Sort order by upload time: asc or desc.")]
    files: Annotated[list[UploadedFile], Field(description="The files on this page, in `order`.")]
    has_more: Annotated[bool, Field(description="Whether more files follow this page (next_cursor is set).")]
    next_cursor: Annotated[
        str | None,
        Field(description="Pass as `cursor` (same purpose and order) for the next page; absent at the end."),
    ] = None
    next_step: NextStep

    def resource_links(self) -> list[Link]:
        """A link to each file's resource (``files://files/...``)."""
        return [
            Link(
                UPLOADED_FILE.uri(file_id=f.id),
                name=f.id,
                title=f.filename,
                description=f"Uploaded file {f.filename} ({f.purpose}).",
                size=f.bytes,
            )
            for f in self.files
        ]
