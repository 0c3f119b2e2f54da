"""Typed objects of the upstream contracts (unknown fields kept, as openai-python's are)."""

from ._base import ListResponse, UpstreamModel
from .assistant_files import AssistantFile, FileDeleteResponse, ListAssistantFilesResponse

__all__ = [
    "AssistantFile",
    "FileDeleteResponse",
    "ListAssistantFilesResponse",
    "ListResponse",
    "UpstreamModel",
]
