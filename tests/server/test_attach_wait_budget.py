"""attach_vector_store_file with wait: an upstream that never finishes, and one that asks a pace.

Upstream files can stay ``in_progress`` for ever (openai-python #3097): the tool stops polling
when its budget is spent, returns the current status and says how to check again. It follows the
upstream's ``openai-poll-after-ms``. Time is a fake clock moved only by the tool's own pauses.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from mcp import Client

from mcp_assistant_files import AsyncOpenAIClient
from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.service.cursors import CursorCodec
from mcp_assistant_files.service.vector_store_files import VectorStoreFilesTools

from .conftest import SECRET, text_of

pytestmark = pytest.mark.anyio

VS, FILE = "vs_1", "file-1"


def vs_file(status: str) -> dict[str, Any]:
    return {
        "id": FILE,
        "object": "vector_store.file",
        "usage_bytes": 0,
        "created_at": 1,
        "vector_store_id": VS,
        "status": status,
        "last_error": None,
    }


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.pauses: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def tools(handler: Any, time: FakeTime, budget: float) -> VectorStoreFilesTools:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    client = AsyncOpenAIClient(base_url="http://upstream.test/v1", api_key="sk-test", http_client=http)
    return VectorStoreFilesTools(
        client=client,
        codec=CursorCodec(SECRET),
        upstream_label="the upstream at http://upstream.test/v1",
        wait_budget=budget,
        sleep=time.sleep,
        clock=time.clock,
    )


async def test_a_file_that_stays_in_progress_returns_when_the_budget_is_spent() -> None:
    time = FakeTime()
    retrieves: list[int] = []

    def upstream(request: httpx2.Request) -> httpx2.Response:
        if request.method == "GET":
            retrieves.append(1)
        return httpx2.Response(200, json=vs_file("in_progress"))

    seen: list[str | None] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(message)

    async with Client(build_server(tools(upstream, time, budget=5.0))) as mcp:
        result = await mcp.call_tool(
            "attach_vector_store_file",
            {"vector_store_id": VS, "file_id": FILE},
            progress_callback=on_progress,
        )
    assert not result.is_error, text_of(result)
    body = json.loads(text_of(result))
    assert body["status"] == "in_progress"
    assert body["next_step"] == (
        f"File {FILE} is still being processed: call get_vector_store_file with vector_store_id={VS!r}, "
        f"file_id={FILE!r} in a while to check again."
    )
    assert time.now - 1000.0 <= 5.0, "never waits past the budget"
    assert time.pauses == [1.0] * 5, "1 s apart without a pace from the upstream"
    assert len(retrieves) == 6, "one look at once after the attach, then one after each pause"
    assert len(seen) == 7 and set(seen) == {f"file {FILE}: in progress"}


async def test_the_upstreams_poll_pace_is_followed() -> None:
    time = FakeTime()
    answers = iter(["in_progress", "in_progress", "completed"])

    def upstream(request: httpx2.Request) -> httpx2.Response:
        if request.method == "POST":
            return httpx2.Response(200, json=vs_file("in_progress"))
        return httpx2.Response(200, json=vs_file(next(answers)), headers={"openai-poll-after-ms": "250"})

    async with Client(build_server(tools(upstream, time, budget=40.0))) as mcp:
        result = await mcp.call_tool("attach_vector_store_file", {"vector_store_id": VS, "file_id": FILE})
    assert json.loads(text_of(result))["status"] == "completed"
    assert time.pauses == [0.25, 0.25]
