"""Serving the HTTP app with uvicorn, with bounds uvicorn does not set by itself.

What uvicorn 0.5x does on its own (both its h11 and httptools protocols): the keep-alive timer
(``timeout_keep_alive``, 5 s) is armed only *after a response*, and cancelled by the first byte
of the next request; nothing times a connection out while it sends its request headers, so a
client trickling a header line now and then holds its connection forever. ``limit_concurrency``
answers 503 only once a request's headers are complete, which a trickling client never reaches;
h11's ``max_incomplete_event_size`` (16 KiB) bounds the size of a header block, not its
duration. And every connection costs a file descriptor: at the open-file limit asyncio's accept
loop logs a traceback for each of up to ``backlog`` refused accepts per loop turn.

Nor does anything time a request body: a client sending one byte now and then holds its
connection, and the app reading it, for as long as it likes. So :class:`GuardedH11Protocol`
(uvicorn's h11 protocol, which we pin) adds three things:

- a header deadline: a connection has ``header_timeout`` seconds from its start, or from the
  end of its previous response, to complete a request's headers; else it gets 408 and is closed;
- a body rate: in every window of ``header_timeout`` seconds until a request's body is complete,
  at least ``min_body_rate`` bytes of body a second (h11's data, not chunk framing) must arrive
  on average; else it gets 408 (unless its response has begun) and is closed. A window that
  ends while the app, before answering, has not read what arrived (unread bytes, reading
  paused, a 100 Continue it has not asked for) is the app's delay and does not count; once it
  has answered, the rest of the body is held to the rate like any other. A request pipelined
  behind another is timed when the one before it is answered, and a connection left idle after
  an early answer gets the header deadline;
- a connection bound: beyond ``max_connections`` open connections a new one gets 503 at once
  and is closed, before it costs more than its accept.

Its connections write through :class:`.coalescing.CoalescingTransport`: one write per turn of
the loop, so a response's head and body leave together.

``run_http`` also raises the soft open-file limit to fit ``max_connections`` (or serves fewer,
saying so), and sets ``limit_concurrency`` and ``backlog``. It serves on a socket :func:`listen`
bound beforehand, so an address in use is one sentence before anything is announced (uvicorn
would log it and exit 3), and ``--port 0`` is announced as the port it got.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import resource
import signal
import socket
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from .bounds import DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MIN_BODY_RATE
from .coalescing import CoalescingTransport

__all__ = [
    "DEFAULT_HEADER_TIMEOUT",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_MIN_BODY_RATE",
    "ConnectionLimits",
    "GuardedH11Protocol",
    "ListenError",
    "bound_port",
    "fit_open_file_limit",
    "listen",
    "run_http",
]

logger = logging.getLogger("mcp_assistant_files.http")

BACKLOG = 256  # uvicorn's 2048 is also asyncio's accept batch: that many tracebacks per turn at the fd limit
FD_RESERVE = 200  # descriptors kept for everything but client connections: upstream pool (100), SQLite, logs
_REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
_UNAVAILABLE = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 26\r\nconnection: close\r\nretry-after: 1\r\n\r\nToo many open connections\n"
)


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a request's headers may take, how fast its body must come, how many connections."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    min_body_rate: float = DEFAULT_MIN_BODY_RATE


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header deadline, a body rate and a bound on open connections."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    _header_timer: asyncio.TimerHandle | None = None
    _body_timer: asyncio.TimerHandle | None = None
    _body_bytes = 0  # body bytes (h11's ``Data``, not framing) received in the current window

    @classmethod
    def with_limits(cls, limits: ConnectionLimits) -> type[GuardedH11Protocol]:
        """This protocol with ``limits`` (uvicorn instantiates the class itself, per connection)."""
        return type(cls.__name__, (cls,), {"limits": limits})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            logger.warning(
                "refused a connection: %d are open (--max-connections)", self.limits.max_connections
            )
            transport.write(_UNAVAILABLE)
            transport.close()
            return
        self.transport = CoalescingTransport(transport, self.loop)  # type: ignore[assignment]
        self._count_body_bytes()
        self._await_headers()

    def handle_events(self) -> None:
        # Runs for data received and when a response ends (uvicorn starts the next cycle here,
        # so a kept-alive connection gets its header deadline and a pipelined body its timer).
        super().handle_events()
        if self.transport.is_closing():
            return
        state = self.conn.their_state
        if state is h11.IDLE:  # between requests: the next one's headers are due
            self._stop_timing_body()
            if self._header_timer is None:
                self._await_headers()
            return
        self._stop_waiting()  # the headers are complete (or the request failed)
        if state is not h11.SEND_BODY:
            self._stop_timing_body()
        elif self._body_timer is None:  # a body begins: its first window
            self._body_bytes = 0
            self._body_timer = self.loop.call_later(self.limits.header_timeout, self._check_body)

    def eof_received(self) -> None:
        # asyncio closes the transport itself after this (uvicorn keeps no half-open connection):
        # an answer written this turn must reach the socket first.
        if isinstance(self.transport, CoalescingTransport):  # not on the 503 path
            self.transport.flush()
        super().eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        self._stop_timing_body()
        super().connection_lost(exc)

    def _count_body_bytes(self) -> None:
        """Count the body bytes h11 hands over (chunk framing and extensions are not progress)."""
        next_event = self.conn.next_event

        def counted() -> Any:
            event = next_event()
            if type(event) is h11.Data:
                self._body_bytes += len(event.data)
            return event

        self.conn.next_event = counted  # type: ignore[method-assign]

    def _await_headers(self) -> None:
        self._stop_waiting()
        self._header_timer = self.loop.call_later(self.limits.header_timeout, self._headers_too_slow)

    def _stop_waiting(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _stop_timing_body(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _check_body(self) -> None:
        self._body_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.SEND_BODY:
            return
        window = self.limits.header_timeout
        cycle = self.cycle  # the request's: its headers are complete
        # Before the response, the app may be the one behind (bytes it has not read, reading
        # paused for it, a 100 Continue it has not asked for). Once it has answered, nothing
        # it reads is pending: the rest of the body only holds the connection.
        app_behind = not cycle.response_started and (
            self.flow.read_paused or bool(cycle.body) or cycle.waiting_for_100_continue
        )
        if app_behind or self._body_bytes >= self.limits.min_body_rate * window:
            self._body_bytes = 0
            self._body_timer = self.loop.call_later(window, self._check_body)
            return
        logger.info(
            "closed a connection: its request body came slower than %s bytes/s over %s s",
            self.limits.min_body_rate,
            window,
        )
        if not cycle.response_started:
            self.transport.write(_REQUEST_TIMEOUT)
        self.transport.close()

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            logger.info(
                "closed a connection: no complete request headers within %s s", self.limits.header_timeout
            )
            self.transport.write(_REQUEST_TIMEOUT)
            self.transport.close()


def fit_open_file_limit(max_connections: int) -> int:
    """Raise the soft open-file limit to fit ``max_connections``; how many connections then fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = max_connections + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as error:
            logger.debug("could not raise the open-file limit to %d: %s", target, error)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return max_connections
    fits = max(1, soft - FD_RESERVE)
    logger.warning(
        "the open-file limit (%d) leaves room for %d connections: serving at most %d, not --max-connections %d "
        "(raise the limit, e.g. ulimit -n %d)",
        soft, fits, fits, max_connections, needed,
    )  # fmt: skip
    return fits


