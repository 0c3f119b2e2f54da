"""The vector-store objects, as openai-python 3.57 types them (``openai.types.vector_store*``).

Required fields are openai-python's: the OpenAPI file also requires ``VectorStore.metadata`` and
``last_active_at`` and ``VectorStoreFile.last_error`` (nullable), but compatible servers leave
them out, and openai-python reads them as ``None``; so do these models.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import Field

from ._base import Deletion, ListResponse, UpstreamModel

__all__ = [
    "ExpiresAfter",
    "FileContentResponse",
    "FileCounts",
    "LastError",
    "ListVectorStoreFilesResponse",
    "ListVectorStoresResponse",
    "OtherFileChunkingStrategyObject",
    "StaticFileChunkingStrategy",
    "StaticFileChunkingStrategyObject",
    "VectorStore",
    "VectorStoreDeleted",
    "VectorStoreFile",
    "VectorStoreFileBatch",
    "VectorStoreFileDeleted",
    "VectorStoreFileStatus",
]

VectorStoreFileStatus: TypeAlias = Literal["in_progress", "completed", "cancelled", "failed"]
"""Where a file (or a batch) is in its processing; only ``completed`` files are searched."""


class FileCounts(UpstreamModel):
    """How many files of a vector store (or a batch) are in each state."""

    in_progress: int
    completed: int
    failed: int
    cancelled: int
    total: int


class ExpiresAfter(UpstreamModel):
    """A vector store's expiration policy: ``days`` after it was last active."""

    anchor: Literal["last_active_at"]
    days: int


class VectorStore(UpstreamModel):
    """A collection of processed files the ``file_search`` tool searches (``vector_store``)."""

    id: str
    object: Literal["vector_store"]
    created_at: int
    """Unix time (seconds) of the creation."""
    name: str
    usage_bytes: int
    file_counts: FileCounts
    status: Literal["expired", "in_progress", "completed"]
    last_active_at: int | None = None
    metadata: dict[str, str] | None = None
    expires_after: ExpiresAfter | None = None
    expires_at: int | None = None


class VectorStoreDeleted(Deletion):
    """The answer to a vector store's deletion (``vector_store.deleted``)."""

    object: Literal["vector_store.deleted"]


class LastError(UpstreamModel):
    """Why a vector store file failed."""

    code: Literal["server_error", "unsupported_file", "invalid_file"]
    message: str


class StaticFileChunkingStrategy(UpstreamModel):
    """Chunk size and overlap, in tokens."""

    max_chunk_size_tokens: int
    chunk_overlap_tokens: int


class StaticFileChunkingStrategyObject(UpstreamModel):
    """The file was chunked with ``static`` settings."""

    type: Literal["static"]
    static: StaticFileChunkingStrategy


class OtherFileChunkingStrategyObject(UpstreamModel):
    """The chunking is unknown (the file was indexed before chunking strategies existed)."""

    type: Literal["other"]


FileChunkingStrategy: TypeAlias = Annotated[
    StaticFileChunkingStrategyObject | OtherFileChunkingStrategyObject, Field(discriminator="type")
]


class VectorStoreFile(UpstreamModel):
    """A file attached to a vector store (``vector_store.file``); its ``id`` is the File's id."""

    id: str
    object: Literal["vector_store.file"]
    created_at: int
    """Unix time (seconds) of the attachment."""
    vector_store_id: str
    status: VectorStoreFileStatus
    usage_bytes: int
    """What the file takes in the vector store (not its size)."""
    last_error: LastError | None = None
    attributes: dict[str, str | bool | int | float] | None = None  # int kept: 2024 is not 2024.0
    chunking_strategy: FileChunkingStrategy | None = None


class VectorStoreFileDeleted(Deletion):
    """The answer to a detach (``vector_store.file.deleted``); the File itself is kept."""

    object: Literal["vector_store.file.deleted"]


class VectorStoreFileBatch(UpstreamModel):
    """A batch of files attached together (``vector_store.files_batch``, as the API spells it)."""

    id: str
    object: Literal["vector_store.files_batch"]
    created_at: int
    vector_store_id: str
    status: VectorStoreFileStatus
    file_counts: FileCounts


class FileContentResponse(UpstreamModel):
    """One piece of a vector store file's parsed content."""

    type: str | None = None
    """The content type (``text``)."""
    text: str | None = None


ListVectorStoresResponse = ListResponse[VectorStore]
"""One page of vector stores, as sent on the wire."""
ListVectorStoreFilesResponse = ListResponse[VectorStoreFile]
"""One page of a vector store's (or a batch's) files, as sent on the wire."""
