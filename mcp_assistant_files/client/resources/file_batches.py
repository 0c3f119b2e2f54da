"""``client.vector_stores.file_batches``: attach many files at once, follow and cancel the batch.

``FileBatches`` (sync) and ``AsyncFileBatches`` have openai-python 3.57's signatures. The HTTP
methods are here (each sends ``OpenAI-Beta: assistants=v2`` before the caller's
``extra_headers``), their raw and streaming variants in ``vector_store_variants``; the poll and
upload helpers come from ``file_batch_helpers`` and, as in openai-python, have no variants.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from .._options import BETA_V2, path_segment, request_options
from .._pages import AsyncPaginator, SyncCursorPage
from .._params import Attributes, FileBatchFileParam, FileChunkingStrategyParam, SequenceNotStr
from .._response import parse_model
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Order, Query, TimeoutArg
from ..models import VectorStoreFile, VectorStoreFileBatch
from ..models.vector_stores import VectorStoreFileStatus
from .file_batch_helpers import AsyncFileBatchHelpers, FileBatchHelpers
from .vector_store_variants import (
    AsyncFileBatchesWithRawResponse,
    AsyncFileBatchesWithStreamingResponse,
    FileBatchesWithRawResponse,
    FileBatchesWithStreamingResponse,
)

if TYPE_CHECKING:
    from .._clients import AsyncOpenAIClient, OpenAIClient

__all__ = [
    "AsyncFileBatches",
    "AsyncFileBatchesWithRawResponse",
    "AsyncFileBatchesWithStreamingResponse",
    "FileBatches",
    "FileBatchesWithRawResponse",
    "FileBatchesWithStreamingResponse",
]

_parse_batch = parse_model(VectorStoreFileBatch)


def _path(vector_store_id: str, batch_id: str | None = None, tail: str = "") -> str:
    path = f"/vector_stores/{path_segment(vector_store_id, 'vector_store_id')}/file_batches"
    return path if batch_id is None else f"{path}/{path_segment(batch_id, 'batch_id')}{tail}"


def _create_body(
    attributes: Attributes | NotGiven | None,
    chunking_strategy: FileChunkingStrategyParam | NotGiven,
    file_ids: SequenceNotStr[str] | NotGiven,
    files: Iterable[FileBatchFileParam] | NotGiven,
) -> dict[str, object]:
    listed = files if isinstance(files, NotGiven) else list(files)
    return {
        "attributes": attributes,
        "chunking_strategy": chunking_strategy,
        "file_ids": file_ids,
        "files": listed,
    }


class FileBatches(FileBatchHelpers):
    """``client.vector_stores.file_batches`` of ``OpenAIClient``."""

    def __init__(self, client: OpenAIClient) -> None:
        self._client = client

    with_raw_response = cached_property(FileBatchesWithRawResponse)
    with_streaming_response = cached_property(FileBatchesWithStreamingResponse)

    def create(
        self,
        vector_store_id: str,
        *,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        file_ids: SequenceNotStr[str] | NotGiven = NOT_GIVEN,
        files: Iterable[FileBatchFileParam] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Attach ``file_ids`` (or ``files``, each with its own settings; up to 2000) in one batch."""
        options = request_options(
            "POST", _path(vector_store_id), json_data=_create_body(attributes, chunking_strategy, file_ids, files),
            headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_batch)

    def retrieve(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Get a batch (its ``file_counts`` say how far it is)."""
        options = request_options(
            "GET", _path(vector_store_id, batch_id), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_batch)

    def cancel(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Cancel the processing of the batch's files, as soon as possible."""
        options = request_options(
            "POST", _path(vector_store_id, batch_id, "/cancel"), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_batch)

    def list_files(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
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
        """The first page of the batch's files (``filter`` by status); iterate it to walk every page."""
        options = request_options(
            "GET", _path(vector_store_id, batch_id, "/files"), params={"after": after, "before": before,
            "filter": filter, "limit": limit, "order": order}, headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._get_page(options, VectorStoreFile)


class AsyncFileBatches(AsyncFileBatchHelpers):
    """``client.vector_stores.file_batches`` of ``AsyncOpenAIClient``."""

    def __init__(self, client: AsyncOpenAIClient) -> None:
        self._client = client

    with_raw_response = cached_property(AsyncFileBatchesWithRawResponse)
    with_streaming_response = cached_property(AsyncFileBatchesWithStreamingResponse)

    async def create(
        self,
        vector_store_id: str,
        *,
        attributes: Attributes | NotGiven | None = NOT_GIVEN,
        chunking_strategy: FileChunkingStrategyParam | NotGiven = NOT_GIVEN,
        file_ids: SequenceNotStr[str] | NotGiven = NOT_GIVEN,
        files: Iterable[FileBatchFileParam] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Attach ``file_ids`` (or ``files``, each with its own settings; up to 2000) in one batch."""
        options = request_options(
            "POST", _path(vector_store_id), json_data=_create_body(attributes, chunking_strategy, file_ids, files),
            headers=BETA_V2, extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_batch)

    async def retrieve(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Get a batch (its ``file_counts`` say how far it is)."""
        options = request_options(
            "GET", _path(vector_store_id, batch_id), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_batch)

    async def cancel(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> VectorStoreFileBatch:
        """Cancel the processing of the batch's files, as soon as possible."""
        options = request_options(
            "POST", _path(vector_store_id, batch_id, "/cancel"), headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_batch)

    def list_files(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
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
            "GET", _path(vector_store_id, batch_id, "/files"), params={"after": after, "before": before,
            "filter": filter, "limit": limit, "order": order}, headers=BETA_V2, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return AsyncPaginator(lambda: self._client._get_page(options, VectorStoreFile))
