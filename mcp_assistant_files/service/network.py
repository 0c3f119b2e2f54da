"""The upstream pool's connections on asyncio's own transports (an httpcore2 network backend).

httpx2 reaches the network through httpcore2's anyio backend by default: every read and write
runs in an ``anyio.fail_after`` cancel scope (about ten a call), and before reusing an idle
connection the pool asks whether the server has closed it through anyio's typed attributes,
which look the socket's addresses up (``getpeername``) each time. Under 50 concurrent clients
that was about 6-9 % of the server's CPU per call (``benchmarks/analysis.md``). :class:`AsyncioBackend` does the same work on an
``asyncio.Protocol``:

- the loop puts what arrives into a buffer; a read that finds it empty waits on a future, and
  its timeout is a loop timer that fails that future (nothing is cancelled);
- "has this idle connection been closed, or sent something unasked" is a look at that buffer,
  then, if it shows nothing, one ``poll`` of the socket: a FIN that came while the loop was busy
  has not reached the protocol yet;
- reading pauses while more than :data:`HIGH_WATER` bytes wait unread, and resumes once the
  reader has taken all but :data:`LOW_WATER`; a write waits while asyncio's own write buffer is
  over its high-water mark, so neither direction buffers without bound;
- a connection httpcore2 closes is aborted, as the anyio backend drops it: not kept until a peer
  that stopped reading takes what is left to send, nor (TLS) until its ``close_notify``;
- connecting tries a host's addresses as ``anyio.connect_tcp`` does ("happy eyeballs", the next
  one after :data:`HAPPY_EYEBALLS_DELAY`); TLS is asyncio's (``loop.start_tls``), with the pool's
  SSL context, timed by the connect timeout alone.

httpcore2's errors are raised as its anyio backend raises them (``ConnectError``,
``ReadTimeout``...), so httpx2 maps them to its own as before. Outside an asyncio event loop
(trio), connections are made by httpcore2's anyio backend.
"""

from __future__ import annotations

import asyncio
import select
import ssl
from collections.abc import Iterable
from typing import Any, cast

import anyio
import httpcore2

__all__ = ["HAPPY_EYEBALLS_DELAY", "HIGH_WATER", "LOW_WATER", "AsyncioBackend", "AsyncioStream"]

HIGH_WATER = 256 * 1024  # bytes received and not yet read: reading pauses above this
LOW_WATER = 64 * 1024  # and resumes once no more than this is left
HAPPY_EYEBALLS_DELAY = 0.25  # seconds before trying the next address, as anyio.connect_tcp does
_UNBOUNDED = 365 * 24 * 3600.0  # asyncio's own TLS handshake limit, left to asyncio.timeout instead

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


def _settle(future: asyncio.Future[None] | None) -> None:
    if future is not None and not future.done():
        future.set_result(None)


def _expire(future: asyncio.Future[None], error: type[Exception]) -> None:
    if not future.done():
        future.set_exception(error("timed out"))


