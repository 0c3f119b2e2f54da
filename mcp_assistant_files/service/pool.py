"""The upstream's connection pool, made when the first request needs it, not at start-up.

Making httpx2's pool imports httpcore2 and loads the CA bundle into an SSL context: about
0.1 s, half of what the server added to a bare ``MCPServer``'s start-up before the first
``tools/list`` (``benchmarks/RESULTS.md``, ``startup``). A host that starts the server to list
its tools never needs it; the first tool call makes it, in a worker thread so the event loop
keeps answering meanwhile, once however many calls arrive together.
"""

from __future__ import annotations

from collections.abc import Callable

import anyio
import anyio.to_thread
import httpx2

__all__ = ["OnDemandTransport", "upstream_pool"]


class OnDemandTransport(httpx2.AsyncBaseTransport):
    """An ``httpx2`` transport made by ``make()`` on the first request (see the module)."""

    def __init__(self, make: Callable[[], httpx2.AsyncBaseTransport]) -> None:
        self._make = make
        self._transport: httpx2.AsyncBaseTransport | None = None
        self._opening = anyio.Lock()
        self._closed = False

    @property
    def opened(self) -> httpx2.AsyncBaseTransport | None:
        """The transport, once a request has made it."""
        return self._transport

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        transport = self._transport or await self._open()
        return await transport.handle_async_request(request)

    async def _open(self) -> httpx2.AsyncBaseTransport:
        async with self._opening:
            if self._closed:
                raise RuntimeError("Cannot send a request, as the client has been closed.")
            if self._transport is None:
                self._transport = await anyio.to_thread.run_sync(self._make)
            return self._transport

    async def aclose(self) -> None:
        self._closed = True
        if self._transport is not None:
            await self._transport.aclose()


def upstream_pool(limits: httpx2.Limits) -> OnDemandTransport:
    """httpx2's default transport with ``limits``, made on demand."""
    return OnDemandTransport(lambda: httpx2.AsyncHTTPTransport(limits=limits))
