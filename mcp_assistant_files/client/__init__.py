"""The HTTP client (sync and async), its exceptions and its models; it never imports ``mcp``."""

from ._base import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._clients import AssistantsClient, AsyncAssistantsClient
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AssistantFilesError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._pages import AsyncCursorPage, AsyncPaginator, SyncCursorPage
from ._pause import skip_retry_pauses
from ._response import APIResponse, AsyncAPIResponse
from ._types import NOT_GIVEN, NotGiven
from ._wrappers import AsyncResponseContextManager, ResponseContextManager
from .models import AssistantFile, FileDeleteResponse
from .resources.assistant_files import (
    AsyncFiles,
    AsyncFilesWithRawResponse,
    AsyncFilesWithStreamingResponse,
    Files,
    FilesWithRawResponse,
    FilesWithStreamingResponse,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AssistantFile",
    "AssistantFilesError",
    "AssistantsClient",
    "AsyncAPIResponse",
    "AsyncAssistantsClient",
    "AsyncCursorPage",
    "AsyncFiles",
    "AsyncFilesWithRawResponse",
    "AsyncFilesWithStreamingResponse",
    "AsyncPaginator",
    "AsyncResponseContextManager",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "FileDeleteResponse",
    "Files",
    "FilesWithRawResponse",
    "FilesWithStreamingResponse",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseContextManager",
    "SyncCursorPage",
    "UnprocessableEntityError",
    "skip_retry_pauses",
]
