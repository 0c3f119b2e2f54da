"""``AssistantsClient`` and ``AsyncAssistantsClient``: settings, connections and the I/O driver.

Both get their requests from the same ``RequestOptions`` and run the same ``request_flow``;
only ``_request`` differs, by driving it with blocking or async I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TypeVar, cast

import httpx2

from ._base import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseClient,
)
from ._flow import run_async, run_sync
from ._options import RequestOptions
from ._pages import AsyncCursorPage, SyncCursorPage, page_parser
from ._response import APIResponse, AsyncAPIResponse, Parser
from ._types import TimeoutArg
from .models import UpstreamModel
from .resources.assistant_files import AsyncFiles, Files

__all__ = ["AssistantsClient", "AsyncAssistantsClient"]

R = TypeVar("R")
T = TypeVar("T", bound=UpstreamModel)


class AssistantsClient(BaseClient):
    """Blocking client for the v1 assistant-files API; ``client.files`` has the methods.

    Settings fall back to ``OPENAI_API_KEY``, ``OPENAI_BASE_URL`` (default
    ``https://api.openai.com/v1``), ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID``. Without a key no
    ``Authorization`` header is sent (the embedded local backend needs none). An ``http_client``
    you pass in stays yours to close; one the client makes is closed by ``close()``.
    ``total_timeout`` (seconds, default none) bounds a call with its retries: no retry starts
    whose wait would end past it.
    """

    files: Files

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
        self.files = Files(self)

    def _request(self, options: RequestOptions, parser: Parser[R]) -> R:
        response, content = run_sync(self._http, self._flow(options))
        if options.mode == "parsed":
            assert content is not None
            return parser(response, content)
        return cast(R, APIResponse(response, content, parser, self.max_response_bytes))

    def _get_page(self, options: RequestOptions, item: type[T]) -> SyncCursorPage[T]:
        def fetch(next_options: RequestOptions) -> SyncCursorPage[T]:
            return self._get_page(next_options, item)

        return self._request(options, page_parser(SyncCursorPage[T], item, options, fetch))

    def close(self) -> None:
        """Close the connections (only those of an ``http_client`` this client made)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> AssistantsClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncAssistantsClient(BaseClient):
    """Async client for the v1 assistant-files API; ``client.files`` has the methods.

    ``AsyncAssistantsClient().files`` behaves as ``AsyncOpenAI().beta.assistants.files`` did, with
    the same environment fallbacks as ``AssistantsClient``. Use it as an async context manager or
    call ``aclose()``. Cancelling a call cancels its request in flight.
    """

    files: AsyncFiles

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
        self.files = AsyncFiles(self)

    async def _request(self, options: RequestOptions, parser: Parser[R]) -> R:
        response, content = await run_async(self._http, self._flow(options))
        if options.mode == "parsed":
            assert content is not None
            return parser(response, content)
        return cast(R, AsyncAPIResponse(response, content, parser, self.max_response_bytes))

    async def _get_page(self, options: RequestOptions, item: type[T]) -> AsyncCursorPage[T]:
        async def fetch(next_options: RequestOptions) -> AsyncCursorPage[T]:
            return await self._get_page(next_options, item)

        return await self._request(options, page_parser(AsyncCursorPage[T], item, options, fetch))

    async def aclose(self) -> None:
        """Close the connections (only those of an ``http_client`` this client made)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncAssistantsClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
