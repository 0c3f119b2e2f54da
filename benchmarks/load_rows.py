"""50 concurrent streamable-HTTP clients against one server process (ours, then the bare one).

Each client is its own ``Client(url)`` session in an asyncio task of this process; all connect
first, then start together and make up to ``calls`` calls each (bounded in time too). The
server runs ``--stateless``; its upstream is the stdlib server in a third process, whose
accepted-connection count gives "new upstream connections".
"""

from __future__ import annotations

import time
from contextlib import AsyncExitStack
from typing import Any

import anyio

from .harness import Row, summarize
from .procs import HttpServerProcess, bare_command, free_port, our_command, serve_args
from .upstream import ASSISTANT_ID, UpstreamProcess, file_id

CLIENTS = 50
THROUGHPUT_TARGET = 0.6
CONNECTIONS_TARGET = 50


async def _load(url: str, calls: int, max_seconds: float) -> dict[str, Any]:
    from mcp import Client

    latencies: list[float] = []
    errors: list[str] = []
    go = anyio.Event()
    connected = 0
    all_connected = anyio.Event()

    async def worker(index: int) -> None:
        nonlocal connected
        args = {"assistant_id": ASSISTANT_ID, "file_id": file_id(index)}
        async with AsyncExitStack() as stack:
            try:
                client = await stack.enter_async_context(Client(url))
            except Exception as err:  # noqa: BLE001  # a failed session is counted, not raised
                errors.append(f"connect: {type(err).__name__}: {err}")
                client = None
            connected += 1
            if connected == CLIENTS:
                all_connected.set()
            await go.wait()
            if client is None:
                return
            for _ in range(calls):
                if time.monotonic() > deadline:
                    return
                start = time.perf_counter()
                try:
                    result = await client.call_tool("get_assistant_file", args)
                except Exception as err:  # noqa: BLE001
                    errors.append(f"{type(err).__name__}: {err}")
                    continue
                latencies.append(time.perf_counter() - start)
                if result.is_error:
                    errors.append(f"isError: {result.content}")

    deadline = time.monotonic() + max_seconds
    async with anyio.create_task_group() as tg:
        for i in range(CLIENTS):
            tg.start_soon(worker, i)
        with anyio.move_on_after(60):
            await all_connected.wait()
        deadline = time.monotonic() + max_seconds
        start = time.perf_counter()
        go.set()
    elapsed = time.perf_counter() - start
    return {
        "calls": len(latencies),
        "elapsed_s": elapsed,
        "calls_per_s": len(latencies) / elapsed,
        "errors": len(errors),
        "error_samples": errors[:3],
        "latency": summarize(latencies) if latencies else {},
    }


def _run(
    command: list[str], port: int, upstream: UpstreamProcess, calls: int, max_seconds: float
) -> dict[str, Any]:
    with HttpServerProcess(command, port) as proc:
        before = upstream.stats()["connections"]
        result = anyio.run(_load, proc.url, calls, max_seconds)
        # Each stats() call opens one connection of its own: the one before counts, not this one.
        result["upstream_connections"] = upstream.stats()["connections"] - before - 1
    return result


def load_rows(upstream: UpstreamProcess, quick: bool, unavailable: str | None) -> list[Row]:
    """One row: our calls/s relative to the bare server's, errors, upstream connections."""
    what = f"{CLIENTS} concurrent streamable-HTTP clients, one server process (`--stateless`)"
    baseline = "bare `MCPServer` tool under the same load"
    target = f">= {THROUGHPUT_TARGET}x calls/s; 0 errors; <= {CONNECTIONS_TARGET} new upstream connections"
    if unavailable:
        return [Row("load_50", what, baseline, "-", target, f"skipped: {unavailable}")]
    calls, max_seconds = (5, 10.0) if quick else (200, 60.0)
    p1, p2 = free_port(), free_port()
    ours = _run(
        [*our_command(), *serve_args(upstream.base_url, "streamable-http", p1)],
        p1,
        upstream,
        calls,
        max_seconds,
    )
    bare = _run(
        [*bare_command(), "--transport", "streamable-http", "--port", str(p2), "--stateless"], p2, upstream,
        calls, max_seconds,
    )  # fmt: skip
    p3 = free_port()
    raw = _run(
        [*bare_command(), "--transport", "streamable-http", "--port", str(p3), "--stateless", "--upstream",
         upstream.base_url], p3, upstream, calls, max_seconds,
    )  # fmt: skip
    ratio = ours["calls_per_s"] / bare["calls_per_s"] if bare["calls_per_s"] else float("nan")
    ok = (
        ratio >= THROUGHPUT_TARGET
        and ours["errors"] == 0
        and ours["upstream_connections"] <= CONNECTIONS_TARGET
    )
    lat_o, lat_b = ours["latency"], bare["latency"]
    measured = (
        f"ours {ours['calls_per_s']:.0f} calls/s (p50 {lat_o.get('median_ms', 0):.0f} ms, p99 "
        f"{lat_o.get('p99_ms', 0):.0f}), {ours['errors']} errors, {ours['upstream_connections']} upstream "
        f"connections; bare {bare['calls_per_s']:.0f} calls/s (p50 {lat_b.get('median_ms', 0):.0f} ms, p99 "
        f"{lat_b.get('p99_ms', 0):.0f}), {bare['errors']} errors: **{ratio:.2f}x** "
        f"({ours['calls']} / {bare['calls']} calls). Diagnostic: bare tool doing a raw httpx2 GET "
        f"{raw['calls_per_s']:.0f} calls/s (p99 {raw['latency'].get('p99_ms', 0):.0f} ms), "
        f"{raw['errors']} errors, {raw['upstream_connections']} upstream connections"
    )
    return [
        Row(
            "load_50",
            what,
            baseline,
            measured,
            target,
            "PASS" if ok else "MISS",
            {"ours": ours, "bare": bare, "raw_upstream_tool": raw, "ratio": ratio},
        )
    ]
