"""Typed objects of the upstream contracts (unknown fields kept, as openai-python's are)."""

from ._base import ListResponse, PageResponse, UpstreamModel
from .assistant_files import AssistantFile, FileDeleteResponse, ListAssistantFilesResponse
from .files import FileDeleted, FileObject, ListFilesResponse
from .vector_stores import (
    ExpiresAfter,
    FileContentResponse,
    FileCounts,
    LastError,
    ListVectorStoreFilesResponse,
    ListVectorStoresResponse,
    OtherFileChunkingStrategyObject,
    StaticFileChunkingStrategy,
    StaticFileChunkingStrategyObject,
    VectorStore,
    VectorStoreDeleted,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileDeleted,
)

__all__ = [
    "AssistantFile",
    "ExpiresAfter",
    "FileContentResponse",
    "FileCounts",
    "FileDeleteResponse",
    "FileDeleted",
    "FileObject",
    "LastError",
    "ListAssistantFilesResponse",
    "ListFilesResponse",
    "ListResponse",
    "ListVectorStoreFilesResponse",
    "ListVectorStoresResponse",
    "OtherFileChunkingStrategyObject",
    "PageResponse",
    "StaticFileChunkingStrategy",
    "StaticFileChunkingStrategyObject",
    "UpstreamModel",
    "VectorStore",
    "VectorStoreDeleted",
    "VectorStoreFile",
    "VectorStoreFileBatch",
    "VectorStoreFileDeleted",
]
