"""``total_timeout`` bounds the whole call, reads included: a dripping upstream cannot hold it.

The upstream answers headers at once, then one body byte every 0.2 s, for ever: every single read
succeeds well within the read timeout (15 s), so only a deadline over the whole call ends it.
(Before: a tool call with the server's 45-s budget, and a library call with ``total_timeout=45``,
were still pending after 100 s.)
"""

from __future__ import annotations

import anyio
import pytest

from mcp_assistant_files import APITimeoutError, AssistantsClient, AsyncAssistantsClient

from .conftest import API_KEY, assert_one_sentence_error, mcp_over, upstream_client
from .faults import Drip, fault_server

pytestmark = pytest.mark.anyio

BUDGET = 1.5
HANG_GUARD = 30.0  # far above the budget: only a broken deadline reaches it


async def test_an_async_call_ends_at_its_total_timeout_while_the_body_drips() -> None:
    with fault_server(lambda attempt, seen: Drip(every=0.2)) as server:
        async with AsyncAssistantsClient(
            base_url=server.base_url, api_key=API_KEY, total_timeout=BUDGET, max_retries=0
        ) as client:
            with anyio.fail_after(HANG_GUARD), pytest.raises(APITimeoutError) as caught:
                await client.files.retrieve("file-1", assistant_id="asst_1")
        assert server.wait_open(0) == 0, "the dripping connection was closed"
    assert "total_timeout of 1.5 s ran out" in str(caught.value)
    assert server.bytes_streamed >= 2, "reads kept succeeding: only the deadline ended the call"


def test_a_sync_call_ends_at_its_total_timeout_while_the_body_drips() -> None:
    with fault_server(lambda attempt, seen: Drip(every=0.2)) as server:
        with (
            AssistantsClient(
                base_url=server.base_url, api_key=API_KEY, total_timeout=BUDGET, max_retries=0
            ) as client,
            pytest.raises(APITimeoutError) as caught,
        ):
            client.files.retrieve("file-1", assistant_id="asst_1")
        assert server.wait_open(0) == 0
    assert "total_timeout of 1.5 s ran out" in str(caught.value)


async def test_a_tool_call_ends_at_its_budget_with_one_sentence() -> None:
    with fault_server(lambda attempt, seen: Drip(every=0.2)) as server:
        async with (
            upstream_client(server.base_url, total_timeout=BUDGET, max_retries=0) as client,
            mcp_over(client) as mcp,
        ):
            with anyio.fail_after(HANG_GUARD):
                args = {"assistant_id": "asst_1", "file_id": "f-1"}
                result = await mcp.call_tool("get_assistant_file", args)
        assert server.wait_open(0) == 0
    text = assert_one_sentence_error(result)
    assert "did not answer in time" in text and "try again later" in text
