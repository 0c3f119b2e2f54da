"""An httpx2 transport that calls an ASGI app in the caller's task: the embedded backend's wire.

``httpx2.ASGITransport`` is built for tests, and on every request it asks whether trio is
running by importing ``sniffio``. anyio 4 no longer installs sniffio, and a failed import is not
cached: each request walked ``sys.path`` again (about 70 us, more than the store query it
carried). It also creates an event per request that only a streaming response waiting for the
client's disconnect ever needs. :class:`InProcessTransport` builds the same ASGI scope and
messages without either, so the app, its middleware, validation and error envelopes see exactly
what they saw before; the embedded backend's tests run over it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx2
from starlette.types import ASGIApp, Message

__all__ = ["InProcessTransport"]

_CLIENT = ("127.0.0.1", 123)  # what ASGITransport reports as the peer, so the app sees the same scope


class InProcessTransport(httpx2.AsyncBaseTransport):
    """Send each request to ``app`` in the calling task; exceptions the app raises propagate.

    Request bodies are passed chunk by chunk, the response body is collected whole (every
    backend answer is finite), and once the request body is consumed the app's ``receive``
    waits until the response is complete, then reports ``http.disconnect``, as ASGITransport does.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        url = request.url
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query,
            "server": (url.host, url.port),
            "client": _CLIENT,
            "root_path": "",
        }
        exchange = _Exchange(request)
        await self.app(scope, exchange.receive, exchange.send)
        if not exchange.complete or exchange.status is None:
            raise RuntimeError(
                f"the in-process app returned without completing its response to {request.method} {url}"
            )
        return httpx2.Response(
            exchange.status, headers=exchange.headers, stream=httpx2.ByteStream(b"".join(exchange.body))
        )


class _Exchange:
    """One request's ASGI ``receive`` and ``send``, and the response they collect."""

    __slots__ = ("_chunks", "_done", "_head", "_request_sent", "body", "complete", "headers", "status")

    def __init__(self, request: httpx2.Request) -> None:
        stream = request.stream
        if not isinstance(stream, httpx2.AsyncByteStream):
            raise TypeError("the in-process transport needs an async request body")
        self._chunks: AsyncIterator[bytes] = stream.__aiter__()
        self._head = request.method == "HEAD"
        self._request_sent = False
        self._done: anyio.Event | None = None  # made only if the app waits for a disconnect
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.complete = False

    async def receive(self) -> Message:
        if self._request_sent:
            if not self.complete:
                if self._done is None:
                    self._done = anyio.Event()
                await self._done.wait()
            return {"type": "http.disconnect"}
        try:
            chunk = await self._chunks.__anext__()
        except StopAsyncIteration:
            self._request_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.status is not None:
                raise RuntimeError("the in-process app started its response twice")
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif kind == "http.response.body":
            if self.complete:
                raise RuntimeError("the in-process app sent body after completing its response")
            chunk = message.get("body", b"")
            if chunk and not self._head:
                self.body.append(chunk)
            if not message.get("more_body", False):
                self.complete = True
                if self._done is not None:
                    self._done.set()
