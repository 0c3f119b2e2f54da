"""The public names are a promise: changing them is a reviewed change of this test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mcp_assistant_files
from mcp_assistant_files import client as errors

EXPECTED = {
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
    "AsyncBeta",
    "AsyncBetaAssistants",
    "AsyncCursorPage",
    "AsyncFileBatches",
    "AsyncFileBatchesWithRawResponse",
    "AsyncFileBatchesWithStreamingResponse",
    "AsyncFiles",
    "AsyncFilesWithRawResponse",
    "AsyncFilesWithStreamingResponse",
    "AsyncOpenAIClient",
    "AsyncPage",
    "AsyncPageLoader",
    "AsyncPaginator",
    "AsyncResponseContextManager",
    "AsyncUploadedFiles",
    "AsyncUploadedFilesWithRawResponse",
    "AsyncUploadedFilesWithStreamingResponse",
    "AsyncVectorStoreFiles",
    "AsyncVectorStoreFilesWithRawResponse",
    "AsyncVectorStoreFilesWithStreamingResponse",
    "AsyncVectorStores",
    "AsyncVectorStoresWithRawResponse",
    "AsyncVectorStoresWithStreamingResponse",
    "AuthenticationError",
    "BadRequestError",
    "Beta",
    "BetaAssistants",
    "BinaryResponseContent",
    "ConflictError",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ExpiresAfter",
    "FileBatches",
    "FileBatchesWithRawResponse",
    "FileBatchesWithStreamingResponse",
    "FileContentResponse",
    "FileCounts",
    "FileDeleteResponse",
    "FileDeleted",
    "FileObject",
    "Files",
    "FilesWithRawResponse",
    "FilesWithStreamingResponse",
    "InternalServerError",
    "LastError",
    "NOT_GIVEN",
    "NotFoundError",
    "NotGiven",
    "OpenAIClient",
    "OtherFileChunkingStrategyObject",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseContextManager",
    "StaticFileChunkingStrategy",
    "StaticFileChunkingStrategyObject",
    "SyncCursorPage",
    "SyncPage",
    "UnprocessableEntityError",
    "UploadedFiles",
    "UploadedFilesWithRawResponse",
    "UploadedFilesWithStreamingResponse",
    "VectorStore",
    "VectorStoreDeleted",
    "VectorStoreFile",
    "VectorStoreFileBatch",
    "VectorStoreFileDeleted",
    "VectorStoreFiles",
    "VectorStoreFilesWithRawResponse",
    "VectorStoreFilesWithStreamingResponse",
    "VectorStores",
    "VectorStoresWithRawResponse",
    "VectorStoresWithStreamingResponse",
    "__version__",
    "skip_poll_pauses",
    "skip_retry_pauses",
}


def test_all_is_pinned() -> None:
    assert set(mcp_assistant_files.__all__) == EXPECTED
    assert len(mcp_assistant_files.__all__) == len(EXPECTED)


def test_every_public_name_is_the_clients_own_object_and_documented() -> None:
    for name in mcp_assistant_files.__all__:
        if name == "__version__":
            assert isinstance(mcp_assistant_files.__version__, str) and mcp_assistant_files.__version__
            continue
        value = getattr(mcp_assistant_files, name)
        # Re-exported, not redefined: one home for each public name.
        assert value is getattr(mcp_assistant_files.client, name), name
        documented = value if isinstance(value, type) else type(value)
        assert (documented.__doc__ or "").strip(), f"{name} has no docstring"


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


def test_the_client_the_service_and_the_backend_never_import_mcp() -> None:
    # Every module of the three layers below the MCP adapter, imported in a fresh interpreter.
    package = Path(mcp_assistant_files.__file__).parent
    modules = sorted(
        "mcp_assistant_files."
        + ".".join(path.relative_to(package).with_suffix("").parts).removesuffix(".__init__")
        for layer in ("client", "service", "backend")
        for path in (package / layer).rglob("*.py")
    )
    assert len(modules) > 20
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'mcp' or m.startswith('mcp.'))\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
