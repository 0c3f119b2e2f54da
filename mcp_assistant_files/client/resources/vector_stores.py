"""``client.vector_stores``: create, retrieve, update, list and delete vector stores.

``VectorStores`` (sync) and ``AsyncVectorStores`` have openai-python 3.57's signatures (its
``search`` is not here). Every request sends ``OpenAI-Beta: assistants=v2`` before the caller's
``extra_headers``, so they can override it. ``.files`` and ``.file_batches`` are the nested
resources; the raw and streaming variants (``vector_store_variants``) carry them too.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .._options import BETA_V2, path_segment, request_options
from .._pages import AsyncPaginator, SyncCursorPage
from .._params import FileChunkingStrategyParam, Metadata, SequenceNotStr, VectorStoreExpiresAfterParam
from .._response import parse_model
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Order, Query, TimeoutArg
from ..models import VectorStore, VectorStoreDeleted
from .file_batches import (
    AsyncFileBatches,
    FileBatches,
)
from .vector_store_files import (
    AsyncVectorStoreFiles,
    VectorStoreFiles,
)
from .vector_store_variants import (
    AsyncVectorStoresWithRawResponse,
    AsyncVectorStoresWithStreamingResponse,
    VectorStoresWithRawResponse,
    VectorStoresWithStreamingResponse,
)

if TYPE_CHECKING:
    from .._clients import AsyncOpenAIClient, OpenAIClient

__all__ = [
    "AsyncVectorStores",
    "AsyncVectorStoresWithRawResponse",
    "AsyncVectorStoresWithStreamingResponse",
    "VectorStores",
    "VectorStoresWithRawResponse",
    "VectorStoresWithStreamingResponse",
]

_parse_store = parse_model(VectorStore)
_parse_deleted = parse_model(VectorStoreDeleted)


def _path(vector_store_id: str | None = None) -> str:
    return (
        "/vector_stores"
        if vector_store_id is None
        else f"/vector_stores/{path_segment(vector_store_id, 'vector_store_id')}"
    )


class VectorStores:
    """``client.vector_stores`` of ``OpenAIClient``."""

    def __init__(self, client: OpenAIClient) -> None:
        self._client = client
        self.files = VectorStoreFiles(client)
        self.file_batches = FileBatches(client)

    with_raw_response = cached_property(VectorStoresWithRawResponse)
    with_streaming_response = cached_property(VectorStoresWithStreamingResponse)

    def create(
        self,
        *,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        expires_after: VectorStoreExpiresAfterParam | NotGiven = NOT_GIVEN,
        file_ids: SequenceNotStr[str] | NotGiven = NOT_GIVEN,
        metadata: Metadata | NotGiven | None = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStore:
        """Create a vector store (``file_ids``: up to 500 files to add at once)."""
        options = request_options(
            "POST", _path(), json_data={"chunking_strategy": chunking_strategy, "description": description,
            "expires_after": expires_after, "file_ids": file_ids, "metadata": metadata, "name": name},
            headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_store)

    def retrieve(
        self,
        vector_store_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStore:
        """Get a vector store."""
        options = request_options(
            "GET", _path(vector_store_id), headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query,
            extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_store)

    def update(
        self,
        vector_store_id: str,
        *,
        expires_after: VectorStoreExpiresAfterParam | NotGiven | None = NOT_GIVEN,
        metadata: Metadata | NotGiven | None = NOT_GIVEN,
        name: str | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStore:
        """Change a vector store; ``None`` clears a field (sent as ``null``)."""
        options = request_options(
            "POST", _path(vector_store_id), json_data={"expires_after": expires_after, "metadata": metadata,
            "name": name}, headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query,
            extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_store)

    def list(
        self,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> SyncCursorPage[VectorStore]:
        """The first page of vector stores (``limit`` 1-100); iterate it to walk every page."""
        options = request_options(
            "GET", _path(), params={"after": after, "before": before, "limit": limit, "order": order},
            headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return self._client._get_page(options, VectorStore)

    def delete(
        self,
        vector_store_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreDeleted:
        """Delete a vector store (its files are kept in the Files API)."""
        options = request_options(
            "DELETE", _path(vector_store_id), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_deleted)


class AsyncVectorStores:
    """``client.vector_stores`` of ``AsyncOpenAIClient``."""

    def __init__(self, client: AsyncOpenAIClient) -> None:
        self._client = client
        self.files = AsyncVectorStoreFiles(client)
        self.file_batches = AsyncFileBatches(client)

    with_raw_response = cached_property(AsyncVectorStoresWithRawResponse)
    with_streaming_response = cached_property(AsyncVectorStoresWithStreamingResponse)

    async def create(
        self,
        *,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        expires_after: VectorStoreExpiresAfterParam | NotGiven = NOT_GIVEN,
        file_ids: SequenceNotStr[str] | NotGiven = NOT_GIVEN,
        metadata: Metadata | NotGiven | None = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStore:
        """Create a vector store (``file_ids``: up to 500 files to add at once)."""
        options = request_options(
            "POST", _path(), json_data={"chunking_strategy": chunking_strategy, "description": description,
            "expires_after": expires_after, "file_ids": file_ids, "metadata": metadata, "name": name},
            headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_store)

    async def retrieve(
        self,
        vector_store_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStore:
        """Get a vector store."""
        options = request_options(
            "GET", _path(vector_store_id), headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query,
            extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_store)

    async def update(
        self,
        vector_store_id: str,
        *,
        expires_after: VectorStoreExpiresAfterParam | NotGiven | None = NOT_GIVEN,
        metadata: Metadata | NotGiven | None = NOT_GIVEN,
        name: str | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStore:
        """Change a vector store; ``None`` clears a field (sent as ``null``)."""
        options = request_options(
            "POST", _path(vector_store_id), json_data={"expires_after": expires_after, "metadata": metadata,
            "name": name}, headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query,
            extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_store)

    def list(
        self,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[VectorStore]:
        """``await`` it for the first page, or ``async for`` over every vector store of every page."""
        options = request_options(
            "GET", _path(), params={"after": after, "before": before, "limit": limit, "order": order},
            headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return AsyncPaginator(lambda: self._client._get_page(options, VectorStore))

    async def delete(
        self,
        vector_store_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreDeleted:
        """Delete a vector store (its files are kept in the Files API)."""
        options = request_options(
            "DELETE", _path(vector_store_id), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_deleted)
