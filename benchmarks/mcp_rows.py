"""MCP rows: per-call overhead on three transports, cold start to ``tools/list``, idle RSS.

Per-call overhead of ours is ``MCP get_assistant_file - the same AsyncAssistantsClient.retrieve
made directly``; the bare ``MCPServer`` tool returns a constant, so its MCP call time is the
SDK's own cost. The row is ours minus bare (target <= +0.2 ms). All three contenders run
interleaved in one event loop; the servers run in-process (in-memory) or as child processes.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import anyio

from mcp_assistant_files import AsyncAssistantsClient

from .bare_server import build_bare
from .harness import Row, Samples, measure_async, summarize
from .procs import (
    HttpServerProcess,
    bare_command,
    child_pids,
    free_port,
    our_command,
    rss_mib,
    serve_args,
    serve_unavailable,
)
from .upstream import ASSISTANT_ID, UpstreamProcess, file_id

ARGS = {"assistant_id": ASSISTANT_ID, "file_id": file_id(7)}
OVERHEAD_TARGET_MS = 0.2
STARTUP_TARGET = 1.05
RSS_TARGET_MIB = 80.0


def _skip(key: str, what: str, baseline: str, target: str, reason: str) -> Row:
    return Row(key, what, baseline, "-", target, f"skipped: {reason}")


def _call(client: Any) -> Callable[[], Awaitable[object]]:
    async def call() -> object:
        result = await client.call_tool("get_assistant_file", ARGS)
        if result.is_error:
            raise RuntimeError(f"tool error: {result.content}")
        return result

    return call


async def _per_call(transport: str, upstream: UpstreamProcess, quick: bool) -> Samples:
    from mcp import Client, StdioServerParameters

    from mcp_assistant_files.server.registry import build_server
    from mcp_assistant_files.service.assistant_files import AssistantFilesTools
    from mcp_assistant_files.service.cursors import CursorCodec

    rounds, per_round, max_seconds = (2, 30, 4.0) if quick else (20, 100, 40.0)
    async with AsyncExitStack() as stack:
        direct = await stack.enter_async_context(
            AsyncAssistantsClient(base_url=upstream.base_url, max_retries=0)
        )
        if transport == "in-memory":
            service = AssistantFilesTools(client=direct, codec=CursorCodec(b"x" * 32))
            ours_target: Any = build_server(service)
            bare_target: Any = build_bare()
            raw_target: Any = build_bare(upstream.base_url)
        elif transport == "stdio":
            ours_cmd = [*our_command(), *serve_args(upstream.base_url, "stdio")]
            ours_target = StdioServerParameters(command=ours_cmd[0], args=ours_cmd[1:])
            bare_target = StdioServerParameters(command=sys.executable, args=[*bare_command()[1:]])
            raw_target = StdioServerParameters(
                command=sys.executable, args=[*bare_command()[1:], "--upstream", upstream.base_url]
            )
        else:
            ours_proc = HttpServerProcess(
                [*our_command(), *serve_args(upstream.base_url, "streamable-http", port := free_port())], port
            )
            bare_proc = HttpServerProcess(
                [
                    *bare_command(),
                    "--transport",
                    "streamable-http",
                    "--port",
                    str(p2 := free_port()),
                    "--stateless",
                ],
                p2,
            )
            raw_proc = HttpServerProcess(
                [*bare_command(), "--transport", "streamable-http", "--port", str(p3 := free_port()), "--stateless",
                 "--upstream", upstream.base_url],
                p3,
            )  # fmt: skip
            ours_target = stack.enter_context(ours_proc).url
            bare_target = stack.enter_context(bare_proc).url
            raw_target = stack.enter_context(raw_proc).url
        ours = await stack.enter_async_context(Client(ours_target))
        bare = await stack.enter_async_context(Client(bare_target))
        raw = await stack.enter_async_context(Client(raw_target))

        async def retrieve() -> object:
            return await direct.files.retrieve(file_id(7), assistant_id=ASSISTANT_ID)

        contenders = {
            "ours_mcp": _call(ours),
            "direct": retrieve,
            "bare_mcp": _call(bare),
            "raw_mcp": _call(raw),
        }
        return await measure_async(contenders, rounds=rounds, per_round=per_round, max_seconds=max_seconds)


def _overhead_row(transport: str, samples: Samples) -> Row:
    ours, direct, bare, raw = (samples.stats(n) for n in ("ours_mcp", "direct", "bare_mcp", "raw_mcp"))
    extra = ours["median_ms"] - direct["median_ms"] - bare["median_ms"]
    vs_raw = ours["median_ms"] - raw["median_ms"]
    per_round = sorted(r["ours_mcp"] - r["direct"] - r["bare_mcp"] for r in samples.rounds)
    q1, q3 = per_round[len(per_round) // 4] * 1e3, per_round[(3 * len(per_round)) // 4] * 1e3
    measured = (
        f"ours {ours['median_ms']:.3f} ms (p99 {ours['p99_ms']:.3f}) - direct {direct['median_ms']:.3f} "
        f"(p99 {direct['p99_ms']:.3f}) = {ours['median_ms'] - direct['median_ms']:.3f}; bare "
        f"{bare['median_ms']:.3f} (p99 {bare['p99_ms']:.3f}): **{extra:+.3f} ms** (rounds IQR {q1:+.3f}..{q3:+.3f}). "
        f"Diagnostic: bare tool doing a raw httpx2 GET {raw['median_ms']:.3f} ms (p99 {raw['p99_ms']:.3f}); "
        f"ours minus it {vs_raw:+.3f} ms"
    )
    verdict = "PASS" if extra <= OVERHEAD_TARGET_MS else "MISS"
    data = {
        "ours_mcp": ours, "direct": direct, "bare_mcp": bare, "raw_upstream_mcp": raw, "extra_ms": extra,
        "round_q1_ms": q1, "round_q3_ms": q3, "ours_minus_raw_upstream_tool_ms": vs_raw,
    }  # fmt: skip
    return Row(
        f"mcp_call_{transport.replace('-', '_')}",
        f"one `get_assistant_file` call, {transport}, minus the direct client call",
        "bare `MCPServer` tool returning a constant, same transport",
        measured, f"<= +{OVERHEAD_TARGET_MS} ms", verdict, data,
    )  # fmt: skip


async def _startup(upstream: UpstreamProcess, quick: bool) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Seconds from spawning to the first ``tools/list`` answer; RSS of the live child after it."""
    from mcp import Client, StdioServerParameters

    ours_cmd = [*our_command(), *serve_args(upstream.base_url, "stdio")]
    commands = {"ours": ours_cmd, "bare": bare_command()}
    markers = {"ours": "serve", "bare": "bare_server.py"}
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    rss: dict[str, float] = {}
    reps = 2 if quick else 12
    deadline = time.monotonic() + (30 if quick else 120)
    for rep in range(reps):
        for name in ("ours", "bare") if rep % 2 == 0 else ("bare", "ours"):
            cmd = commands[name]
            start = time.perf_counter()
            async with Client(StdioServerParameters(command=cmd[0], args=cmd[1:])) as client:
                tools = await client.list_tools()
                times[name].append(time.perf_counter() - start)
                assert any(t.name == "get_assistant_file" for t in tools.tools)
                if rep == reps - 1:
                    await anyio.sleep(0.5)
                    rss[name] = max((rss_mib(pid) for pid in child_pids(markers[name])), default=float("nan"))
        if time.monotonic() > deadline:
            break
    return times, rss


