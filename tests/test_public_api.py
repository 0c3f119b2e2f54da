"""The public names are a promise: changing them is a reviewed change of this test."""

from __future__ import annotations

import subprocess
import sys

import mcp_assistant_files
from mcp_assistant_files import errors

EXPECTED = {
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
}


def test_all_is_pinned() -> None:
    assert set(mcp_assistant_files.__all__) == EXPECTED
    assert len(mcp_assistant_files.__all__) == len(EXPECTED)


def test_every_public_name_resolves() -> None:
    for name in mcp_assistant_files.__all__:
        assert getattr(mcp_assistant_files, name) is not None


def test_error_tree_matches_openai() -> None:
    assert issubclass(errors.APIError, errors.AssistantFilesError)
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
    assert issubclass(errors.APIConnectionError, errors.APIError)
    assert issubclass(errors.APIResponseValidationError, errors.APIError)
    for name in (
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "UnprocessableEntityError",
        "RateLimitError",
        "InternalServerError",
    ):
        assert issubclass(getattr(errors, name), errors.APIStatusError)


def test_files_resources_match_openai_beta_assistants_files() -> None:
    for cls in (mcp_assistant_files.Files, mcp_assistant_files.AsyncFiles):
        for method in (
            "create",
            "retrieve",
            "delete",
            "list",
            "with_raw_response",
            "with_streaming_response",
        ):
            assert hasattr(cls, method), (cls, method)


def test_the_client_never_imports_mcp() -> None:
    code = (
        "import sys, mcp_assistant_files, mcp_assistant_files.client, mcp_assistant_files.cursors; "
        "bad = [m for m in sys.modules if m == 'mcp' or m.startswith('mcp.')]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
