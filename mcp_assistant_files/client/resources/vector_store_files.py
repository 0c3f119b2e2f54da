"""``client.vector_stores.files``: the files attached to a vector store.

``VectorStoreFiles`` (sync) and ``AsyncVectorStoreFiles`` have openai-python 3.57's signatures.
The HTTP methods are here (each sends ``OpenAI-Beta: assistants=v2`` before the caller's
``extra_headers``), their raw and streaming variants in ``vector_store_variants``; the poll and
upload helpers come from ``vector_store_file_helpers`` and, as in openai-python, have no variants.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .._options import BETA_V2, path_segment, request_options, required
from .._pages import AsyncPageLoader, AsyncPaginator, SyncCursorPage, SyncPage
from .._params import Attributes, FileChunkingStrategyParam
from .._response import parse_model
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Order, Query, TimeoutArg
from ..models import FileContentResponse, VectorStoreFile, VectorStoreFileDeleted
from ..models.vector_stores import VectorStoreFileStatus
from .vector_store_file_helpers import AsyncVectorStoreFileHelpers, VectorStoreFileHelpers
from .vector_store_variants import (
    AsyncVectorStoreFilesWithRawResponse,
    AsyncVectorStoreFilesWithStreamingResponse,
    VectorStoreFilesWithRawResponse,
    VectorStoreFilesWithStreamingResponse,
)

if TYPE_CHECKING:
    from .._clients import AsyncOpenAIClient, OpenAIClient

__all__ = [
    "AsyncVectorStoreFiles",
    "AsyncVectorStoreFilesWithRawResponse",
    "AsyncVectorStoreFilesWithStreamingResponse",
    "VectorStoreFiles",
    "VectorStoreFilesWithRawResponse",
    "VectorStoreFilesWithStreamingResponse",
    "files_path",
]

_parse_file = parse_model(VectorStoreFile)
_parse_deleted = parse_model(VectorStoreFileDeleted)


def files_path(vector_store_id: str, file_id: str | None = None, *, tail: str = "") -> str:
    """``/vector_stores/{vector_store_id}/files[/{file_id}][tail]``, each id one encoded segment."""
    path = f"/vector_stores/{path_segment(vector_store_id, 'vector_store_id')}/files"
    return path if file_id is None else f"{path}/{path_segment(file_id, 'file_id')}{tail}"


class VectorStoreFiles(VectorStoreFileHelpers):
    """``client.vector_stores.files`` of ``OpenAIClient``."""

    def __init__(self, client: OpenAIClient) -> None:
        self._client = client

    with_raw_response = cached_property(VectorStoreFilesWithRawResponse)
    with_streaming_response = cached_property(VectorStoreFilesWithStreamingResponse)

    def create(
        self,
        vector_store_id: str,
        *,
        file_id: str,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Attach File ``file_id`` to the vector store (processing goes on after the answer)."""
        options = request_options(
            "POST", files_path(vector_store_id), json_data={"file_id": required(file_id, "file_id"),
            "attributes": attributes, "chunking_strategy": chunking_strategy}, headers=BETA_V2,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_file)

    def retrieve(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Get one file of the vector store."""
        options = request_options(
            "GET", files_path(vector_store_id, file_id), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_file)

    def update(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        attributes: Attributes | None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Replace the file's attributes (``None`` clears them)."""
        options = request_options(
            "POST", files_path(vector_store_id, file_id), json_data={"attributes": attributes}, headers=BETA_V2,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_file)

    def list(
        self,
        vector_store_id: str,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        filter: VectorStoreFileStatus | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> SyncCursorPage[VectorStoreFile]:
        """The first page of the store's files (``filter`` by status); iterate it to walk every page."""
        options = request_options(
            "GET", files_path(vector_store_id), params={"after": after, "before": before, "filter": filter,
            "limit": limit, "order": order}, headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._get_page(options, VectorStoreFile)

    def delete(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileDeleted:
        """Detach the file from the vector store (the File itself is kept)."""
        options = request_options(
            "DELETE", files_path(vector_store_id, file_id), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_deleted)

    def content(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> SyncPage[FileContentResponse]:
        """The file's parsed content, in one page (no further page is fetched, as openai-python)."""
        options = request_options(
            "GET", files_path(vector_store_id, file_id, tail="/content"), headers=BETA_V2,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._get_single_page(options, FileContentResponse)


class AsyncVectorStoreFiles(AsyncVectorStoreFileHelpers):
    """``client.vector_stores.files`` of ``AsyncOpenAIClient``."""

    def __init__(self, client: AsyncOpenAIClient) -> None:
        self._client = client

    with_raw_response = cached_property(AsyncVectorStoreFilesWithRawResponse)
    with_streaming_response = cached_property(AsyncVectorStoreFilesWithStreamingResponse)

    async def create(
        self,
        vector_store_id: str,
        *,
        file_id: str,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Attach File ``file_id`` to the vector store (processing goes on after the answer)."""
        options = request_options(
            "POST", files_path(vector_store_id), json_data={"file_id": required(file_id, "file_id"),
            "attributes": attributes, "chunking_strategy": chunking_strategy}, headers=BETA_V2,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_file)

    async def retrieve(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Get one file of the vector store."""
        options = request_options(
            "GET", files_path(vector_store_id, file_id), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_file)

    async def update(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        attributes: Attributes | None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFile:
        """Replace the file's attributes (``None`` clears them)."""
        options = request_options(
            "POST", files_path(vector_store_id, file_id), json_data={"attributes": attributes}, headers=BETA_V2,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_file)

    def list(
        self,
        vector_store_id: str,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        filter: VectorStoreFileStatus | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[VectorStoreFile]:
        """``await`` it for the first page, or ``async for`` over every file of every page."""
        options = request_options(
            "GET", files_path(vector_store_id), params={"after": after, "before": before, "filter": filter,
            "limit": limit, "order": order}, headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return AsyncPaginator(lambda: self._client._get_page(options, VectorStoreFile))

    async def delete(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileDeleted:
        """Detach the file from the vector store (the File itself is kept)."""
        options = request_options(
            "DELETE", files_path(vector_store_id, file_id), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_deleted)

    def content(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> AsyncPageLoader[FileContentResponse]:
        """``await`` it for the file's parsed content in one ``AsyncPage``, or ``async for`` over it."""
        options = request_options(
            "GET", files_path(vector_store_id, file_id, tail="/content"), headers=BETA_V2,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return AsyncPageLoader(lambda: self._client._get_single_page(options, FileContentResponse))
