"""What one turn of the loop writes to a connection leaves as one write (``web/coalescing.py``).

uvicorn writes a response's head and its body separately: two ``send()`` calls for every small
answer. ``CoalescingTransport`` joins them. It must never hold back what a client is waiting for: the
head of a streamed response (SSE) leaves when the turn that wrote it ends, a large body leaves
as it is written, and closing the connection (or the client half-closing it) writes what is
pending first.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from mcp_assistant_files.web.coalescing import COALESCE_BYTES, CoalescingTransport
from mcp_assistant_files.web.serving import ConnectionLimits, GuardedH11Protocol

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # uvicorn's protocols are asyncio's


class Recorded(asyncio.Transport):
    """A transport that keeps what is written to it (the unit under test wraps it)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True


async def test_writes_in_one_turn_leave_as_one_write_when_the_turn_ends() -> None:
    raw = Recorded()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    transport.write(b"ok")
    transport.write(b"")
    assert raw.writes == []
    await asyncio.sleep(0)
    assert raw.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"]
    transport.write(b"next")
    await asyncio.sleep(0)
    assert raw.writes[1:] == [b"next"]


async def test_a_large_write_leaves_at_once_and_close_writes_what_is_pending() -> None:
    raw = Recorded()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    transport.write(b"head")
    transport.write(b"x" * COALESCE_BYTES)
    assert raw.writes == [b"head" + b"x" * COALESCE_BYTES]
    transport.write(b"tail")
    transport.close()
    assert raw.writes[1:] == [b"tail"] and raw.closed
    await asyncio.sleep(0)  # the flush scheduled for "tail" finds nothing left
    assert len(raw.writes) == 2


async def test_a_large_write_with_nothing_pending_goes_straight_through() -> None:
    raw = Recorded()
    transport = CoalescingTransport(raw, asyncio.get_running_loop())
    big = b"y" * COALESCE_BYTES
    transport.write(big)
    assert raw.writes == [big] and raw.writes[0] is big  # not copied, not joined
    transport.write(b"tail")
    transport.abort()  # an abort drops what is pending
    await asyncio.sleep(0)
    assert raw.writes == [big] and raw.closed


async def _serve(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)  # a connection made before uvicorn accepts waits in the backlog
    config = uvicorn.Config(
        app,
        http=GuardedH11Protocol.with_limits(ConnectionLimits()),
        log_config=None,
        lifespan="off",
        timeout_graceful_shutdown=5,  # a broken build's stuck answer must not hold the test
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    port: int = sock.getsockname()[1]
    return server, task, port


async def test_a_streamed_answer_s_head_reaches_the_client_before_its_body_is_written() -> None:
    body_may_go = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        await body_may_go.wait()  # an SSE stream with no event yet: its head must not wait for one
        await send({"type": "http.response.body", "body": b"data: 1\n\n", "more_body": False})

    server, task, port = await _serve(app)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)  # only so a broken build fails
        assert head.startswith(b"HTTP/1.1 200 ") and b"text/event-stream" in head
        body_may_go.set()
        rest = await asyncio.wait_for(reader.read(), 30)
        assert rest.endswith(b"data: 1\n\n\r\n0\r\n\r\n")  # chunked: the event, then the last chunk
        writer.close()
    finally:
        body_may_go.set()
        server.should_exit = True
        await task


async def test_a_client_that_half_closes_after_its_request_still_gets_the_answer() -> None:
    """``nc -N`` and scripts send a request, then shut their side: asyncio closes the transport
    when it reads that end, possibly in the turn the answer was written in."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok", "more_body": False})

    server, task, port = await _serve(app)
    try:
        for _ in range(10):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")  # keep-alive
            writer.write_eof()
            answer = await asyncio.wait_for(reader.read(), 30)
            assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\nok"), answer
            writer.close()
    finally:
        server.should_exit = True
        await task


async def test_a_body_larger_than_the_coalescing_bound_arrives_whole() -> None:
    body = bytes(range(256)) * (4 * COALESCE_BYTES // 256)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for start in range(0, len(body), 10_000):  # many writes in one turn of the loop
            await send(
                {"type": "http.response.body", "body": body[start : start + 10_000], "more_body": True}
            )
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    server, task, port = await _serve(app)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 30)
        head, _, received = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 ") and received == body
        writer.close()
    finally:
        server.should_exit = True
        await task
