"""The upstream as seen through a real transport: a cancelled call cancels its upstream request,
and an unreachable upstream is reported with the way to fix it."""

from __future__ import annotations

import anyio
import pytest
from mcp import MCPError

from .clients import MODES, connect, text_of
from .conftest import Fleet
from .upstreams import SilentUpstream, serving

pytestmark = pytest.mark.anyio

ASSISTANT = "asst_transport"
FILE = "file-transport"
CALL_TIMEOUT = 1.0


@pytest.mark.parametrize("how", ["read-timeout", "caller-cancel"])
@pytest.mark.parametrize("mode", MODES)
async def test_abandoned_tool_call_closes_its_upstream_connection(mode: str, how: str, fleet: Fleet) -> None:
    served, silent_socket = fleet.ready("silent-upstream"), fleet.silent_socket
    assert silent_socket is not None
    upstream = SilentUpstream()
    async with serving(silent_socket, upstream.handle):
        with anyio.fail_after(20):
            async with connect(served, "streamable-http", mode) as client:
                arguments = {"assistant_id": ASSISTANT, "file_id": FILE}
                if how == "read-timeout":
                    with pytest.raises(MCPError, match=r"[Tt]imed out"):
                        await client.call_tool(
                            "get_assistant_file", arguments, read_timeout_seconds=CALL_TIMEOUT
                        )
                else:
                    with anyio.move_on_after(CALL_TIMEOUT) as scope:
                        await client.call_tool("get_assistant_file", arguments)
                    assert scope.cancelled_caught
                assert upstream.opened.is_set(), "the call never reached the upstream"
                assert f"/v1/assistants/{ASSISTANT}/files/{FILE}".encode() in upstream.received
                # While the session is still open: only the call was cancelled.
                with anyio.fail_after(5):
                    await upstream.closed.wait()
                tools = await client.list_tools()
    assert upstream.connections == 1
    assert "get_assistant_file" in {t.name for t in tools.tools}


@pytest.mark.parametrize("mode", MODES)
async def test_unreachable_upstream_is_an_error_naming_the_base_url_and_how_to_change_it(
    mode: str, fleet: Fleet
) -> None:
    served, closed_url = fleet.ready("unreachable"), fleet.unreachable_url
    with anyio.fail_after(15):
        async with connect(served, "streamable-http", mode) as client:
            result = await client.call_tool(
                "get_assistant_file", {"assistant_id": ASSISTANT, "file_id": FILE}
            )
    assert result.is_error
    text = text_of(result)
    assert "Could not connect" in text
    assert closed_url in text
    assert "--base-url" in text and "OPENAI_BASE_URL" in text
    assert "on the first attempt" in text
