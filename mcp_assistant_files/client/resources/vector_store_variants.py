"""The raw and streaming variants of the vector-store resources (``with_raw_response`` and
``with_streaming_response`` of ``vector_stores``, ``vector_stores.files`` and
``vector_stores.file_batches``).

As in openai-python 3.57 they wrap only the HTTP methods, not the poll and upload helpers, and a
vector store's variants lead on to its files' and batches' variants. Each method is the plain
one, marked by ``_wrappers`` to return the response object; nothing is copied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._wrappers import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)

if TYPE_CHECKING:
    from .file_batches import AsyncFileBatches, FileBatches
    from .vector_store_files import AsyncVectorStoreFiles, VectorStoreFiles
    from .vector_stores import AsyncVectorStores, VectorStores

__all__ = [
    "AsyncFileBatchesWithRawResponse",
    "AsyncFileBatchesWithStreamingResponse",
    "AsyncVectorStoreFilesWithRawResponse",
    "AsyncVectorStoreFilesWithStreamingResponse",
    "AsyncVectorStoresWithRawResponse",
    "AsyncVectorStoresWithStreamingResponse",
    "FileBatchesWithRawResponse",
    "FileBatchesWithStreamingResponse",
    "VectorStoreFilesWithRawResponse",
    "VectorStoreFilesWithStreamingResponse",
    "VectorStoresWithRawResponse",
    "VectorStoresWithStreamingResponse",
]


class VectorStoreFilesWithRawResponse:
    """``vector_stores.files.with_raw_response``.

    The same HTTP methods, returning an ``APIResponse`` (``.parse()`` for the result).
    """

    def __init__(self, files: VectorStoreFiles) -> None:
        self.create = to_raw_response_wrapper(files.create)
        self.retrieve = to_raw_response_wrapper(files.retrieve)
        self.update = to_raw_response_wrapper(files.update)
        self.list = to_raw_response_wrapper(files.list)
        self.delete = to_raw_response_wrapper(files.delete)
        self.content = to_raw_response_wrapper(files.content)


class VectorStoreFilesWithStreamingResponse:
    """``vector_stores.files.with_streaming_response``.

    The same HTTP methods as context managers whose body is read only on demand.
    """

    def __init__(self, files: VectorStoreFiles) -> None:
        self.create = to_streamed_response_wrapper(files.create)
        self.retrieve = to_streamed_response_wrapper(files.retrieve)
        self.update = to_streamed_response_wrapper(files.update)
        self.list = to_streamed_response_wrapper(files.list)
        self.delete = to_streamed_response_wrapper(files.delete)
        self.content = to_streamed_response_wrapper(files.content)


class AsyncVectorStoreFilesWithRawResponse:
    """``vector_stores.files.with_raw_response`` of the async client.

    The same HTTP methods, returning an ``AsyncAPIResponse`` (``await .parse()`` for the result).
    """

    def __init__(self, files: AsyncVectorStoreFiles) -> None:
        self.create = async_to_raw_response_wrapper(files.create)
        self.retrieve = async_to_raw_response_wrapper(files.retrieve)
        self.update = async_to_raw_response_wrapper(files.update)
        self.list = async_to_raw_response_wrapper(files.list)
        self.delete = async_to_raw_response_wrapper(files.delete)
        self.content = async_to_raw_response_wrapper(files.content)


class AsyncVectorStoreFilesWithStreamingResponse:
    """``vector_stores.files.with_streaming_response`` of the async client.

    The same HTTP methods as async context managers whose body is read only on demand.
    """

    def __init__(self, files: AsyncVectorStoreFiles) -> None:
        self.create = async_to_streamed_response_wrapper(files.create)
        self.retrieve = async_to_streamed_response_wrapper(files.retrieve)
        self.update = async_to_streamed_response_wrapper(files.update)
        self.list = async_to_streamed_response_wrapper(files.list)
        self.delete = async_to_streamed_response_wrapper(files.delete)
        self.content = async_to_streamed_response_wrapper(files.content)


class FileBatchesWithRawResponse:
    """``vector_stores.file_batches.with_raw_response``.

    The same HTTP methods, returning an ``APIResponse`` (``.parse()`` for the result).
    """

    def __init__(self, batches: FileBatches) -> None:
        self.create = to_raw_response_wrapper(batches.create)
        self.retrieve = to_raw_response_wrapper(batches.retrieve)
        self.cancel = to_raw_response_wrapper(batches.cancel)
        self.list_files = to_raw_response_wrapper(batches.list_files)


class FileBatchesWithStreamingResponse:
    """``vector_stores.file_batches.with_streaming_response``.

    The same HTTP methods as context managers whose body is read only on demand.
    """

    def __init__(self, batches: FileBatches) -> None:
        self.create = to_streamed_response_wrapper(batches.create)
        self.retrieve = to_streamed_response_wrapper(batches.retrieve)
        self.cancel = to_streamed_response_wrapper(batches.cancel)
        self.list_files = to_streamed_response_wrapper(batches.list_files)


class AsyncFileBatchesWithRawResponse:
    """``vector_stores.file_batches.with_raw_response`` of the async client.

    The same HTTP methods, returning an ``AsyncAPIResponse`` (``await .parse()`` for the result).
    """

    def __init__(self, batches: AsyncFileBatches) -> None:
        self.create = async_to_raw_response_wrapper(batches.create)
        self.retrieve = async_to_raw_response_wrapper(batches.retrieve)
        self.cancel = async_to_raw_response_wrapper(batches.cancel)
        self.list_files = async_to_raw_response_wrapper(batches.list_files)


class AsyncFileBatchesWithStreamingResponse:
    """``vector_stores.file_batches.with_streaming_response`` of the async client.

    The same HTTP methods as async context managers whose body is read only on demand.
    """

    def __init__(self, batches: AsyncFileBatches) -> None:
        self.create = async_to_streamed_response_wrapper(batches.create)
        self.retrieve = async_to_streamed_response_wrapper(batches.retrieve)
        self.cancel = async_to_streamed_response_wrapper(batches.cancel)
        self.list_files = async_to_streamed_response_wrapper(batches.list_files)


class VectorStoresWithRawResponse:
    """``vector_stores.with_raw_response`` (with ``.files`` and ``.file_batches``).

    The same HTTP methods, returning an ``APIResponse`` (``.parse()`` for the result).
    """

    def __init__(self, stores: VectorStores) -> None:
        self.create = to_raw_response_wrapper(stores.create)
        self.retrieve = to_raw_response_wrapper(stores.retrieve)
        self.update = to_raw_response_wrapper(stores.update)
        self.list = to_raw_response_wrapper(stores.list)
        self.delete = to_raw_response_wrapper(stores.delete)
        self.files = VectorStoreFilesWithRawResponse(stores.files)
        self.file_batches = FileBatchesWithRawResponse(stores.file_batches)


class VectorStoresWithStreamingResponse:
    """``vector_stores.with_streaming_response`` (with ``.files`` and ``.file_batches``).

    The same HTTP methods as context managers whose body is read only on demand.
    """

    def __init__(self, stores: VectorStores) -> None:
        self.create = to_streamed_response_wrapper(stores.create)
        self.retrieve = to_streamed_response_wrapper(stores.retrieve)
        self.update = to_streamed_response_wrapper(stores.update)
        self.list = to_streamed_response_wrapper(stores.list)
        self.delete = to_streamed_response_wrapper(stores.delete)
        self.files = VectorStoreFilesWithStreamingResponse(stores.files)
        self.file_batches = FileBatchesWithStreamingResponse(stores.file_batches)


class AsyncVectorStoresWithRawResponse:
    """``vector_stores.with_raw_response`` of the async client.

    The same HTTP methods, returning an ``AsyncAPIResponse`` (``await .parse()`` for the result).
    """

    def __init__(self, stores: AsyncVectorStores) -> None:
        self.create = async_to_raw_response_wrapper(stores.create)
        self.retrieve = async_to_raw_response_wrapper(stores.retrieve)
        self.update = async_to_raw_response_wrapper(stores.update)
        self.list = async_to_raw_response_wrapper(stores.list)
        self.delete = async_to_raw_response_wrapper(stores.delete)
        self.files = AsyncVectorStoreFilesWithRawResponse(stores.files)
        self.file_batches = AsyncFileBatchesWithRawResponse(stores.file_batches)


class AsyncVectorStoresWithStreamingResponse:
    """``vector_stores.with_streaming_response`` of the async client.

    The same HTTP methods as async context managers whose body is read only on demand.
    """

    def __init__(self, stores: AsyncVectorStores) -> None:
        self.create = async_to_streamed_response_wrapper(stores.create)
        self.retrieve = async_to_streamed_response_wrapper(stores.retrieve)
        self.update = async_to_streamed_response_wrapper(stores.update)
        self.list = async_to_streamed_response_wrapper(stores.list)
        self.delete = async_to_streamed_response_wrapper(stores.delete)
        self.files = AsyncVectorStoreFilesWithStreamingResponse(stores.files)
        self.file_batches = AsyncFileBatchesWithStreamingResponse(stores.file_batches)
