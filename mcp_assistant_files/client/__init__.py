"""The assistant-files HTTP client (sync and async); it never imports ``mcp``."""

from ._base import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._clients import AssistantsClient, AsyncAssistantsClient
from ._files import (
    AsyncFiles,
    AsyncFilesWithRawResponse,
    AsyncFilesWithStreamingResponse,
    Files,
    FilesWithRawResponse,
    FilesWithStreamingResponse,
)
from ._pages import AsyncCursorPage, AsyncPaginator, SyncCursorPage
from ._response import APIResponse, AsyncAPIResponse
from ._types import NOT_GIVEN, NotGiven
from ._wrappers import AsyncResponseContextManager, ResponseContextManager

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIResponse",
    "AssistantsClient",
    "AsyncAPIResponse",
    "AsyncAssistantsClient",
    "AsyncCursorPage",
    "AsyncFiles",
    "AsyncFilesWithRawResponse",
    "AsyncFilesWithStreamingResponse",
    "AsyncPaginator",
    "AsyncResponseContextManager",
    "Files",
    "FilesWithRawResponse",
    "FilesWithStreamingResponse",
    "NotGiven",
    "ResponseContextManager",
    "SyncCursorPage",
]
