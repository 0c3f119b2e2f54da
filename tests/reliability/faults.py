"""A scripted, fault-injecting HTTP/1.1 server on loopback, written on raw sockets.

Each request the server reads is recorded, then answered by ``script(attempt, request)``, where
``attempt`` counts requests from 0. A reply may be a proper answer or a fault: a reset (RST) or
a clean close part-way, a server that never answers, a body streamed far past any sane size, or
a request forwarded to a real upstream whose answer is then thrown away. The server also counts
the connections open at any moment, so tests can see what a client leaves behind.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio

__all__ = [
    "CloseAfter",
    "Drip",
    "FaultServer",
    "Forward",
    "Hang",
    "Reply",
    "ResetAfter",
    "Respond",
    "Seen",
    "Stream",
    "fault_server",
    "file_json",
    "json_reply",
    "page_json",
]

MiB = 1024 * 1024
IO_TIMEOUT = 5.0  # no socket operation of the server blocks longer than this
HANG_LIMIT = 10.0  # a hanging reply gives up after this, whatever the client does
IDLE_LIMIT = 30.0  # an idle keep-alive connection is closed by the server after this


@dataclass(frozen=True)
class Seen:
    """One request as the server read it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    raw: bytes


@dataclass(frozen=True)
class Respond:
    """A complete answer; the connection stays open for the next request."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # wait first (given up early if the client goes away)


@dataclass(frozen=True)
class ResetAfter:
    """Send ``data`` (perhaps nothing), then reset the connection (RST, no FIN)."""

    data: bytes = b""


@dataclass(frozen=True)
class CloseAfter:
    """Send ``data``, then close the connection cleanly (FIN)."""

    data: bytes = b""


@dataclass(frozen=True)
class Hang:
    """Never answer: wait until the client goes away (or ``HANG_LIMIT``), then close."""


@dataclass(frozen=True)
class Stream:
    """A 200 whose body is ``total`` bytes of JSON-ish filler, streamed in chunks."""

    total: int
    declare_length: bool = False  # send Content-Length (else chunked transfer encoding)


@dataclass(frozen=True)
class Drip:
    """A 200 whose headers come at once and whose body then drips one byte every ``every`` seconds,
    until the client goes away (or ``HANG_LIMIT``): each read succeeds, the answer never ends."""

    every: float


@dataclass(frozen=True)
class Forward:
    """Forward the request to ``base`` (``http://host:port``); then ``reset`` or relay the answer."""

    base: str
    reset: bool
    delay: float = 0.0  # wait first; a client that leaves meanwhile is never forwarded


Reply = Respond | ResetAfter | CloseAfter | Hang | Stream | Drip | Forward
Script = Callable[[int, Seen], Reply]


def file_json(file_id: str = "file-1", assistant_id: str = "asst_1", **extra: Any) -> dict[str, Any]:
    """An ``assistant.file`` object."""
    return {
        "id": file_id,
        "object": "assistant.file",
        "created_at": 1699055364,
        "assistant_id": assistant_id,
    } | extra


def page_json(ids: list[str], *, has_more: bool, assistant_id: str = "asst_1") -> dict[str, Any]:
    """A list page of ``assistant.file`` objects."""
    return {
        "object": "list",
        "data": [file_json(i, assistant_id) for i in ids],
        "first_id": ids[0] if ids else None,
        "last_id": ids[-1] if ids else None,
        "has_more": has_more,
    }


def json_reply(status: int, payload: object, **headers: str) -> Respond:
    """A JSON answer."""
    return Respond(status, json.dumps(payload).encode(), {"content-type": "application/json", **headers})


def _head(status: int, headers: dict[str, str]) -> bytes:
    reason = http.client.responses.get(status, "Unknown")
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class FaultServer:
    """The server; use :func:`fault_server` to run one."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[Seen] = []
        self.bytes_streamed = 0
        self.stream_aborted = False
        self.client_left_after: float | None = None  # a Drip: seconds until the client went away
        self._lock = threading.Lock()
        self._open = 0
        self._accepted = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._threads: list[threading.Thread] = []
        self.port: int = self._listener.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.origin}/v1"

    # -- what tests look at ---------------------------------------------------------------

    @property
    def attempts(self) -> int:
        """Requests read so far."""
        with self._lock:
            return len(self.requests)

    @property
    def open_connections(self) -> int:
        """Connections accepted and not yet closed."""
        with self._lock:
            return self._open

    @property
    def accepted(self) -> int:
        """Connections accepted so far."""
        with self._lock:
            return self._accepted

    def wait_open(self, expected: int, timeout: float = 3.0) -> int:
        """Wait (bounded) until ``expected`` connections are open; return the final count."""
        deadline = time.monotonic() + timeout
        while self.open_connections != expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.open_connections

    async def settle(self, expected: int, timeout: float = 3.0) -> int:
        """:meth:`wait_open` that lets the event loop run meanwhile (use it in async tests)."""
        deadline = time.monotonic() + timeout
        # The count changes on the server's threads, which cannot set an anyio.Event: poll it.
        while self.open_connections != expected and time.monotonic() < deadline:  # noqa: ASYNC110
            await anyio.sleep(0.01)
        return self.open_connections

    # -- serving --------------------------------------------------------------------------

    def start(self) -> None:
        thread = threading.Thread(target=self._accept_loop, name="fault-accept", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=IO_TIMEOUT + 1)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._open += 1
                self._accepted += 1
            thread = threading.Thread(target=self._serve, args=(sock,), name="fault-conn", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(IO_TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        closed = False
        try:
            while not self._stop.is_set():
                seen, buffer = self._read_request(sock, buffer)
                if seen is None:
                    break
                with self._lock:
                    attempt = len(self.requests)
                    self.requests.append(seen)
                if not self._reply(sock, self.script(attempt, seen), seen):
                    closed = True
                    break
        except OSError:
            pass
        finally:
            if not closed:
                sock.close()
            with self._lock:
                self._open -= 1

    def _read_request(self, sock: socket.socket, buffer: bytes) -> tuple[Seen | None, bytes]:
        while b"\r\n\r\n" not in buffer:
            if not self._wait_readable(sock, IDLE_LIMIT):
                return None, b""
            chunk = sock.recv(65536)
            if not chunk:
                return None, b""
            buffer += chunk
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None, b""
            rest += chunk
        body, rest = rest[:length], rest[length:]
        return Seen(method, target, headers, body, head + b"\r\n\r\n" + body), rest

    def _wait_readable(self, sock: socket.socket, timeout: float) -> bool:
        """Wait for data or EOF, giving up at ``timeout`` or when the server stops."""
        deadline = time.monotonic() + timeout
        while not self._stop.is_set() and time.monotonic() < deadline:
            ready, _, _ = select.select([sock], [], [], 0.02)
            if ready:
                return True
        return False

    def _client_gone_within(self, sock: socket.socket, seconds: float) -> bool:
        """Wait up to ``seconds``; True as soon as the client closes its end."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self._stop.is_set():
            ready, _, _ = select.select([sock], [], [], min(0.02, max(0.0, deadline - time.monotonic())))
            if ready:
                try:
                    if sock.recv(1, socket.MSG_PEEK) == b"":
                        return True
                except OSError:
                    return True
                return False  # the client sent something (it should not): stop waiting
        return self._stop.is_set()

    def _reply(self, sock: socket.socket, reply: Reply, seen: Seen) -> bool:
        """Perform ``reply``; False when the connection was closed by it."""
        if isinstance(reply, Respond):
            if reply.delay and self._client_gone_within(sock, reply.delay):
                return True  # the loop then reads EOF and closes
            headers = {"content-length": str(len(reply.body)), **reply.headers}
            sock.sendall(_head(reply.status, headers) + reply.body)
            return True
        if isinstance(reply, ResetAfter):
            if reply.data:
                sock.sendall(reply.data)
            _reset(sock)
            return False
        if isinstance(reply, CloseAfter):
            if reply.data:
                sock.sendall(reply.data)
            sock.shutdown(socket.SHUT_WR)
            sock.close()
            return False
        if isinstance(reply, Hang):
            self._client_gone_within(sock, HANG_LIMIT)
            sock.close()
            return False
        if isinstance(reply, Stream):
            self._stream(sock, reply)
            sock.close()
            return False
        if isinstance(reply, Drip):
            self._drip(sock, reply)
            sock.close()
            return False
        if reply.delay and self._client_gone_within(sock, reply.delay):
            return True
        status, headers, body = _forward(reply.base, seen)
        if reply.reset:
            _reset(sock)
            return False
        sock.sendall(_head(status, {**headers, "content-length": str(len(body))}) + body)
        return True

    def _drip(self, sock: socket.socket, reply: Drip) -> None:
        started = time.monotonic()
        try:
            sock.sendall(_head(200, {"content-type": "application/json", "transfer-encoding": "chunked"}))
            while time.monotonic() - started < HANG_LIMIT and not self._stop.is_set():
                sock.sendall(b"1\r\n \r\n")
                self.bytes_streamed += 1
                if self._client_gone_within(sock, reply.every):
                    self.client_left_after = time.monotonic() - started
                    return
        except OSError:
            self.client_left_after = time.monotonic() - started

    def _stream(self, sock: socket.socket, reply: Stream) -> None:
        headers = {"content-type": "application/json"}
        if reply.declare_length:
            headers["content-length"] = str(reply.total)
        else:
            headers["transfer-encoding"] = "chunked"
        chunk = b'{"pad":"' + b"x" * (64 * 1024 - 10) + b'"}'
        try:
            sock.sendall(_head(200, headers))
            while self.bytes_streamed < reply.total and not self._stop.is_set():
                piece = chunk[: reply.total - self.bytes_streamed]
                frame = piece if reply.declare_length else b"%x\r\n%s\r\n" % (len(piece), piece)
                sock.sendall(frame)
                self.bytes_streamed += len(piece)
            if not reply.declare_length:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            self.stream_aborted = True


def _forward(base: str, seen: Seen) -> tuple[int, dict[str, str], bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=IO_TIMEOUT)
    try:
        skip = {"host", "content-length", "connection"}
        headers = {k: v for k, v in seen.headers.items() if k not in skip}
        conn.request(seen.method, seen.target, body=seen.body or None, headers=headers)
        answer = conn.getresponse()
        body = answer.read()
        kept = {k.lower(): v for k, v in answer.getheaders() if k.lower() in ("content-type", "x-request-id")}
        return answer.status, kept, body
    finally:
        conn.close()


@contextmanager
def fault_server(script: Script) -> Iterator[FaultServer]:
    """Run a :class:`FaultServer` for the ``with`` block; it is always stopped."""
    server = FaultServer(script)
    server.start()
    try:
        yield server
    finally:
        server.stop()
