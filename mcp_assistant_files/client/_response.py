"""Responses of the ``with_raw_response`` and ``with_streaming_response`` variants.

``APIResponse`` (sync) and ``AsyncAPIResponse`` hold the ``httpx2.Response`` and parse it on
demand. A raw response arrives with its body read; a streaming one reads nothing until
``read()``, ``iter_bytes()`` or ``parse()`` is called, and its connection is released when the
``with`` block ends. Parsing is the same function the plain methods use.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Generic, TypeVar

import anyio
import httpx2
import pydantic

from ._bodies import read_async, read_sync
from ._body import decode_body
from ._exceptions import APIResponseValidationError

__all__ = ["APIResponse", "AsyncAPIResponse", "Parser", "parse_json", "parse_model"]

R = TypeVar("R")
M = TypeVar("M", bound=pydantic.BaseModel)

Parser = Callable[[httpx2.Response, bytes], R]


def parse_json(response: httpx2.Response, content: bytes) -> Any:
    """The JSON body, or ``APIResponseValidationError`` saying what came instead."""
    try:
        return json.loads(content)
    except ValueError:
        kind = response.headers.get("content-type", "no content type")
        raise APIResponseValidationError(
            response,
            content.decode("utf-8", "replace")[:200],
            message=f"Expected a JSON body from {response.request.url}, got {kind} that is not JSON.",
        ) from None


def parse_model(model: type[M]) -> Parser[M]:
    """A parser that validates the JSON body as ``model`` (in one pass, straight from bytes)."""

    def parse(response: httpx2.Response, content: bytes) -> M:
        try:
            return model.model_validate_json(content)
        except pydantic.ValidationError as err:
            first = err.errors()[0]
            if first["type"] == "json_invalid":
                parse_json(response, content)  # raises the "not JSON" error
            where = ".".join(str(part) for part in first["loc"]) or "body"
            raise APIResponseValidationError(
                response,
                decode_body(content),
                message=f"The API answered with a {model.__name__} that is not of the contract's shape: "
                f"{where}: {first['msg']}.",
            ) from err

    return parse


class _ResponseBase(Generic[R]):
    def __init__(
        self, response: httpx2.Response, content: bytes | None, parser: Parser[R], limit: int
    ) -> None:
        self.http_response = response
        self._content = content
        self._parser = parser
        self._limit = limit
        self._parsed: list[R] = []

    @property
    def headers(self) -> httpx2.Headers:
        """The response headers."""
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def request_id(self) -> str | None:
        """The upstream's ``x-request-id``, for support requests."""
        return self.http_response.headers.get("x-request-id")

    @property
    def url(self) -> httpx2.URL:
        """The URL that was requested."""
        return self.http_response.request.url

    @property
    def is_closed(self) -> bool:
        """Whether the connection has been released."""
        return self.http_response.is_closed

    def _parse_content(self, content: bytes) -> R:
        if not self._parsed:
            self._parsed.append(self._parser(self.http_response, content))
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.http_response.request.method} {self.url}>"


class APIResponse(_ResponseBase[R]):
    """A response of the sync client, with ``parse()`` to the method's usual return value."""

    def read(self) -> bytes:
        """The whole body (read now if it was streamed)."""
        if self._content is None:
            self._content = read_sync(self.http_response, self._limit)
        return self._content

    def text(self) -> str:
        """The body as text."""
        self.read()
        return self.http_response.text

    def json(self) -> Any:
        """The body decoded as JSON."""
        return parse_json(self.http_response, self.read())

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in chunks, without reading it all first when streamed."""
        yield from self.http_response.iter_bytes(chunk_size)

    def parse(self) -> R:
        """The model (or page) the plain method would have returned."""
        return self._parse_content(self.read())

    def stream_to_file(self, file: str | os.PathLike[str], *, chunk_size: int | None = None) -> None:
        """Write the body to ``file`` chunk by chunk, without holding it all in memory."""
        with open(file, mode="wb") as f:
            for chunk in self.iter_bytes(chunk_size):
                f.write(chunk)

    def close(self) -> None:
        """Release the connection."""
        self.http_response.close()


class AsyncAPIResponse(_ResponseBase[R]):
    """A response of the async client, with ``await parse()`` to the method's usual value."""

    async def read(self) -> bytes:
        """The whole body (read now if it was streamed)."""
        if self._content is None:
            self._content = await read_async(self.http_response, self._limit)
        return self._content

    async def text(self) -> str:
        """The body as text."""
        await self.read()
        return self.http_response.text

    async def json(self) -> Any:
        """The body decoded as JSON."""
        return parse_json(self.http_response, await self.read())

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body in chunks, without reading it all first when streamed."""
        async for chunk in self.http_response.aiter_bytes(chunk_size):
            yield chunk

    async def parse(self) -> R:
        """The model (or page) the plain method would have returned."""
        return self._parse_content(await self.read())

    async def stream_to_file(self, file: str | os.PathLike[str], *, chunk_size: int | None = None) -> None:
        """Write the body to ``file`` chunk by chunk (in a worker thread), without holding it all."""
        async with await anyio.open_file(file, mode="wb") as f:
            async for chunk in self.iter_bytes(chunk_size):
                await f.write(chunk)

    async def close(self) -> None:
        """Release the connection."""
        await self.http_response.aclose()
