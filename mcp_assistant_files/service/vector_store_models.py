"""What the vector-store tools return: flat, single-typed models, each with a ``next_step``.

The tool's view of an upstream object keeps what an agent acts on (ids, status, why a file
failed, its attributes, sizes, times) and leaves out what it does not (chunking internals,
``object`` tags). A field without a value is absent, never null.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, WithJsonSchema

from ..contract import (
    MAX_ATTRIBUTE_KEY_CHARS,
    MAX_ATTRIBUTE_VALUE_CHARS,
    MAX_ATTRIBUTES,
    Order,
    VectorStoreFileStatus,
)
from .declaration import ResultModel
from .fields import AlreadyDetached, Deleted, NextStep, PreviousCursor
from .resources import VECTOR_STORE_FILE, Link

__all__ = [
    "Attribute",
    "AttributeValue",
    "Attributes",
    "DetachedVectorStoreFile",
    "FileCounts",
    "FileError",
    "NextStep",
    "VectorStoreFileListing",
    "VectorStoreFileResult",
    "VectorStoreFileView",
    "VectorStoreListing",
    "VectorStoreView",
]

Status = VectorStoreFileStatus

# One single-typed branch each (a ``type`` array is less portable: MCP Inspector --strict warns).
_VALUE_TYPES = [
    {"type": "string", "maxLength": MAX_ATTRIBUTE_VALUE_CHARS},
    {"type": "number"},
    {"type": "boolean"},
]
_VALUE_HELP = "A string (up to 512 characters), number or boolean."
AttributeValue = Annotated[
    Annotated[str, Field(max_length=MAX_ATTRIBUTE_VALUE_CHARS)] | bool | int | float,
    WithJsonSchema(
        {
            "type": ["string", "number", "boolean"],
            "description": "A string (up to 512 characters), number or boolean.",
        }
    ),
]
AttributeKey = Annotated[str, Field(min_length=1, max_length=MAX_ATTRIBUTE_KEY_CHARS)]
Attributes = Annotated[
    dict[AttributeKey, AttributeValue],
    WithJsonSchema(
        {
            "type": "object",
            "maxProperties": MAX_ATTRIBUTES,
            "propertyNames": {"maxLength": MAX_ATTRIBUTE_KEY_CHARS, "minLength": 1},
            "additionalProperties": {"anyOf": _VALUE_TYPES, "description": _VALUE_HELP},
        }
    ),
]


# Arguments take attributes as a list of pairs, not as an object with free-form keys: OpenAI's
# strict mode (the Agents SDK's, LangChain's) cannot express such an object at all, while a list
# of fixed-shape pairs converts everywhere. Results show them as an object, as the API does.
class Attribute(ResultModel):
    """An attribute: a key and its value."""

    model_config = ConfigDict(extra="forbid")

    key: Annotated[
        str, Field(description="The attribute's name, 1-64 characters.", pattern=r"^[\s\S]{1,64}$")
    ]
    value: Annotated[
        Annotated[str, Field(pattern=r"^[\s\S]{0,512}$")] | bool | int | float,
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": r"^[\s\S]{0,512}$"},
                    {"type": "number"},
                    {"type": "boolean"},
                ]
            }
        ),
        Field(description="A string (up to 512 characters), a number or a boolean."),
    ]


class FileCounts(ResultModel):
    """How many of a vector store's files are in each state."""

    in_progress: Annotated[int, Field(description="Files still being processed.")]
    completed: Annotated[int, Field(description="Files ready for search.")]
    failed: Annotated[int, Field(description="Files that could not be processed.")]
    cancelled: Annotated[int, Field(description="Files whose processing was cancelled.")]
    total: Annotated[int, Field(description="All the vector store's files.")]


class VectorStoreView(ResultModel):
    """A vector store, as an agent needs it."""

    id: Annotated[str, Field(description="The vector store's id, such as vs_abc123.")]
    name: Annotated[str | None, Field(description="Its name; absent when it has none.")] = None
    status: Annotated[
        Literal["expired", "in_progress", "completed"],
        Field(description="completed: ready; in_progress: files are still being processed; expired."),
    ]
    file_counts: Annotated[FileCounts, Field(description="How many files are in each state.")]
    usage_bytes: Annotated[int, Field(description="Storage its files use, in bytes.")]
    created_at: Annotated[int, Field(description="When it was created, as Unix time in seconds.")]

    @classmethod
    def of(cls, upstream: Any) -> VectorStoreView:
        """The tool's view of an upstream ``vector_store``."""
        counts = upstream.file_counts
        return cls(
            id=upstream.id,
            name=upstream.name or None,
            status=upstream.status,
            file_counts=FileCounts(
                in_progress=counts.in_progress,
                completed=counts.completed,
                failed=counts.failed,
                cancelled=counts.cancelled,
                total=counts.total,
            ),
            usage_bytes=upstream.usage_bytes,
            created_at=upstream.created_at,
        )


