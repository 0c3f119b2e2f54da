"""Loopback stand-ins for the upstream API, served by the test's own event loop.

The listening socket is made synchronously (so a fixture can pass its port to ``serve`` before
any event loop runs) and accepted from inside the test through a ``dup`` of it, so one socket
can outlive several tests.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
from anyio.abc import SocketListener, SocketStream

__all__ = [
    "CountingProxy",
    "PacedUpstream",
    "SilentUpstream",
    "TricklingUpstream",
    "listening_socket",
    "port_of",
    "request_heads",
    "serving",
]


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
    """Forwards each connection to ``target_port`` on 127.0.0.1, counts the connections and keeps
    every byte sent towards the target (``forwarded``)."""

    target_port: int
    connections: int = 0
    forwarded: bytearray = field(default_factory=bytearray)

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
                        if sink is upstream:
                            self.forwarded += chunk
                        await sink.send(chunk)
                except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                    pass
                tg.cancel_scope.cancel()

            tg.start_soon(pipe, client, upstream)
            tg.start_soon(pipe, upstream, client)


@dataclass
class TricklingUpstream:
    """An assistant-files API that never finishes answering requests naming ``hold``.

    Such a request gets a 200 whose chunked body never ends: one byte every ``interval``, so no
    read timeout of the client ever fires and only the client can end the exchange. Every other
    request is answered at once with the file it names. ``held`` counts the held requests and
    ``released`` the held connections whose client closed them.
    """

    hold: str
    interval: float = 0.2
    held: int = 0
    released: int = 0
    answered: int = 0

    async def handle(self, stream: SocketStream) -> None:
        """Serve requests on one connection until either side closes it."""
        buffer = b""
        async with stream:
            try:
                while True:
                    while b"\r\n\r\n" not in buffer:
                        buffer += await stream.receive()
                    head, _, buffer = buffer.partition(b"\r\n\r\n")
                    target = head.split(b" ", 2)[1].decode()
                    if self.hold in target:
                        await self._trickle(stream)
                        return
                    await stream.send(_file_response(target))
                    self.answered += 1
            except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
                return

    async def _trickle(self, stream: SocketStream) -> None:
        self.held += 1
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
        try:
            await stream.send(head)
            while True:
                await stream.send(b"1\r\n \r\n")
                with anyio.move_on_after(self.interval):
                    await stream.receive()  # the client sends nothing more: only EOF ends this
        except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
            self.released += 1


@dataclass
class PacedUpstream:
    """Answers every request with the file it names after ``delay`` seconds, on keep-alive
    connections; counts the connections opened and the most requests in flight at once."""

    delay: float = 0.05
    connections: int = 0
    answered: int = 0
    in_flight: int = 0
    most_in_flight: int = 0

    async def handle(self, stream: SocketStream) -> None:
        """Serve requests on one connection until the client closes it."""
        self.connections += 1
        async with stream:
            async for head in request_heads(stream):
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                await anyio.sleep(self.delay)  # so that concurrent calls overlap here
                self.in_flight -= 1
                await stream.send(_file_response(head.split(b" ", 2)[1].decode()))
                self.answered += 1


async def request_heads(stream: SocketStream) -> AsyncIterator[bytes]:
    """The head of each request on ``stream`` (bodies are not read), until the client goes away."""
    buffer = b""
    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                buffer += await stream.receive()
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            yield head
    except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
        return


def _file_response(target: str) -> bytes:
    """A 200 with the ``assistant.file`` that ``GET /v1/assistants/A/files/F`` names."""
    parts = target.split("?", 1)[0].split("/")
    body = json.dumps(
        {"id": parts[-1], "object": "assistant.file", "created_at": 1699055364, "assistant_id": parts[-3]}
    ).encode()
    head = f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    return head.encode() + body
