"""SSE: a session that posts requests but never reads its stream is refused at the bound of
requests in flight, instead of holding every answer in memory; once it reads, it is served again."""

from __future__ import annotations

import json
import re
from typing import Any

import anyio
import httpx2
import pytest
from anyio.abc import SocketStream

from mcp_assistant_files.server.backlog import REFUSAL
from mcp_assistant_files.server.bounds import MAX_SSE_REQUESTS_IN_FLIGHT

from .conftest import Fleet
from .wire import MCP_HEADERS, open_sse_session

pytestmark = pytest.mark.anyio

HANG_GUARD = 120.0  # seconds for a whole test; each normally takes a few
# Bounds the loop that fills a session: the socket buffers of an unread stream take ~170 answers
# of tools/list (~25 kB each) before the server's writes block; then 32 more wait.
MAX_POSTS = 2000
ANSWER = re.compile(rb"data: (\{[^\r\n]*\})\r\n")


def tools_list(request_id: int) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/list"}


class Answers:
    """The ids of the answers read from one SSE stream."""

    def __init__(self, stream: SocketStream) -> None:
        self.stream = stream
        self.ids: set[object] = set()
        self._buffer = b""

    async def until(self, wanted: set[int]) -> None:
        """Read the stream until every id in ``wanted`` has been answered."""
        while not wanted <= self.ids:
            self._buffer += await self.stream.receive()
            consumed = 0
            for match in ANSWER.finditer(self._buffer):
                message = json.loads(match.group(1))
                if "method" not in message:
                    self.ids.add(message.get("id"))
                consumed = match.end()
            self._buffer = self._buffer[consumed:]


async def fill(http: httpx2.AsyncClient, url: str, first_id: int) -> tuple[list[int], httpx2.Response]:
    """Post ``tools/list`` until one is refused: the ids accepted, and the refusal."""
    accepted: list[int] = []
    for request_id in range(first_id, first_id + MAX_POSTS):
        response = await http.post(url, headers=MCP_HEADERS, json=tools_list(request_id))
        if response.status_code != 202:
            return accepted, response
        accepted.append(request_id)
    raise AssertionError(f"{MAX_POSTS} requests on an unread stream were all accepted")


async def test_a_session_that_does_not_read_its_stream_is_refused_at_the_bound_until_it_reads(
    fleet: Fleet,
) -> None:
    served = fleet.ready("sse")
    async with httpx2.AsyncClient(timeout=30.0) as http:
        with anyio.fail_after(HANG_GUARD):
            stream, endpoint = await open_sse_session(http, served.port)
            async with stream:
                url = f"{served.base}{endpoint}"
                accepted, refused = await fill(http, url, first_id=2)
                assert refused.status_code == 429, refused.text
                assert refused.json() == {
                    "jsonrpc": "2.0",
                    "id": accepted[-1] + 1,
                    "error": {"code": -32000, "message": REFUSAL},
                }
                assert len(accepted) >= MAX_SSE_REQUESTS_IN_FLIGHT
                # Still refused: nothing was read.
                again = await http.post(url, headers=MCP_HEADERS, json=tools_list(accepted[-1] + 2))
                assert again.status_code == 429

                # Another session is served meanwhile.
                other, other_endpoint = await open_sse_session(http, served.port)
                async with other:
                    response = await http.post(
                        f"{served.base}{other_endpoint}", headers=MCP_HEADERS, json=tools_list(7)
                    )
                    assert response.status_code == 202, response.text
                    await Answers(other).until({7})

                # Once the client reads its answers, the session takes requests again.
                answers = Answers(stream)
                await answers.until(set(accepted))
                next_id = accepted[-1] + 3
                response = await http.post(url, headers=MCP_HEADERS, json=tools_list(next_id))
                assert response.status_code == 202, response.text
                await answers.until({next_id})


async def test_a_cancelled_request_frees_its_place(fleet: Fleet) -> None:
    served = fleet.ready("sse")
    async with httpx2.AsyncClient(timeout=30.0) as http:
        with anyio.fail_after(HANG_GUARD):
            stream, endpoint = await open_sse_session(http, served.port)
            async with stream:
                url = f"{served.base}{endpoint}"
                accepted, refused = await fill(http, url, first_id=2)
                assert refused.status_code == 429, refused.text
                cancel = {
                    "jsonrpc": "2.0",
                    "method": "notifications/cancelled",
                    "params": {"requestId": accepted[-1], "reason": "not needed"},
                }
                assert (await http.post(url, headers=MCP_HEADERS, json=cancel)).status_code == 202
                statuses = [
                    (await http.post(url, headers=MCP_HEADERS, json=tools_list(n))).status_code
                    for n in (10_000, 10_001)
                ]
    assert statuses == [202, 429]


async def test_requests_the_sdk_refuses_take_no_place(fleet: Fleet) -> None:
    served = fleet.ready("sse")
    async with httpx2.AsyncClient(timeout=30.0) as http:
        with anyio.fail_after(HANG_GUARD):
            stream, endpoint = await open_sse_session(http, served.port)
            async with stream:
                url = f"{served.base}{endpoint}"
                unparsable = {"jsonrpc": "1.0", "id": 5, "method": "tools/list"}  # not JSON-RPC 2.0
                statuses = {
                    (await http.post(url, headers=MCP_HEADERS, json=unparsable)).status_code
                    for _ in range(2 * MAX_SSE_REQUESTS_IN_FLIGHT)
                }
    assert statuses == {400}
