"""A GET stream dropped in its first second frees the session's one GET slot at once: the SDK answers a
second GET 409 while the first is registered, so a hang-up on a GET is watched for from the start
(with the deferred watch of ``server/disconnect.py`` it held the slot for ~1 s)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx2
import pytest

from .serving import Served, seed_db, spawn, stop_all
from .wire import LEGACY, http_request, open_session, read_head

pytestmark = pytest.mark.anyio


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    seed = seed_db(tmp_path / "db.sqlite3", 2)
    server = spawn(tmp_path, "--db", str(seed.db))
    try:
        server.wait_ready()
        yield server
    finally:
        stop_all([server])


async def _get(port: int, session: str) -> tuple[int, anyio.abc.SocketStream]:
    stream = await anyio.connect_tcp("127.0.0.1", port)
    headers = {"Accept": "text/event-stream", "MCP-Protocol-Version": LEGACY, "Mcp-Session-Id": session}
    await stream.send(http_request("GET", "/mcp", port, headers))
    status, _, _ = await read_head(stream)
    return status, stream


async def test_a_dropped_get_stream_can_be_reopened_at_once(served: Served) -> None:
    async with httpx2.AsyncClient(timeout=10.0) as http:
        with anyio.fail_after(30):
            session = await open_session(http, served.port)
            status, stream = await _get(served.port, session)
            assert status == 200
            await stream.aclose()  # the client's connection drops
            await anyio.sleep(0.05)  # a few turns for the server to see the socket close
            status, stream = await _get(served.port, session)
            await stream.aclose()
    assert status == 200, "the reopened GET stream was refused: the dropped one still held the slot"