class VectorStoreListing(ResultModel):
    """One page of vector stores, with cursors to the pages around it."""

    order: Annotated[Order, Field(description="Sort order by creation time: asc or desc.")]
    vector_stores: Annotated[
        list[VectorStoreView], Field(description="The vector stores on this page, in `order`.")
    ]
    has_more: Annotated[bool, Field(description="Whether more vector stores follow (next_cursor is set).")]
    next_cursor: Annotated[
        str | None, Field(description="Pass as `cursor` (same order) for the next page; absent at the end.")
    ] = None
    previous_cursor: PreviousCursor = None
    next_step: NextStep


class FileError(ResultModel):
    """Why a file could not be processed."""

    code: Annotated[str, Field(description="server_error, unsupported_file or invalid_file.")]
    message: Annotated[str, Field(description="The upstream's explanation.")]


class VectorStoreFileView(ResultModel):
    """A file in a vector store, with its processing status."""

    id: Annotated[str, Field(description="The file's id (the same as in the Files API).")]
    vector_store_id: Annotated[str, Field(description="The vector store it is attached to.")]
    status: Annotated[
        Status,
        Field(
            description="completed: searchable; in_progress: being processed; failed: see last_error; cancelled."
        ),
    ]
    last_error: Annotated[FileError | None, Field(description="Why processing failed; absent otherwise.")] = (
        None
    )
    usage_bytes: Annotated[int, Field(description="Storage the processed file uses, in bytes.")]
    attributes: Annotated[
        Attributes | None,
        Field(description="Key-value attributes for search filters; absent when it has none."),
    ] = None
    created_at: Annotated[int, Field(description="When it was attached, as Unix time in seconds.")]

    @classmethod
    def of(cls, upstream: Any) -> VectorStoreFileView:
        """The tool's view of an upstream ``vector_store.file``."""
        error = upstream.last_error
        return cls(
            id=upstream.id,
            vector_store_id=upstream.vector_store_id,
            status=upstream.status,
            last_error=FileError(code=error.code, message=error.message) if error else None,
            usage_bytes=upstream.usage_bytes,
            attributes=upstream.attributes or None,
            created_at=upstream.created_at,
        )


class VectorStoreFileResult(VectorStoreFileView):
    """One vector store file, and what to do next."""

    next_step: NextStep


class VectorStoreFileListing(ResultModel):
    """One page of a vector store's files, with cursors to the pages around it."""

    vector_store_id: Annotated[str, Field(description="The vector store whose files these are.")]
    order: Annotated[Order, Field(description="Sort order by attachment time: asc or desc.")]
    filter: Annotated[Status | None, Field(description="The status listed; absent when every file is.")] = (
        None
    )
    files: Annotated[list[VectorStoreFileView], Field(description="The files on this page, in `order`.")]
    has_more: Annotated[bool, Field(description="Whether more files follow this page (next_cursor is set).")]
    next_cursor: Annotated[
        str | None,
        Field(
            description="Pass as `cursor` (same vector_store_id, order and filter) for the next page; absent at the end."
        ),
    ] = None
    previous_cursor: PreviousCursor = None
    next_step: NextStep

    def resource_links(self) -> list[Link]:
        """A link to each file's resource (``vector-store-files://...``)."""
        return [
            Link(
                VECTOR_STORE_FILE.uri(vector_store_id=f.vector_store_id, file_id=f.id),
                name=f.id,
                description=f"File {f.id} of vector store {f.vector_store_id} ({f.status.replace('_', ' ')}).",
            )
            for f in self.files
        ]


class DetachedVectorStoreFile(ResultModel):
    """The result of detaching a file from a vector store."""

    id: Annotated[str, Field(description="The file that was detached.")]
    vector_store_id: Annotated[str, Field(description="The vector store it was detached from.")]
    deleted: Deleted
    already_detached: AlreadyDetached
    next_step: NextStep
