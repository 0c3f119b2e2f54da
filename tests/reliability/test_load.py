"""Load: 50 concurrent streamable-HTTP clients against one stateless ``serve`` process whose upstream
is the standalone backend process. Each client works on its own assistant and its own vector store
with every tool but the uploads. Zero errors, the computed final state, flat memory.

``RELIABILITY_LOAD_CALLS`` sets the calls per client (default 60; the issue's full size is 200).
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from mcp_assistant_files.backend import Store

from .conftest import text_of
from .processes import cpu_seconds, free_port, rss_kib, running

pytestmark = pytest.mark.anyio

CLIENTS = 50
CALLS_PER_CLIENT = int(os.environ.get("RELIABILITY_LOAD_CALLS", "60"))
FILES_PER_CLIENT = 6
LOAD_DEADLINE = 600.0  # seconds; the run stops by itself here at the latest


@dataclass
class Owner:
    """One client's assistant, its files, and what it expects to be attached."""

    assistant_id: str
    store_id: str
    files: list[str]
    attached: set[str] = field(default_factory=set)
    in_store: set[str] = field(default_factory=set)
    calls: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Tally:
    done: int = 0
    rss_mid: int | None = None
    mid_at: float = 0.0


def seed(db: Path) -> list[Owner]:
    with Store.open(db, max_files_per_assistant=0) as store:
        return [
            Owner(
                store.create_assistant(name=f"load-{n}")["id"],
                store.create_vector_store(f"load-{n}")["id"],
                [
                    store.create_file(f"{n}-{i}.txt", b"some text", "assistants")["id"]
                    for i in range(FILES_PER_CLIENT)
                ],
            )
            for n in range(CLIENTS)
        ]


OPS = ("list", "get", "attach", "attach", "detach", "vs_list", "vs_get", "vs_attach", "vs_attach", "vs_detach",
       "vs_update", "stores")  # fmt: skip


async def call(mcp: Client, owner: Owner, op: str, rng: random.Random) -> tuple[str, Any]:
    """One call of kind ``op`` on the owner's own assistant or vector store; the state kept in step."""
    assistant = {"assistant_id": owner.assistant_id}
    store = {"vector_store_id": owner.store_id}
    if op in ("get", "detach") and not owner.attached:
        op = "attach"
    if op in ("vs_get", "vs_detach", "vs_update") and not owner.in_store:
        op = "vs_attach"
    if op == "list":
        return op, await mcp.call_tool("list_assistant_files", assistant | {"limit": 100})
    if op == "vs_list":
        return op, await mcp.call_tool("list_vector_store_files", store | {"limit": 100})
    if op == "stores":
        return op, await mcp.call_tool("list_vector_stores", {"limit": 5})
    if op in ("attach", "vs_attach"):
        file_id = rng.choice(owner.files)
        (owner.attached if op == "attach" else owner.in_store).add(file_id)
        if op == "attach":
            return op, await mcp.call_tool("attach_assistant_file", assistant | {"file_id": file_id})
        return op, await mcp.call_tool(
            "attach_vector_store_file", store | {"file_id": file_id, "wait": False}
        )
    held = owner.attached if op in ("get", "detach") else owner.in_store
    file_id = rng.choice(sorted(held))
    if op in ("detach", "vs_detach"):
        held.discard(file_id)
    tool = {
        "get": "get_assistant_file",
        "detach": "detach_assistant_file",
        "vs_get": "get_vector_store_file",
        "vs_detach": "detach_vector_store_file",
        "vs_update": "update_vector_store_file_attributes",
    }[op]
    args: dict[str, Any] = (assistant if op in ("get", "detach") else store) | {"file_id": file_id}
    if op == "vs_update":
        args["attributes"] = [{"key": "n", "value": rng.randint(0, 9)}]
    return op, await mcp.call_tool(tool, args)


