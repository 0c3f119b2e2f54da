"""The upstream's connection pool, made when the first request needs it, not at start-up.

Making the pool imports aiohttp (0.16 s) and loads the CA bundle into an SSL context: more
than the whole of what the server adds to a bare ``MCPServer``'s start-up before the first
``tools/list`` (``benchmarks/RESULTS.md``, ``startup``). A host that starts the server to list
its tools never needs it; the first tool call makes it, in a worker thread so the event loop
keeps answering meanwhile, once however many calls arrive together. A pool that cannot be made
(``SSL_CERT_FILE`` naming no file, say) fails each call as a connection error (the agent's
sentence says the upstream could not be reached; the operator's log line says why), and is tried
again by the next call.

The transport it makes sends over aiohttp (:class:`~.aio_transport.AiohttpTransport`: the
requests and responses stay httpx2's). httpx2 reads proxies from the environment
(``HTTPS_PROXY``, ``ALL_PROXY``...) only when it makes its pool itself, so with a proxy
configured the upstream gets httpx2's own transport, made at start-up, as httpx2 does.
"""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Callable

import anyio
import anyio.to_thread
import httpx2

__all__ = ["OnDemandTransport", "aiohttp_transport", "upstream_http"]

logger = logging.getLogger("mcp_assistant_files.upstream")


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
        transport = self._transport or await self._open(request)
        return await transport.handle_async_request(request)

    async def _open(self, request: httpx2.Request) -> httpx2.AsyncBaseTransport:
        async with self._opening:
            if self._transport is None:
                self._check_open()
                try:
                    made = await anyio.to_thread.run_sync(self._make)
                except Exception as err:
                    logger.warning(
                        "cannot set up connections to the upstream (%s): check SSL_CERT_FILE and SSL_CERT_DIR",
                        err,
                    )
                    raise httpx2.ConnectError(
                        f"cannot set up connections to the upstream ({err})", request=request
                    ) from err
                if self._closed:  # closed while it was being made: it is nobody's to close later
                    await made.aclose()
                    self._check_open()
                self._transport = made
            return self._transport

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")

    async def aclose(self) -> None:
        self._closed = True
        if self._transport is not None:
            await self._transport.aclose()


def aiohttp_transport(limits: httpx2.Limits) -> httpx2.AsyncBaseTransport:
    """:class:`~.aio_transport.AiohttpTransport` with ``limits`` (importing aiohttp: call it off the loop)."""
    from .aio_transport import AiohttpTransport

    return AiohttpTransport(limits)


def upstream_http(limits: httpx2.Limits) -> httpx2.AsyncClient:
    """The upstream's httpx2 client with ``limits``: its pool made on demand, unless the
    environment names a proxy (see the module)."""
    if any(scheme in ("http", "https", "all") for scheme in urllib.request.getproxies()):
        return httpx2.AsyncClient(limits=limits)
    return httpx2.AsyncClient(transport=OnDemandTransport(lambda: aiohttp_transport(limits)), limits=limits)
