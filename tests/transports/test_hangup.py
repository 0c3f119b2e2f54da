"""A client that hangs up in the middle of a tool call cancels it, and so its upstream request.

The upstream never finishes answering (a chunked body that trickles forever, so no read timeout of
ours ever fires): only a cancelled call lets go of its upstream connection. As many clients hang up
as the upstream pool holds connections, so a healthy call afterwards needs one of them back.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack

import anyio
import httpx2
import pytest
from anyio.abc import SocketStream

from mcp_assistant_files.client._base import DEFAULT_LIMITS

from .clients import connect, text_of
from .conftest import HANGUP_FLAVOURS, Fleet
from .serving import Served
from .upstreams import TricklingUpstream, serving
from .wire import LEGACY, MODERN, call_body, call_headers, http_request, open_session, open_sse_session

pytestmark = pytest.mark.anyio

CLIENTS = DEFAULT_LIMITS.max_connections or 100  # as many as the upstream pool holds
HANG_GUARD = 60.0  # seconds, for each step; the whole test normally takes a few
TOOL = "get_assistant_file"
HELD = {"assistant_id": "asst_hold", "file_id": "file-hold"}
HEALTHY = {"assistant_id": "asst_ok", "file_id": "file-ok"}
# A 2026-07-28 read without progressToken is answered by the JSON-mode manager (server/answers.py);
# with one, by the SDK's streaming endpoint.
MODERN_STREAMING = f"{MODERN}+progressToken"
CASES = [
    ("hangup-stateful", LEGACY),
    ("hangup-stateful", MODERN),
    ("hangup-stateful", MODERN_STREAMING),
    ("hangup-json", LEGACY),
    ("hangup-json", MODERN),
    ("hangup-stateless", LEGACY),
    ("hangup-stateless-json", LEGACY),
    ("hangup-sse", LEGACY),
]


async def until(condition: Callable[[], bool]) -> None:
    """Wait for ``condition`` (the caller's ``fail_after`` guards against a hang)."""
    while not condition():  # noqa: ASYNC110 - the counts change in handlers of this loop: poll them
        await anyio.sleep(0.02)


async def open_call(
    http: httpx2.AsyncClient, served: Served, flavour: str, protocol: str, number: int
) -> SocketStream:
    """Start a held tool call the way ``flavour`` takes one; the connection whose closing hangs up."""
    streaming = protocol == MODERN_STREAMING
    protocol = MODERN if streaming else protocol
    body = call_body(number + 2, TOOL, HELD, protocol=protocol)
    if streaming:
        body["params"]["_meta"]["progressToken"] = number
    if HANGUP_FLAVOURS[flavour][0] == "sse":
        stream, endpoint = await open_sse_session(http, served.port)
        response = await http.post(
            f"{served.base}{endpoint}", headers=call_headers(TOOL, protocol=LEGACY), json=body
        )
        assert response.status_code == 202, response.text
        return stream
    session = None
    if protocol == LEGACY and "--stateless" not in HANGUP_FLAVOURS[flavour][1]:
        session = await open_session(http, served.port)
    stream = await anyio.connect_tcp("127.0.0.1", served.port)
    headers = call_headers(TOOL, protocol=protocol, session=session)
    await stream.send(http_request("POST", "/mcp", served.port, headers, body))
    return stream


@pytest.mark.parametrize(("flavour", "protocol"), CASES)
async def test_clients_that_hang_up_mid_call_release_their_upstream_connections(
    flavour: str, protocol: str, fleet: Fleet
) -> None:
    served = fleet.ready(flavour)
    upstream = TricklingUpstream(hold=HELD["assistant_id"])
    async with (
        serving(fleet.upstream_sockets[flavour], upstream.handle),
        httpx2.AsyncClient(timeout=10.0) as http,
    ):
        async with AsyncExitStack() as clients:
            with anyio.move_on_after(HANG_GUARD):
                for n in range(CLIENTS):
                    clients.push_async_callback((await open_call(http, served, flavour, protocol, n)).aclose)
                await until(lambda: upstream.held == CLIENTS)
            assert upstream.held == CLIENTS, "every call reached the upstream"
        # Every client has hung up.
        with anyio.move_on_after(HANG_GUARD):
            await until(lambda: upstream.released == CLIENTS)
        assert upstream.released == CLIENTS, (
            "every call whose client hung up let go of its upstream connection"
        )
        with anyio.fail_after(HANG_GUARD):
            mode = "legacy" if protocol == LEGACY else "auto"
            async with connect(served, HANGUP_FLAVOURS[flavour][0], mode) as client:
                healthy = await client.call_tool(TOOL, HEALTHY)
    assert not healthy.is_error, text_of(healthy)
    assert upstream.answered == 1
    assert "Traceback" not in served.stderr