async def drive(url: str, owner: Owner, seed_value: int, tally: Tally, server_pid: int, total: int) -> None:
    """``CALLS_PER_CLIENT`` mixed calls on the owner's own files, each checked against the expectation."""
    rng = random.Random(seed_value)
    async with Client(url) as mcp:
        for _ in range(CALLS_PER_CLIENT):
            op, result = await call(mcp, owner, rng.choice(OPS), rng)
            content = result.structured_content or {}
            if not result.is_error and op in ("list", "vs_list"):
                expected = owner.attached if op == "list" else owner.in_store
                if {f["id"] for f in content["files"]} != expected:
                    owner.errors.append(f"{op} {content} != {sorted(expected)}")
            if result.is_error:
                owner.errors.append(f"{op}: {text_of(result)}")
            owner.calls += 1
            tally.done += 1
            if tally.rss_mid is None and tally.done >= total // 2:
                tally.rss_mid, tally.mid_at = rss_kib(server_pid), time.monotonic()


@pytest.mark.slow
async def test_fifty_http_clients_make_mixed_calls_without_an_error_and_end_in_the_computed_state(
    tmp_path: Path,
) -> None:
    db = tmp_path / "load.sqlite3"
    owners = seed(db)
    backend_port, serve_port = free_port(), free_port()
    backend_args = ["backend", "--host", "127.0.0.1", "--port", str(backend_port), "--db", str(db),
                    "--max-files-per-assistant", "0"]  # fmt: skip
    serve_args = ["serve", "--transport", "streamable-http", "--stateless", "--host", "127.0.0.1",
                  "--port", str(serve_port), "--base-url", f"http://127.0.0.1:{backend_port}/v1"]  # fmt: skip
    total = CLIENTS * CALLS_PER_CLIENT
    tally = Tally()
    with (
        running(
            backend_args, ready_url=f"http://127.0.0.1:{backend_port}/healthz", log=tmp_path / "backend.log"
        ) as backend,
        running(
            serve_args, ready_url=f"http://127.0.0.1:{serve_port}/healthz", log=tmp_path / "serve.log"
        ) as serve,
    ):
        rss_start = rss_kib(serve.pid)
        started = time.monotonic()
        with anyio.move_on_after(LOAD_DEADLINE):
            async with anyio.create_task_group() as tg:
                for n, owner in enumerate(owners):
                    tg.start_soon(
                        drive, f"http://127.0.0.1:{serve_port}/mcp", owner, n, tally, serve.pid, total
                    )
        elapsed = time.monotonic() - started
        rss_end = rss_kib(serve.pid)
        cpu = {
            "serve": cpu_seconds(serve.pid),
            "backend": cpu_seconds(backend.pid),
            "clients": time.process_time(),
        }
        serve_log = (tmp_path / "serve.log").read_text()
    errors = [e for owner in owners for e in owner.errors]
    second_half = time.monotonic() - tally.mid_at
    print(  # noqa: T201 - the figures go in the report (pytest -s)
        f"\nload: {CLIENTS} clients x {CALLS_PER_CLIENT} calls = {tally.done} calls in {elapsed:.1f} s "
        f"({tally.done / elapsed:.0f} calls/s), {len(errors)} errors; serve RSS {rss_start} KiB at start, "
        f"{tally.rss_mid} KiB at half, {rss_end} KiB at end (second half {second_half:.1f} s); CPU seconds "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items())
    )
    assert tally.done == total, f"the run finished inside {LOAD_DEADLINE} s"
    assert errors == []
    assert "Traceback" not in serve_log
    with Store.open(db, max_files_per_assistant=0) as store:
        for owner in owners:
            assert set(store.get_assistant(owner.assistant_id)["file_ids"]) == owner.attached
            listed = store.list_vector_store_files(owner.store_id, limit=100)["data"]
            assert {f["id"] for f in listed} == owner.in_store
    assert tally.rss_mid is not None
    assert rss_end < tally.rss_mid * 1.10, "memory is flat across the second half"
