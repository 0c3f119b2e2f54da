"""The clients: settings, one connection pool each, and the I/O driver; the resources hang off them.

``SyncAPIClient`` and ``AsyncAPIClient`` get their requests from the same ``RequestOptions`` and
run the same ``request_flow``; only ``_request`` differs, by driving it with blocking or async
I/O. The public clients only say which resources they carry:

* ``OpenAIClient`` / ``AsyncOpenAIClient``: openai-python 3.57's tree, ``files`` (the Files API),
  ``vector_stores`` (with ``files`` and ``file_batches``) and ``beta.assistants.files`` (v1).
* ``AssistantsClient`` / ``AsyncAssistantsClient`` (0.1): ``files`` is the v1 assistant files.

Each resource sends the ``OpenAI-Beta`` header its API needs (v1, v2, or none for ``/files``),
so one client, and one pool, speaks all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Self, TypeVar, cast

import httpx2

from ._base import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseClient,
)
from ._drive import run_async, run_sync
from ._options import RequestOptions
from ._pages import AsyncCursorPage, AsyncPage, SyncCursorPage, SyncPage, page_parser, single_page_parser
from ._response import APIResponse, AsyncAPIResponse, Parser
from ._types import TimeoutArg
from .models import UpstreamModel
from .resources.assistant_files import AsyncFiles, Files
from .resources.beta import AsyncBeta, Beta
from .resources.files import AsyncUploadedFiles, UploadedFiles
from .resources.vector_stores import AsyncVectorStores, VectorStores

__all__ = [
    "AssistantsClient",
    "AsyncAPIClient",
    "AsyncAssistantsClient",
    "AsyncOpenAIClient",
    "OpenAIClient",
    "SyncAPIClient",
]

R = TypeVar("R")
T = TypeVar("T", bound=UpstreamModel)


class SyncAPIClient(BaseClient):
    """What every blocking client shares: one connection pool, the I/O driver and its pages.

    Settings fall back to ``OPENAI_API_KEY``, ``OPENAI_BASE_URL`` (default
    ``https://api.openai.com/v1``), ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID``. Without a key no
    ``Authorization`` header is sent (the embedded local backend needs none). An ``http_client``
    you pass in stays yours to close; one the client makes is closed by ``close()``.
    ``total_timeout`` (seconds, default none) bounds a call with its retries: no retry starts
    whose wait would end past it, and no poll helper waits past it.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx2.URL | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutArg = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.Client | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        total_timeout: float | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key, base_url=base_url, organization=organization, project=project, timeout=timeout,
            max_retries=max_retries, default_headers=default_headers, max_response_bytes=max_response_bytes,
            total_timeout=total_timeout,
        )  # fmt: skip
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx2.Client(limits=DEFAULT_LIMITS)
        self._add_resources()

    def _add_resources(self) -> None:
        """Attach the client's resources (each public client says which)."""

    def _request(self, options: RequestOptions, parser: Parser[R]) -> R:
        response, content = run_sync(self._http, self._flow(options))
        if options.mode == "parsed":
            assert content is not None
            return parser(response, content)
        return cast(R, APIResponse(response, content, parser, self._response_limit(options)))

    def _get_page(self, options: RequestOptions, item: type[T]) -> SyncCursorPage[T]:
        def fetch(next_options: RequestOptions) -> SyncCursorPage[T]:
            return self._get_page(next_options, item)

        return self._request(options, page_parser(SyncCursorPage[T], item, options, fetch))

    def _get_single_page(self, options: RequestOptions, item: type[T]) -> SyncPage[T]:
        return self._request(options, single_page_parser(SyncPage[T], item))

    def close(self) -> None:
        """Close the connections (only those of an ``http_client`` this client made)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncAPIClient(BaseClient):
    """What every async client shares (settings as ``SyncAPIClient``); use it with ``async with``
    or call ``aclose()``. Cancelling a call cancels its request in flight.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx2.URL | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutArg = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.AsyncClient | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        total_timeout: float | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key, base_url=base_url, organization=organization, project=project, timeout=timeout,
            max_retries=max_retries, default_headers=default_headers, max_response_bytes=max_response_bytes,
            total_timeout=total_timeout,
        )  # fmt: skip
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx2.AsyncClient(limits=DEFAULT_LIMITS)
        self._add_resources()

    def _add_resources(self) -> None:
        """Attach the client's resources (each public client says which)."""

    async def _request(self, options: RequestOptions, parser: Parser[R]) -> R:
        response, content = await run_async(self._http, self._flow(options))
        if options.mode == "parsed":
            assert content is not None
            return parser(response, content)
        return cast(R, AsyncAPIResponse(response, content, parser, self._response_limit(options)))

    async def _get_page(self, options: RequestOptions, item: type[T]) -> AsyncCursorPage[T]:
        async def fetch(next_options: RequestOptions) -> AsyncCursorPage[T]:
            return await self._get_page(next_options, item)

        return await self._request(options, page_parser(AsyncCursorPage[T], item, options, fetch))

    async def _get_single_page(self, options: RequestOptions, item: type[T]) -> AsyncPage[T]:
        return await self._request(options, single_page_parser(AsyncPage[T], item))

    async def aclose(self) -> None:
        """Close the connections (only those of an ``http_client`` this client made)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class OpenAIClient(SyncAPIClient):
    """Blocking client with openai-python 3.57's resources, over one connection pool.

    ``files`` (the Files API), ``vector_stores`` (with ``.files`` and ``.file_batches``) and
    ``beta.assistants.files`` (the v1 assistant files of ``AssistantsClient``). Settings fall back
    to ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID``;
    ``total_timeout`` bounds a call with its retries and every poll helper's waits.
    """

    files: UploadedFiles
    vector_stores: VectorStores
    beta: Beta

    def _add_resources(self) -> None:
        self.files = UploadedFiles(self)
        self.vector_stores = VectorStores(self)
        self.beta = Beta(self)


class AsyncOpenAIClient(AsyncAPIClient):
    """Async twin of ``OpenAIClient``: ``AsyncOpenAI()``'s resources, over one connection pool.

    Use it as an async context manager or call ``aclose()``.
    """

    files: AsyncUploadedFiles
    vector_stores: AsyncVectorStores
    beta: AsyncBeta

    def _add_resources(self) -> None:
        self.files = AsyncUploadedFiles(self)
        self.vector_stores = AsyncVectorStores(self)
        self.beta = AsyncBeta(self)


class AssistantsClient(SyncAPIClient):
    """Blocking client for the v1 assistant-files API; ``client.files`` has the methods.

    Settings fall back to ``OPENAI_API_KEY``, ``OPENAI_BASE_URL`` (default
    ``https://api.openai.com/v1``), ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID``. Without a key no
    ``Authorization`` header is sent (the embedded local backend needs none). An ``http_client``
    you pass in stays yours to close; one the client makes is closed by ``close()``.
    ``total_timeout`` (seconds, default none) bounds a call with its retries: no retry starts
    whose wait would end past it.
    """

    files: Files

    def _add_resources(self) -> None:
        self.files = Files(self)


class AsyncAssistantsClient(AsyncAPIClient):
    """Async client for the v1 assistant-files API; ``client.files`` has the methods.

    ``AsyncAssistantsClient().files`` behaves as ``AsyncOpenAI().beta.assistants.files`` did, with
    the same environment fallbacks as ``AssistantsClient``. Use it as an async context manager or
    call ``aclose()``. Cancelling a call cancels its request in flight.
    """

    files: AsyncFiles

    def _add_resources(self) -> None:
        self.files = AsyncFiles(self)
