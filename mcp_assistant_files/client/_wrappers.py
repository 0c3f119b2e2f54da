"""Build the raw and streaming variants from the plain methods, instead of copying them.

Each wrapper calls the plain method with a private marker header (removed before sending) that
makes the client return the response object instead of the parsed value. The wrappers keep the
wrapped method's signature (``ParamSpec``), so type checkers see the same parameters.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Generic, ParamSpec, TypeVar, cast

from ._options import MODE_HEADER, Mode
from ._response import APIResponse, AsyncAPIResponse

__all__ = [
    "AsyncResponseContextManager",
    "ResponseContextManager",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
]

P = ParamSpec("P")
R = TypeVar("R")


def _mark(kwargs: dict[str, object], mode: Mode) -> None:
    headers = dict(cast("dict[str, str]", kwargs.get("extra_headers") or {}))
    headers[MODE_HEADER] = mode
    kwargs["extra_headers"] = headers


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """``func`` returning the ``APIResponse`` (body read) instead of the parsed value."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        _mark(kwargs, "raw")
        return cast(APIResponse[R], func(*args, **kwargs))

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[AsyncAPIResponse[R]]]:
    """Async twin of ``to_raw_response_wrapper``."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncAPIResponse[R]:
        _mark(kwargs, "raw")
        return cast(AsyncAPIResponse[R], await func(*args, **kwargs))

    return wrapped


class ResponseContextManager(Generic[R]):
    """``with`` block around a streamed response: sent on enter, released on exit."""

    def __init__(self, send: Callable[[], APIResponse[R]]) -> None:
        self._send = send
        self._response: APIResponse[R] | None = None

    def __enter__(self) -> APIResponse[R]:
        self._response = self._send()
        return self._response

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[R]):
    """``async with`` block around a streamed response: sent on enter, released on exit."""

    def __init__(self, send: Callable[[], Awaitable[AsyncAPIResponse[R]]]) -> None:
        self._send = send
        self._response: AsyncAPIResponse[R] | None = None

    async def __aenter__(self) -> AsyncAPIResponse[R]:
        self._response = await self._send()
        return self._response

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._response is not None:
            await self._response.close()


def to_streamed_response_wrapper(func: Callable[P, R]) -> Callable[P, ResponseContextManager[R]]:
    """``func`` as a context manager yielding an unread ``APIResponse``."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[R]:
        _mark(kwargs, "stream")
        return ResponseContextManager(lambda: cast(APIResponse[R], func(*args, **kwargs)))

    return wrapped


def async_to_streamed_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContextManager[R]]:
    """Async twin of ``to_streamed_response_wrapper``."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncResponseContextManager[R]:
        _mark(kwargs, "stream")

        async def send() -> AsyncAPIResponse[R]:
            return cast(AsyncAPIResponse[R], await func(*args, **kwargs))

        return AsyncResponseContextManager(send)

    return wrapped
