"""Serving over stdin/stdout, answering every request that was read before stdin closed.

stdin and stdout are read and written on the event loop (``pipes``) when they are pipes, which
they are under every MCP host; otherwise through the SDK's thread-based transport.

The SDK's stdio loop stops at end of input and drops the requests still in flight: with
``printf '<four requests>' | mcp-assistant-files serve`` only the first answers came back. Here
the end of input is held back from the server until every request read so far has been
answered (or cancelled by the client), within :data:`DRAIN_TIMEOUT` seconds. stdout carries
nothing but the protocol's messages. A client that closes stdout ends the server at once, its
calls in flight cancelled, with one line on stderr (:data:`CLIENT_GONE`) and status 0.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from mcp_types import JSONRPCError, JSONRPCNotification, JSONRPCRequest, JSONRPCResponse

from ..service.upstream import TOOL_CALL_BUDGET, Upstream
from .pipes import native_pipes_possible, pipe_streams
from .sdk import serve_streams

__all__ = ["DRAIN_TIMEOUT", "InFlight", "run_stdio"]

logger = logging.getLogger("mcp_assistant_files.server")

CLIENT_GONE = "the client closed the server's stdout, so nobody reads its answers: stopping"
"""The one line on stderr when the client closes its end of stdout (a host gone, ``serve | head``)."""

DRAIN_TIMEOUT = TOOL_CALL_BUDGET + 5.0
"""Longest wait, after stdin closed, for the answers still owed (a tool call's whole budget)."""

T = TypeVar("T")
RequestId = int | str


class InFlight:
    """The requests read but not answered yet, and a way to wait until there are none."""

    def __init__(self) -> None:
        self._ids: set[RequestId] = set()
        self._idle = anyio.Event()
        self._idle.set()

    def read(self, item: object) -> None:
        message = item.message if isinstance(item, SessionMessage) else None
        if isinstance(message, JSONRPCRequest):
            self._ids.add(message.id)
            self._idle = anyio.Event()
        elif isinstance(message, JSONRPCNotification) and message.method == "notifications/cancelled":
            # A cancelled request gets no answer: stop waiting for it.
            self._done((message.params or {}).get("requestId"))

    def written(self, item: SessionMessage) -> None:
        if isinstance(item.message, JSONRPCResponse | JSONRPCError):
            self._done(item.message.id)

    def _done(self, request_id: object) -> None:
        if isinstance(request_id, int | str):
            self._ids.discard(request_id)
        if not self._ids:
            self._idle.set()

    async def drained(self, timeout: float) -> int:
        """Wait until every request read was answered; how many were still owed at the timeout."""
        with anyio.move_on_after(timeout):
            await self._idle.wait()
        return len(self._ids)


class _Reader(Generic[T]):
    """The server's read side: items of ``inner``, whose end waits for the answers still owed."""

    def __init__(self, inner: Any, in_flight: InFlight, drain_timeout: float) -> None:
        self._inner = inner
        self._in_flight = in_flight
        self._drain_timeout = drain_timeout

    @property
    def last_context(self) -> Any:
        """The sender's context of the last item (the SDK restores it for the handler)."""
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> T:
        try:
            item: T = await self._inner.receive()
        except anyio.EndOfStream:
            owed = await self._in_flight.drained(self._drain_timeout)
            if owed:
                logger.warning(
                    "stdin closed; %d request(s) still unanswered after %.0f s", owed, self._drain_timeout
                )
            raise
        self._in_flight.read(item)
        return item

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        try:
            return await self.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class _Writer:
    """The server's write side: each answer written clears its request from ``in_flight``."""

    def __init__(self, inner: Any, in_flight: InFlight) -> None:
        self._inner = inner
        self._in_flight = in_flight

    async def send(self, item: SessionMessage, /) -> None:
        await self._inner.send(item)
        self._in_flight.written(item)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


async def run_stdio(server: MCPServer, upstream: Upstream, *, drain_timeout: float = DRAIN_TIMEOUT) -> None:
    """Serve over stdin/stdout until the client goes away and is answered, then close the upstream."""
    # Pipes are read on the event loop; a regular file redirected to stdin needs the SDK's threads.
    streams = pipe_streams() if native_pipes_possible() else stdio_server()
    try:
        async with upstream.running(), streams as (read_stream, write_stream):
            in_flight = InFlight()
            await serve_streams(
                server, _Reader(read_stream, in_flight, drain_timeout), _Writer(write_stream, in_flight)
            )
    except* (
        BrokenPipeError,
        ConnectionResetError,
    ):  # a write to a stdout the client closed (either transport)
        logger.warning(CLIENT_GONE)  # the calls in flight were cancelled, as a hang-up cancels them on HTTP
    finally:
        await upstream.aclose()
