"""Abandoned stateful sessions: 3,000 bare ``initialize`` calls against one ``serve`` process cost
at most 60 MiB of memory together, and a new client still gets in and works.

Without a bound that lets idle sessions give way, the SDK kept all of them (about 37 KiB each,
30 minutes) and then answered every new client 503.
"""

from __future__ import annotations

import time
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client

from mcp_assistant_files.backend import Store

from .conftest import text_of
from .processes import free_port, rss_kib, running

pytestmark = pytest.mark.anyio

SESSIONS = 3000
CONCURRENCY = 20
MAX_GROWTH_KIB = 60 * 1024
DEADLINE = 600.0  # seconds; the loop stops by itself at SESSIONS or here
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "bare", "version": "0"},
    },
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.mark.slow
async def test_three_thousand_abandoned_sessions_cost_under_60_mib_and_a_new_client_gets_in(
    tmp_path: Path,
) -> None:
    db = tmp_path / "sessions.sqlite3"
    with Store.open(db, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    args = ["serve", "--transport", "streamable-http", "--port", str(port), "--db", str(db)]
    statuses: dict[int, int] = {}
    with running(args, ready_url=f"http://127.0.0.1:{port}/healthz", log=tmp_path / "serve.log") as serve:
        limits = httpx2.Limits(max_connections=CONCURRENCY)
        async with httpx2.AsyncClient(timeout=30.0, limits=limits) as http:

            async def initialize(count: int) -> None:
                for _ in range(count):
                    status = (await http.post(url, headers=HEADERS, json=INITIALIZE)).status_code
                    statuses[status] = statuses.get(status, 0) + 1

            await initialize(CONCURRENCY)  # warm: imports, first allocations
            before = rss_kib(serve.pid)
            started = time.monotonic()
            with anyio.move_on_after(DEADLINE):
                async with anyio.create_task_group() as tg:
                    for _ in range(CONCURRENCY):
                        tg.start_soon(initialize, SESSIONS // CONCURRENCY)
            elapsed = time.monotonic() - started
            after = rss_kib(serve.pid)
        async with Client(url) as client:
            listed = await client.call_tool("list_assistant_files", {"assistant_id": assistant_id})
    print(  # noqa: T201 - the figure goes in the report (pytest -s)
        f"\n{SESSIONS} bare initializes in {elapsed:.1f} s: serve RSS {before / 1024:.1f} -> {after / 1024:.1f} MiB "
        f"(+{(after - before) / 1024:.1f} MiB); statuses {statuses}"
    )
    assert statuses == {200: SESSIONS + CONCURRENCY}, "every client got in, within the deadline"
    assert after - before <= MAX_GROWTH_KIB
    assert not listed.is_error, text_of(listed)
