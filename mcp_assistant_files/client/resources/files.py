"""``client.files``: the Files API (upload, retrieve, list, delete, download).

``UploadedFiles`` (sync) and ``AsyncUploadedFiles`` have openai-python 3.57's ``files``
signatures (its deprecated ``retrieve_content`` and ``wait_for_processing`` are not here). No
request sends ``OpenAI-Beta``. ``create`` sends ``multipart/form-data`` (see ``_uploads``);
``content`` sends ``Accept: application/binary`` and reads up to 512 MiB, the most the API
stores; ``with_streaming_response.content`` reads nothing until asked.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from ...contract import FilePurpose
from .._binary import FILE_CONTENT_LIMIT, BinaryResponseContent, parse_binary
from .._options import path_segment, request_options
from .._pages import AsyncPaginator, SyncCursorPage
from .._params import FileExpiresAfterParam
from .._response import parse_model
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Order, Query, TimeoutArg
from .._uploads import FileTypes, file_part
from .._wrappers import (
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from ..models import FileDeleted, FileObject

if TYPE_CHECKING:
    from .._clients import AsyncAPIClient, SyncAPIClient

__all__ = [
    "AsyncUploadedFiles",
    "AsyncUploadedFilesWithRawResponse",
    "AsyncUploadedFilesWithStreamingResponse",
    "UploadedFiles",
    "UploadedFilesWithRawResponse",
    "UploadedFilesWithStreamingResponse",
]

_parse_file = parse_model(FileObject)
_parse_deleted = parse_model(FileDeleted)
_BINARY = {"Accept": "application/binary"}


def _path(file_id: str | None = None, tail: str = "") -> str:
    return "/files" if file_id is None else f"/files/{path_segment(file_id, 'file_id')}{tail}"


class UploadedFilesWithRawResponse:
    """``files.with_raw_response``.

    The same HTTP methods, returning an ``APIResponse`` (``.parse()`` for the result).
    """

    def __init__(self, files: UploadedFiles) -> None:
        self.create = to_raw_response_wrapper(files.create)
        self.retrieve = to_raw_response_wrapper(files.retrieve)
        self.list = to_raw_response_wrapper(files.list)
        self.delete = to_raw_response_wrapper(files.delete)
        self.content = to_raw_response_wrapper(files.content)


class UploadedFilesWithStreamingResponse:
    """``files.with_streaming_response`` (``.content`` streams a download of any size).

    The same HTTP methods as context managers whose body is read only on demand.
    """

    def __init__(self, files: UploadedFiles) -> None:
        self.create = to_streamed_response_wrapper(files.create)
        self.retrieve = to_streamed_response_wrapper(files.retrieve)
        self.list = to_streamed_response_wrapper(files.list)
        self.delete = to_streamed_response_wrapper(files.delete)
        self.content = to_streamed_response_wrapper(files.content)


class AsyncUploadedFilesWithRawResponse:
    """``files.with_raw_response`` of the async client.

    The same HTTP methods, returning an ``AsyncAPIResponse`` (``await .parse()`` for the result).
    """

    def __init__(self, files: AsyncUploadedFiles) -> None:
        self.create = async_to_raw_response_wrapper(files.create)
        self.retrieve = async_to_raw_response_wrapper(files.retrieve)
        self.list = async_to_raw_response_wrapper(files.list)
        self.delete = async_to_raw_response_wrapper(files.delete)
        self.content = async_to_raw_response_wrapper(files.content)


class AsyncUploadedFilesWithStreamingResponse:
    """``files.with_streaming_response`` of the async client (``.content`` streams a download).

    The same HTTP methods as async context managers whose body is read only on demand.
    """

    def __init__(self, files: AsyncUploadedFiles) -> None:
        self.create = async_to_streamed_response_wrapper(files.create)
        self.retrieve = async_to_streamed_response_wrapper(files.retrieve)
        self.list = async_to_streamed_response_wrapper(files.list)
        self.delete = async_to_streamed_response_wrapper(files.delete)
        self.content = async_to_streamed_response_wrapper(files.content)


class UploadedFiles:
    """``client.files`` of ``OpenAIClient``: the Files API."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    with_raw_response = cached_property(UploadedFilesWithRawResponse)
    with_streaming_response = cached_property(UploadedFilesWithStreamingResponse)

    def create(
        self,
        *,
        file: FileTypes,
        purpose: FilePurpose,
        expires_after: FileExpiresAfterParam | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> FileObject:
        """Upload ``file`` (bytes, an open binary file, a ``Path``, or a ``(filename, content, ...)`` tuple)."""
        options = request_options(
            "POST", _path(), json_data={"purpose": purpose, "expires_after": expires_after}, upload=file_part(file),
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_file)

    def retrieve(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> FileObject:
        """Get a file's description."""
        options = request_options(
            "GET", _path(file_id), extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_file)

    def list(
        self,
        *,
        after: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        purpose: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> SyncCursorPage[FileObject]:
        """The first page of files (``limit`` 1-10000, the API's default 10000); iterate it to walk every page."""
        options = request_options(
            "GET", _path(), params={"after": after, "limit": limit, "order": order, "purpose": purpose},
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._get_page(options, FileObject)

    def delete(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> FileDeleted:
        """Delete a file (and detach it from every vector store)."""
        options = request_options(
            "DELETE", _path(file_id), extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, _parse_deleted)

    def content(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> BinaryResponseContent:
        """Download the file (up to 512 MiB); ``with_streaming_response.content`` streams it instead."""
        options = request_options(
            "GET", _path(file_id, "/content"), headers=_BINARY, limit=FILE_CONTENT_LIMIT,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._client._request(options, parse_binary)


class AsyncUploadedFiles:
    """``client.files`` of ``AsyncOpenAIClient``: the Files API."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    with_raw_response = cached_property(AsyncUploadedFilesWithRawResponse)
    with_streaming_response = cached_property(AsyncUploadedFilesWithStreamingResponse)

    async def create(
        self,
        *,
        file: FileTypes,
        purpose: FilePurpose,
        expires_after: FileExpiresAfterParam | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> FileObject:
        """Upload ``file`` (bytes, an open binary file, a ``Path``, or a ``(filename, content, ...)`` tuple)."""
        options = request_options(
            "POST", _path(), json_data={"purpose": purpose, "expires_after": expires_after}, upload=file_part(file),
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_file)

    async def retrieve(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> FileObject:
        """Get a file's description."""
        options = request_options(
            "GET", _path(file_id), extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_file)

    def list(
        self,
        *,
        after: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        purpose: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[FileObject]:
        """``await`` it for the first page, or ``async for`` over every file of every page."""
        options = request_options(
            "GET", _path(), params={"after": after, "limit": limit, "order": order, "purpose": purpose},
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return AsyncPaginator(lambda: self._client._get_page(options, FileObject))

    async def delete(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> FileDeleted:
        """Delete a file (and detach it from every vector store)."""
        options = request_options(
            "DELETE", _path(file_id), extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, _parse_deleted)

    async def content(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN,
    ) -> BinaryResponseContent:
        """Download the file (up to 512 MiB); ``with_streaming_response.content`` streams it instead."""
        options = request_options(
            "GET", _path(file_id, "/content"), headers=_BINARY, limit=FILE_CONTENT_LIMIT,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return await self._client._request(options, parse_binary)