class _Connection(asyncio.Protocol):
    """What one connection has received, whether it has ended, and who waits for what."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.received = bytearray()
        self.ended = False  # the peer's EOF, or the connection lost
        self.error: Exception | None = None
        self.reading_paused = False
        self.writing_paused = False
        self.readable: asyncio.Future[None] | None = None  # a reader waiting for bytes or the end
        self.drained: asyncio.Future[None] | None = None  # a writer waiting for the buffer to drain

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not asyncio.Transport subclasses

    def data_received(self, data: bytes) -> None:
        self.received += data
        if len(self.received) > HIGH_WATER and not self.reading_paused and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()
        _settle(self.readable)

    def eof_received(self) -> bool:
        self.ended = True
        _settle(self.readable)
        return False  # asyncio closes the transport: nothing more is sent on a half-closed one

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        self.error = self.error or exc
        _settle(self.readable)
        _settle(self.drained)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        _settle(self.drained)

    def take(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` of what was received, resuming reading once little is left."""
        if max_bytes >= len(self.received):
            data = bytes(self.received)
            self.received.clear()
        else:
            data = bytes(self.received[:max_bytes])
            del self.received[:max_bytes]
        if self.reading_paused and len(self.received) <= LOW_WATER and self.transport is not None:
            self.reading_paused = False
            self.transport.resume_reading()
        return data

    async def wait(self, for_drain: bool, timeout: float | None, error: type[Exception]) -> None:
        """Until something arrives or the connection ends (or, ``for_drain``, the buffer drains)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if for_drain:
            self.drained = future
        else:
            self.readable = future
        timer = loop.call_later(timeout, _expire, future, error) if timeout is not None else None
        try:
            await future
        finally:
            if for_drain:
                self.drained = None
            else:
                self.readable = None
            if timer is not None:
                timer.cancel()


class AsyncioStream(httpcore2.AsyncNetworkStream):
    """One connection, as httpcore2 reads and writes it."""

    def __init__(self, transport: asyncio.Transport, connection: _Connection) -> None:
        self._transport = transport
        self._connection = connection

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        connection = self._connection
        if not connection.received and not connection.ended:
            await connection.wait(False, timeout, httpcore2.ReadTimeout)
        if connection.received:
            return connection.take(max_bytes)
        if connection.error is not None:
            raise httpcore2.ReadError(str(connection.error) or type(connection.error).__name__)
        return b""  # the peer closed the connection: httpcore2 says what that means where it happens

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        connection = self._connection
        if connection.error is not None or self._transport.is_closing():
            raise httpcore2.WriteError("the connection is closed")
        self._transport.write(buffer)
        if connection.writing_paused:
            await connection.wait(True, timeout, httpcore2.WriteTimeout)
            if connection.writing_paused or connection.error is not None:
                raise httpcore2.WriteError("the connection was lost while sending")

    async def aclose(self) -> None:
        # Dropped at once, as by the anyio backend: close() would keep the socket (and what waits in
        # asyncio's write buffer) until a peer that stopped reading took it all, and on TLS would
        # wait up to 30 s for the peer's close_notify.
        self._transport.abort()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            # asyncio's ssl_handshake_timeout fails the handshake with ConnectionAbortedError (an
            # OSError, so ConnectError) and cannot be unbounded: the limit is asyncio.timeout's.
            async with asyncio.timeout(timeout):
                tls = await loop.start_tls(
                    self._transport, self._connection, ssl_context, server_hostname=server_hostname,
                    ssl_handshake_timeout=_UNBOUNDED,
                )  # fmt: skip
        except TimeoutError as err:
            self._transport.abort()
            raise httpcore2.ConnectTimeout("the TLS handshake timed out") from err
        except (OSError, ssl.SSLError) as err:
            self._transport.abort()
            raise httpcore2.ConnectError(str(err) or type(err).__name__) from err
        if tls is None:  # the connection closed during the handshake
            self._transport.abort()
            raise httpcore2.ConnectError("the connection closed during the TLS handshake")
        self._connection.transport = tls  # flow control now pauses the TLS transport
        return AsyncioStream(tls, self._connection)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # an idle connection that has ended or sent something is not reused
            if self._connection.ended or self._connection.received:
                return True
            # The protocol hears of a FIN only once the loop has polled since it came: a request
            # started earlier in this loop iteration would go out on a dead connection. Ask the kernel.
            return _socket_readable(self._transport.get_extra_info("socket"))
        if info in ("ssl_object", "socket"):
            return self._transport.get_extra_info(info)
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        return None


def _socket_readable(sock: Any) -> bool:
    """Whether the kernel has something (bytes, or the end) to read on ``sock``; a closed one is."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def _running_asyncio_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class AsyncioBackend(httpcore2.AsyncNetworkBackend):
    """Makes :class:`AsyncioStream` connections (httpcore2's anyio backend outside asyncio)."""

    def __init__(self) -> None:
        self._anyio = httpcore2.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        loop = _running_asyncio_loop()
        if loop is None:
            return await self._anyio.connect_tcp(host, port, timeout, local_address, socket_options)
        local = (local_address, 0) if local_address else None
        if isinstance(loop, asyncio.BaseEventLoop):
            making = loop.create_connection(
                _Connection, host, port, local_addr=local, happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY
            )
        else:  # uvloop's (a loop uvicorn picks when it is installed) takes no happy_eyeballs_delay
            making = loop.create_connection(_Connection, host, port, local_addr=local)
        try:
            async with asyncio.timeout(timeout):
                transport, connection = await making
        except TimeoutError as err:  # before OSError: it is one
            raise httpcore2.ConnectTimeout("connecting timed out") from err
        except OSError as err:
            raise httpcore2.ConnectError(str(err) or type(err).__name__) from err
        sock = transport.get_extra_info("socket")
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)  # asyncio has set TCP_NODELAY already
        except OSError as err:
            transport.abort()
            raise httpcore2.ConnectError(str(err) or type(err).__name__) from err
        return AsyncioStream(transport, connection)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> httpcore2.AsyncNetworkStream:
        return await self._anyio.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)
