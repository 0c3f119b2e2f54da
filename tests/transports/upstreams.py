"""Loopback stand-ins for the upstream API, served by the test's own event loop.

The listening socket is made synchronously (so a fixture can pass its port to ``serve`` before
any event loop runs) and accepted from inside the test through a ``dup`` of it, so one socket
can outlive several tests.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
from anyio.abc import SocketListener, SocketStream

__all__ = ["CountingProxy", "SilentUpstream", "listening_socket", "port_of", "serving"]


def listening_socket() -> socket.socket:
    """A TCP socket listening on 127.0.0.1, on a port of the kernel's choosing."""
    return socket.create_server(("127.0.0.1", 0))


def port_of(sock: socket.socket) -> int:
    """The port ``sock`` is bound to."""
    port: int = sock.getsockname()[1]
    return port


@asynccontextmanager
async def serving(
    sock: socket.socket, handler: Callable[[SocketStream], Awaitable[None]]
) -> AsyncIterator[None]:
    """Accept on (a duplicate of) ``sock`` with ``handler`` until the block ends."""
    async with await SocketListener.from_socket(sock.dup()) as listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, handler)
        try:
            yield
        finally:
            tg.cancel_scope.cancel()


@dataclass
class SilentUpstream:
    """Accepts connections, reads whatever arrives, never answers; notes when a peer hangs up."""

    connections: int = 0
    received: bytes = b""
    opened: anyio.Event = field(default_factory=anyio.Event)
    closed: anyio.Event = field(default_factory=anyio.Event)

    async def handle(self, stream: SocketStream) -> None:
        """Read until the peer closes (EOF or reset), then set ``closed``."""
        self.connections += 1
        self.opened.set()
        async with stream:
            while True:
                try:
                    self.received += await stream.receive()
                except (anyio.EndOfStream, anyio.BrokenResourceError):
                    break
        self.closed.set()


@dataclass
class CountingProxy:
    """Forwards each connection to ``target_port`` on 127.0.0.1 and counts the connections."""

    target_port: int
    connections: int = 0

    async def handle(self, client: SocketStream) -> None:
        """Pipe bytes both ways until either side closes."""
        self.connections += 1
        async with (
            client,
            await anyio.connect_tcp("127.0.0.1", self.target_port) as upstream,
            anyio.create_task_group() as tg,
        ):

            async def pipe(source: SocketStream, sink: SocketStream) -> None:
                try:
                    async for chunk in source:
                        await sink.send(chunk)
                except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                    pass
                tg.cancel_scope.cancel()

            tg.start_soon(pipe, client, upstream)
            tg.start_soon(pipe, upstream, client)
