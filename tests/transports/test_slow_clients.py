"""Slow and numerous clients cannot hold the HTTP server: request headers have a deadline, bodies a
minimum rate, connections a bound (fitted to the open-file limit), and repeated log lines are
counted, not written out each time."""

from __future__ import annotations

import json
import os
import time
from contextlib import AsyncExitStack
from pathlib import Path

import anyio
import httpx2
import pytest
from anyio.abc import SocketStream

from .conftest import Fleet
from .serving import Served, seed_db, spawn, stop_all
from .wire import INITIALIZE, read_head

pytestmark = pytest.mark.anyio

HANG_GUARD = 60.0  # seconds, per step; each normally takes well under one
GUARDED_LINES = 10  # what the log filter lets through per message and minute


async def connect(served: Served, first: bytes = b"") -> SocketStream:
    stream = await anyio.connect_tcp("127.0.0.1", served.port)
    if first:
        await stream.send(first)
    return stream


async def until_closed(stream: SocketStream, trickle: bytes = b"") -> bytes:
    """Send ``trickle`` every 0.2 s until the server closes the connection; what it sent."""
    received = b""
    async with stream:
        while True:
            try:
                if trickle:
                    await stream.send(trickle)
                with anyio.move_on_after(0.2):
                    received += await stream.receive()
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                return received


async def healthz(served: Served) -> int:
    async with httpx2.AsyncClient(timeout=10.0) as http:
        return (await http.get(f"{served.base}/healthz")).status_code


async def until_healthy(served: Served) -> None:
    """Poll ``/healthz`` until it answers 200 (the server notices closed connections by itself)."""
    while await healthz(served) != 200:  # noqa: ASYNC110 - the state is in another process
        await anyio.sleep(0.05)


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.mark.parametrize("shape", ["trickling", "silent", "second-request"])
async def test_a_request_whose_headers_are_late_gets_408_and_its_connection_closes(
    shape: str, fleet: Fleet
) -> None:
    served = fleet.ready("slow-headers")  # --header-timeout 1
    host = f"Host: 127.0.0.1:{served.port}\r\n".encode()
    with anyio.fail_after(HANG_GUARD):
        if shape == "silent":
            received = await until_closed(await connect(served))
        elif shape == "trickling":
            stream = await connect(served, b"POST /mcp HTTP/1.1\r\n" + host)
            received = await until_closed(stream, trickle=b"X-Slow: 1\r\n")
        else:  # a kept-alive connection whose next request is slow
            stream = await connect(served, b"GET /healthz HTTP/1.1\r\n" + host + b"\r\n")
            status, headers, rest = await read_head(stream)
            assert status == 200
            while len(rest) < int(headers["content-length"]):
                rest += await stream.receive()
            received = await until_closed(stream, trickle=b"X-Slow: 1\r\n")
        assert received.startswith(b"HTTP/1.1 408 "), received
        assert await healthz(served) == 200


@pytest.mark.parametrize("shape", ["trickling", "stalled"])
async def test_a_request_body_slower_than_the_minimum_rate_gets_408_and_its_connection_closes(
    shape: str, fleet: Fleet
) -> None:
    served = fleet.ready("slow-headers")  # --header-timeout 1: 1,024 bytes (the default rate) a second
    head = (
        f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nContent-Type: application/json\r\n"
        "Accept: application/json, text/event-stream\r\nContent-Length: 100000\r\n\r\n{"
    ).encode()
    with anyio.fail_after(HANG_GUARD):
        stream = await connect(served, head)
        received = await until_closed(stream, trickle=b" " * 10 if shape == "trickling" else b"")
    assert received.startswith(b"HTTP/1.1 408 "), received
    assert await healthz(served) == 200


