"""mcp-assistant-files: an MCP server and typed client for the files of v1 assistants.

The client mirrors openai-python 1.x's ``beta.assistants.files``::

    from mcp_assistant_files import AsyncAssistantsClient

    async with AsyncAssistantsClient(base_url="http://127.0.0.1:8765/v1") as client:
        async for f in client.files.list("asst_..."):
            ...
"""

from ._version import __version__
from .client import (
    NOT_GIVEN,
    APIResponse,
    AssistantsClient,
    AsyncAPIResponse,
    AsyncAssistantsClient,
    AsyncCursorPage,
    AsyncFiles,
    AsyncPaginator,
    Files,
    NotGiven,
    SyncCursorPage,
)
from .errors import (
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
from .models import AssistantFile, FileDeleteResponse

__all__ = [
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
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "FileDeleteResponse",
    "Files",
    "InternalServerError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "SyncCursorPage",
    "UnprocessableEntityError",
    "__version__",
]