class ListenError(OSError):
    """The address cannot be listened on; the message says what to do."""


def listen(host: str, port: int) -> list[socket.socket]:
    """Sockets bound to every address ``host`` names (``""``: every interface) at ``port``, for
    :func:`run_http` to serve on; with ``port`` 0, one free port for all of them.

    As asyncio's own ``create_server`` binds: every address ``getaddrinfo`` gives (``localhost``
    may be 127.0.0.1 and ::1), IPv6 sockets IPv6-only.
    """
    try:
        found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise ListenError(
            f"cannot listen on {host} ({err.strerror}): give --host an address of this machine"
        ) from None
    listeners: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(found):
            sock = socket.socket(family, kind, proto)
            listeners.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind((address[0], port, *address[2:]))
            port = sock.getsockname()[1]  # --port 0: the others take the port the first got
    except OSError as err:
        for sock in listeners:
            sock.close()
        raise ListenError(
            f"cannot listen on {host}:{port} ({err.strerror}): choose a free --port, or a --host of this machine"
        ) from None
    return listeners


def bound_port(listeners: list[socket.socket]) -> int:
    """The port ``listeners`` got (the one asked for, or the free one ``--port 0`` found)."""
    port: int = listeners[0].getsockname()[1]
    return port


def run_http(
    app: ASGIApp, *, listeners: list[socket.socket], limits: ConnectionLimits, log_level: str
) -> None:
    """Serve ``app`` with uvicorn on ``listeners`` (closed when it stops) until interrupted; uvicorn
    logs through our logging.

    SIGTERM ends the process with status 0 after uvicorn's graceful shutdown (uvicorn re-raises
    the signal to the previous handler once it has shut down; this one exits cleanly). If the
    app's start-up fails, uvicorn has logged why and the process exits 3, as ``uvicorn.run`` does.
    """
    signal.signal(signal.SIGTERM, _exit_cleanly)
    limits = dataclasses.replace(limits, max_connections=fit_open_file_limit(limits.max_connections))
    config = uvicorn.Config(
        app,
        http=GuardedH11Protocol.with_limits(limits),
        # uvicorn would pick uvloop wherever it is installed; these layers are built and tested on
        # asyncio's loop (uvloop also behaves differently at the open-file limit: benchmarks/analysis.md).
        loop="asyncio",
        # Counts running requests too; connections themselves are bounded by the protocol.
        limit_concurrency=limits.max_connections + 1,
        backlog=BACKLOG,
        log_config=None,
        log_level=log_level.lower(),
        access_log=log_level.upper() == "DEBUG",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run: Ctrl-C is a clean stop
            server.run(sockets=listeners)
    finally:
        for sock in listeners:
            sock.close()
    if not server.started:
        raise SystemExit(3)


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)
