"""Cancelling tool calls: no upstream connection left open, nothing half done, nothing leaked."""

from __future__ import annotations

import gc
import json
import random
import time
from pathlib import Path
from typing import Literal

import anyio
import pytest

from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.testing import serve_in_thread
from tests.conftest import Pauses

from .conftest import mcp_over, open_fds, pool_connections, text_of, upstream_client
from .faults import Forward, Reply, Respond, Seen, fault_server, file_json

pytestmark = pytest.mark.anyio

ASSISTANT, FILE = "asst_1", "file-1"
OK_BODY = json.dumps(file_json(FILE, ASSISTANT)).encode()
ARGS = {"assistant_id": ASSISTANT, "file_id": FILE}
CALLS = 1000
LOOP_DEADLINE = 90.0  # seconds; the loop below stops by itself at CALLS or here


def ok(delay: float = 0.0) -> Respond:
    return Respond(200, OK_BODY, {"content-type": "application/json"}, delay=delay)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_cancelled_tool_call_closes_its_upstream_connection_and_the_next_call_works(
    mode: Literal["auto", "legacy"], sleeps: Pauses
) -> None:
    script = [ok(delay=5.0), ok()]
    with fault_server(lambda attempt, seen: script[attempt]) as server:
        async with upstream_client(server.base_url) as client, mcp_over(client, mode) as mcp:
            started = time.monotonic()
            with anyio.move_on_after(0.2) as scope:
                await mcp.call_tool("get_assistant_file", ARGS)
            assert scope.cancelled_caught
            assert time.monotonic() - started < 2.0
            assert await server.settle(0) == 0, "the upstream saw the connection close"
            assert pool_connections(client) == [], "the pool dropped the cancelled connection"
            assert server.attempts == 1, "a cancelled call is not retried"
            after = await mcp.call_tool("get_assistant_file", ARGS)
            assert not after.is_error, text_of(after)
            assert server.attempts == 2
    assert sleeps.delays == []


async def test_an_attach_cancelled_before_the_upstream_commits_leaves_nothing_attached(
    tmp_path: Path, sleeps: Pauses
) -> None:
    with Store.open(tmp_path / "c.sqlite3", max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        file_id = store.create_file("a.txt", b"a", "assistants")["id"]
        args = {"assistant_id": assistant_id, "file_id": file_id}
        with serve_in_thread(store) as backend_url:
            origin = backend_url.removesuffix("/v1")

            def slow_first(attempt: int, seen: Seen) -> Reply:
                return Forward(origin, reset=False, delay=5.0 if attempt == 0 else 0.0)

            with fault_server(slow_first) as proxy:
                async with upstream_client(proxy.base_url, api_key="") as client, mcp_over(client) as mcp:
                    with anyio.move_on_after(0.2) as scope:
                        await mcp.call_tool("attach_assistant_file", args)
                    assert scope.cancelled_caught
                    assert await proxy.settle(0) == 0
                    assert store.get_assistant(assistant_id)["file_ids"] == [], "nothing half done"
                    assert pool_connections(client) == []
                    again = await mcp.call_tool("attach_assistant_file", args)
                    listing = await mcp.call_tool("list_assistant_files", {"assistant_id": assistant_id})
        assert store.get_assistant(assistant_id)["file_ids"] == [file_id]
    assert not again.is_error, text_of(again)
    assert listing.structured_content is not None
    assert [f["id"] for f in listing.structured_content["files"]] == [file_id]
    assert sleeps.delays == []


@pytest.mark.slow
async def test_a_thousand_calls_with_random_cancellations_leave_connections_and_fds_where_they_started(
    sleeps: Pauses,
) -> None:
    rng = random.Random(20261106)
    delays = [rng.choice((0.0, 0.0, rng.uniform(0.0, 0.006))) for _ in range(CALLS + 2)]
    with fault_server(lambda attempt, seen: ok(delays[attempt % len(delays)])) as server:
        async with upstream_client(server.base_url) as client, mcp_over(client) as mcp:
            warm = await mcp.call_tool("get_assistant_file", ARGS)
            assert not warm.is_error
            assert await server.settle(1) == 1
            gc.collect()
            fds_before, pool_before = open_fds(), len(pool_connections(client))

            cancelled = completed = 0
            deadline = time.monotonic() + LOOP_DEADLINE
            for _ in range(CALLS):
                if time.monotonic() > deadline:
                    break
                with anyio.move_on_after(rng.uniform(0.0, 0.006)) as scope:
                    result = await mcp.call_tool("get_assistant_file", ARGS)
                if scope.cancelled_caught:
                    cancelled += 1
                else:
                    assert not result.is_error, text_of(result)
                    completed += 1

            final = await mcp.call_tool("get_assistant_file", ARGS)
            assert not final.is_error
            # The upstream notices closed connections on its own threads: wait (bounded) for it.
            assert await server.settle(1) == 1
            gc.collect()
            fds_after, pool_after = open_fds(), len(pool_connections(client))
            busy = [c for c in pool_connections(client) if not c.is_idle()]
    print(  # noqa: T201 - the figures go in the report (pytest -s)
        f"\ncancellation loop: {cancelled} cancelled, {completed} completed, {server.accepted} connections "
        f"opened; fds {fds_before} -> {fds_after}; pool {pool_before} -> {pool_after}"
    )
    assert cancelled + completed == CALLS, "the loop finished within its deadline"
    assert cancelled > 100 and completed > 100, "both outcomes were exercised"
    assert pool_after == pool_before == 1
    assert busy == []
    assert fds_after == fds_before
    assert sleeps.delays == []
