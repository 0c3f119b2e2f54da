"""SSE, where the SDK's lifespan runs per connection: the process still has one upstream client,
and SIGTERM shuts it down cleanly (database intact)."""

from __future__ import annotations

import sqlite3

import anyio
import anyio.to_thread
import pytest

from mcp_assistant_files.backend import Store

from .clients import MODES, connect, text_of, walk
from .conftest import Fleet
from .upstreams import CountingProxy, serving

pytestmark = pytest.mark.anyio


async def test_sse_serves_successive_and_concurrent_connections_then_stops_cleanly_on_sigterm(
    fleet: Fleet,
) -> None:
    served, seeded = fleet.ready("sse-local"), fleet.seeds["sse-local"]
    assistant = seeded.assistant_id
    steps = [
        ("attach_assistant_file", {"assistant_id": assistant, "file_id": fleet.spare}),
        ("get_assistant_file", {"assistant_id": assistant, "file_id": fleet.spare}),
        ("detach_assistant_file", {"assistant_id": assistant, "file_id": fleet.spare}),
    ]
    with anyio.fail_after(30):
        for number, (tool, arguments) in enumerate(steps):
            async with connect(served, "sse", MODES[number % 2]) as client:
                listed = await client.call_tool(
                    "list_assistant_files", {"assistant_id": assistant, "limit": 5}
                )
                result = await client.call_tool(tool, arguments)
            assert not listed.is_error, text_of(listed)
            assert not result.is_error, f"{tool}: {text_of(result)}"

        walks: list[list[str]] = []

        async def walk_on_its_own_connection(mode: str) -> None:
            async with connect(served, "sse", mode) as client:
                walks.append((await walk(client, assistant, limit=25))[0])

        async with anyio.create_task_group() as tg:
            for mode in (*MODES, "auto"):
                tg.start_soon(walk_on_its_own_connection, mode)
    assert len(walks) == 3
    assert all(sorted(ids) == sorted(seeded.file_ids) for ids in walks)

    # uvicorn shuts down gracefully, then re-raises SIGTERM to our handler, which exits with 0.
    status = await anyio.to_thread.run_sync(served.stop, 5.0)
    assert status == 0, served.stderr
    assert "Application shutdown complete" in served.stderr
    assert "Traceback" not in served.stderr
    with sqlite3.connect(seeded.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with Store.open(seeded.db, max_files_per_assistant=0) as store:
        attached = store.list_attachments(assistant, limit=100)["data"]
    assert fleet.spare not in {f["id"] for f in attached}
    assert len(attached) == 30


async def test_sse_connections_share_one_upstream_connection_pool(fleet: Fleet) -> None:
    served, backend = fleet.ready("sse-proxied"), fleet.seeds["backend"]
    assert fleet.proxy_socket is not None
    proxy = CountingProxy(fleet.backend_port)
    async with serving(fleet.proxy_socket, proxy.handle):
        with anyio.fail_after(20):
            for number in range(3):
                async with connect(served, "sse", MODES[number % 2]) as client:
                    result = await client.call_tool(
                        "list_assistant_files", {"assistant_id": backend.assistant_id, "limit": 10}
                    )
                assert not result.is_error, text_of(result)
                assert result.structured_content is not None
                assert len(result.structured_content["files"]) == 10
    # One keep-alive connection for all three sessions: a client per SSE session would open three.
    assert proxy.connections == 1
