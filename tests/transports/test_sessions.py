"""Stateful streamable-HTTP sessions are bounded in number and idle time, and a full table lets
a new client in: the least recently active idle session gives way, a session in use never does."""

from __future__ import annotations

from contextlib import AsyncExitStack

import anyio
import httpx2
import pytest

from .conftest import Fleet
from .serving import Served
from .wire import INITIALIZE, LEGACY, MCP_HEADERS, http_request, open_session, read_head

pytestmark = pytest.mark.anyio

HANG_GUARD = 60.0  # seconds, per step


async def ping(http: httpx2.AsyncClient, served: Served, session: str) -> int:
    """The status of a ``ping`` in ``session`` (404 once the session is over)."""
    headers = {**MCP_HEADERS, "MCP-Protocol-Version": LEGACY, "Mcp-Session-Id": session}
    body = {"jsonrpc": "2.0", "id": 7, "method": "ping"}
    return (await http.post(f"{served.base}/mcp", headers=headers, json=body)).status_code


async def listen(served: Served, session: str) -> anyio.abc.SocketStream:
    """Open the session's ``GET`` stream (the session is in use while it is open)."""
    stream = await anyio.connect_tcp("127.0.0.1", served.port)
    headers = {"Accept": "text/event-stream", "MCP-Protocol-Version": LEGACY, "Mcp-Session-Id": session}
    await stream.send(http_request("GET", "/mcp", served.port, headers))
    status, _, _ = await read_head(stream)
    assert status == 200
    return stream


async def test_a_full_table_lets_a_new_client_in_by_ending_the_least_recently_active_idle_session(
    fleet: Fleet,
) -> None:
    served = fleet.ready("small-table")  # --max-sessions 4
    async with httpx2.AsyncClient(timeout=10.0) as http, AsyncExitStack() as streams:
        with anyio.fail_after(HANG_GUARD):
            first, second, third, fourth = [await open_session(http, served.port) for _ in range(4)]
            assert await ping(http, served, first) == 200  # now the most recently active
            streams.push_async_callback((await listen(served, second)).aclose)  # in use
            newcomer = await open_session(http, served.port)
            assert await ping(http, served, third) == 404, "the least recently active idle session gave way"
            assert [await ping(http, served, s) for s in (first, second, fourth, newcomer)] == [200] * 4
            # With every session in use there is nothing to take: the newcomer is refused.
            for session in (first, fourth, newcomer):
                streams.push_async_callback((await listen(served, session)).aclose)
            refused = await http.post(f"{served.base}/mcp", headers=MCP_HEADERS, json=INITIALIZE)
            assert refused.status_code == 503
            assert [await ping(http, served, s) for s in (first, second, fourth, newcomer)] == [200] * 4


async def test_a_session_left_idle_past_the_idle_timeout_is_over(fleet: Fleet) -> None:
    served = fleet.ready("short-idle")  # --session-idle-timeout 1
    async with httpx2.AsyncClient(timeout=10.0) as http:
        with anyio.fail_after(HANG_GUARD):
            session = await open_session(http, served.port)
            gap = 2.0  # each ping restarts the idle time: wait longer each round, bounded by the guard
            while await ping(http, served, session) != 404:
                await anyio.sleep(gap)
                gap *= 2
            assert await ping(http, served, await open_session(http, served.port)) == 200


async def test_each_newcomer_to_a_full_table_ends_one_idle_session_not_two(fleet: Fleet) -> None:
    # A client may open its next session before the server's call for the previous one has
    # returned; counting that opening twice ended one session too many (the newest, at times).
    served = fleet.ready("small-table")  # --max-sessions 4
    async with httpx2.AsyncClient(timeout=10.0) as http:
        for _ in range(30):
            with anyio.fail_after(HANG_GUARD):
                sessions = [await open_session(http, served.port) for _ in range(4)]
                assert [await ping(http, served, s) for s in sessions] == [200] * 4