def _idle_http_rss(upstream: UpstreamProcess) -> dict[str, float]:
    rss: dict[str, float] = {}
    ours = [*our_command(), *serve_args(upstream.base_url, "streamable-http", p1 := free_port())]
    bare = [
        *bare_command(),
        "--transport",
        "streamable-http",
        "--port",
        str(p2 := free_port()),
        "--stateless",
    ]
    for name, cmd, port in (("ours", ours, p1), ("bare", bare, p2)):
        with HttpServerProcess(cmd, port) as proc:
            time.sleep(0.5)
            rss[name] = rss_mib(proc.pid)
    return rss


def mcp_rows(upstream: UpstreamProcess, quick: bool) -> list[Row]:
    """Per-call overhead (in-memory, stdio, streamable HTTP), cold start, idle RSS."""
    rows: list[Row] = []
    try:
        import mcp_assistant_files.server.registry  # noqa: F401
    except ImportError as err:
        reason = f"server not available ({err})"
        for t in ("in-memory", "stdio", "streamable-http"):
            rows.append(
                _skip(f"mcp_call_{t.replace('-', '_')}", f"one call, {t}", "bare", "<= +0.2 ms", reason)
            )
        rows.append(_skip("startup", "start to first tools/list", "bare", f"<= {STARTUP_TARGET}x", reason))
        rows.append(_skip("idle_rss", "idle RSS of `serve`", "bare", "<= 80 MiB", reason))
        return rows
    rows.append(_overhead_row("in-memory", anyio.run(_per_call, "in-memory", upstream, quick)))
    unavailable = serve_unavailable()
    if unavailable:
        for t in ("stdio", "streamable-http"):
            rows.append(
                _skip(f"mcp_call_{t.replace('-', '_')}", f"one call, {t}", "bare", "<= +0.2 ms", unavailable)
            )
        rows.append(
            _skip("startup", "start to first tools/list", "bare", f"<= {STARTUP_TARGET}x", unavailable)
        )
        rows.append(_skip("idle_rss", "idle RSS of `serve`", "bare", "<= 80 MiB", unavailable))
        return rows
    for transport in ("stdio", "streamable-http"):
        rows.append(_overhead_row(transport, anyio.run(_per_call, transport, upstream, quick)))
    times, stdio_rss = anyio.run(_startup, upstream, quick)
    ours_s, bare_s = summarize(times["ours"]), summarize(times["bare"])
    ratio = statistics.median(times["ours"]) / statistics.median(times["bare"])
    rows.append(
        Row(
            "startup",
            "process start to the first `tools/list` answered (stdio)",
            "a bare `MCPServer`",
            f"{ours_s['median_ms']:.0f} ms (p99 {ours_s['p99_ms']:.0f}) vs {bare_s['median_ms']:.0f} ms "
            f"(p99 {bare_s['p99_ms']:.0f}), n={len(times['ours'])}: **{ratio:.3f}x**",
            f"<= {STARTUP_TARGET}x",
            "PASS" if ratio <= STARTUP_TARGET else "MISS",
            {"ours": ours_s, "bare": bare_s, "ratio": ratio},
        )
    )
    http_rss = _idle_http_rss(upstream)
    worst = max(stdio_rss.get("ours", float("nan")), http_rss["ours"])
    rows.append(
        Row(
            "idle_rss",
            "idle RSS of `serve` (stdio after `tools/list`; streamable HTTP once ready)",
            "a bare `MCPServer`",
            f"stdio {stdio_rss.get('ours', float('nan')):.1f} MiB vs {stdio_rss.get('bare', float('nan')):.1f}; "
            f"HTTP {http_rss['ours']:.1f} MiB vs {http_rss['bare']:.1f}",
            f"report; <= {RSS_TARGET_MIB:.0f} MiB",
            "PASS" if worst <= RSS_TARGET_MIB else "MISS",
            {"stdio_mib": stdio_rss, "http_mib": http_rss},
        )
    )
    return rows