async def test_a_request_body_at_the_rate_the_flag_sets_is_answered(tmp_path: Path) -> None:
    """--min-body-rate 100 over 5 s windows: 250 bytes every 0.5 s (at most 500 bytes/s, under the
    default 1,024) keeps five times ahead, for 8 s."""
    seeded = seed_db(tmp_path / "db.sqlite3", 1)
    flags = ("--header-timeout", "5", "--min-body-rate", "100", "--log-level", "INFO")
    served = spawn(tmp_path, "--db", str(seeded.db), *flags)
    try:
        served.wait_ready()
        body = json.dumps(INITIALIZE).encode()
        body += b" " * (4000 - len(body))  # JSON allows trailing whitespace
        head = (
            f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json, text/event-stream\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with anyio.fail_after(HANG_GUARD):
            async with await connect(served, head) as stream:
                for start in range(0, len(body), 250):
                    await stream.send(body[start : start + 250])
                    await anyio.sleep(0.5)
                status, _, _ = await read_head(stream)
        assert status == 200
        assert "request body came slower" not in served.stderr
        assert "serving streamable-http" in served.stderr  # INFO lines are in this log
    finally:
        stop_all([served])


async def test_connections_beyond_max_connections_get_503_at_once(fleet: Fleet) -> None:
    served = fleet.ready("few-connections")  # --max-connections 20
    request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n\r\n".encode()
    with anyio.fail_after(HANG_GUARD):
        async with AsyncExitStack() as held:
            for _ in range(20):
                held.push_async_callback((await connect(served, b"GET /healthz HTTP/1.1\r\n")).aclose)
            for _ in range(5):
                async with await connect(served, request) as extra:
                    status, headers, _ = await read_head(extra)
                    assert status == 503
                    assert headers["connection"] == "close"
        await until_healthy(served)


async def test_at_the_open_file_limit_new_connections_are_refused_quietly_and_the_server_recovers(
    tmp_path: Path,
) -> None:
    # The attack, scaled down: more half-open requests than the process has file descriptors.
    limit, connections = 300, 400
    seeded = seed_db(tmp_path / "db.sqlite3", 1)
    served = spawn(tmp_path, "--db", str(seeded.db), "--header-timeout", "600", open_files=limit)
    try:
        served.wait_ready()
        assert f"the open-file limit ({limit}) leaves room for 100 connections" in served.stderr
        partial = f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n".encode()
        refused = 0
        streams: list[SocketStream] = []

        async def note_refusal(stream: SocketStream) -> None:
            nonlocal refused
            if (await until_closed(stream)).startswith(b"HTTP/1.1 503 "):
                refused += 1

        async with anyio.create_task_group() as tg:
            with anyio.move_on_after(HANG_GUARD):
                for _ in range(connections):
                    streams.append(await connect(served, partial))
                    tg.start_soon(note_refusal, streams[-1])
                while refused < connections - 100:  # noqa: ASYNC110 - counted by the readers above
                    await anyio.sleep(0.05)
            fds = open_fds(served.process.pid)
            tg.cancel_scope.cancel()
        assert refused == connections - 100, "beyond 100 connections, each was answered 503"
        assert fds < limit
        for stream in streams:
            await stream.aclose()
        with anyio.fail_after(HANG_GUARD):
            await until_healthy(served)
        stderr = served.stderr
        assert "out of system resource" not in stderr
        assert stderr.count("refused a connection") <= 2 * GUARDED_LINES
    finally:
        stop_all([served])


async def test_a_flood_of_malformed_requests_logs_ten_lines_per_minute(fleet: Fleet) -> None:
    served = fleet.ready("slow-headers")
    before = served.stderr.count("Invalid HTTP request received")
    started = time.monotonic()
    with anyio.fail_after(HANG_GUARD):
        for _ in range(200):
            async with await connect(served, b"NOT HTTP AT ALL\r\n\r\n") as stream:
                status, _, _ = await read_head(stream)
                assert status == 400
    minutes = (time.monotonic() - started) // 60 + 2  # windows the flood can have touched
    logged = served.stderr.count("Invalid HTTP request received") - before
    assert 1 <= logged <= GUARDED_LINES * minutes
