"""MCP rows: one tool call on each transport against its bare baseline, cold start, idle RSS.

Each row compares two servers measured interleaved in the same rounds, never a difference of
differences: ours calling the upstream against a bare ``MCPServer`` tool making the same GET
(``bare_server.py --upstream``, httpx2's defaults), and ours on the embedded backend against the
bare tool returning a constant (the SDK's own floor: the embedded backend is part of our call).
Every contender is a separate server, all driven from one event loop: in-process (in-memory) or
child processes (stdio, streamable HTTP).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from mcp_assistant_files import AsyncAssistantsClient

from .bare_server import build_bare
from .harness import Row, Samples, measure_async, summarize
from .procs import (
    HttpServerProcess,
    bare_command,
    child_pids,
    collecting_command,
    free_port,
    http_args,
    our_command,
    rss_mib,
    sdk_stdio_command,
    serve_args,
    serve_unavailable,
)
from .upstream import ASSISTANT_ID, UpstreamProcess, file_id

UPSTREAM_ARGS = {"assistant_id": ASSISTANT_ID, "file_id": file_id(7)}
STDIO_UPSTREAM_TARGET_MS = 0.1
STDIO_MOONSHOT_TARGET = 0.8
STDIO_EMBEDDED_TARGET_MS = 0.6
STARTUP_TARGET = 1.05
RSS_TARGET_MIB = 80.0


@dataclass(frozen=True)
class Embedded:
    """A seeded database for ours on the embedded backend, and the arguments of its call."""

    db: str
    args: dict[str, str]


@contextmanager
def embedded_db() -> Iterator[Embedded]:
    """A temporary database with one assistant and 100 attachments."""
    from mcp_assistant_files.backend import Store

    with tempfile.TemporaryDirectory(prefix="bench-embedded-") as tmp:
        db = str(Path(tmp) / "backend.sqlite3")
        with Store.open(db, max_files_per_assistant=0) as store:
            assistant = store.create_assistant()["id"]
            files = store.seed_attachments(assistant, 100)
        yield Embedded(db, {"assistant_id": assistant, "file_id": files[50]})


def _call(client: Any, args: dict[str, str]) -> Callable[[], Awaitable[object]]:
    async def call() -> object:
        result = await client.call_tool("get_assistant_file", args)
        if result.is_error:
            raise RuntimeError(f"tool error: {result.content}")
        return result

    return call


def _stdio(command: list[str]) -> Any:
    from mcp import StdioServerParameters

    return StdioServerParameters(command=command[0], args=command[1:])


async def _targets(
    transport: str, upstream: UpstreamProcess, embedded: Embedded, stack: AsyncExitStack
) -> dict[str, Any]:
    """What ``Client(...)`` connects to for each contender on ``transport``."""
    if transport == "in-memory":
        from mcp_assistant_files.server.registry import build_server
        from mcp_assistant_files.service.assistant_files import AssistantFilesTools
        from mcp_assistant_files.service.cursors import CursorCodec
        from mcp_assistant_files.service.upstream import open_upstream

        codec = CursorCodec(b"x" * 32)
        client = await stack.enter_async_context(
            AsyncAssistantsClient(base_url=upstream.base_url, max_retries=0)
        )
        local = open_upstream(base_url=None, db=embedded.db, max_retries=0)
        stack.push_async_callback(local.aclose)
        return {
            "ours": build_server(AssistantFilesTools(client=client, codec=codec)),
            "ours_embedded": build_server(AssistantFilesTools(client=local.client, codec=codec)),
            "bare_get": build_bare(upstream.base_url),
            "bare_constant": build_bare(),
        }
    base = upstream.base_url
    if transport == "stdio":
        targets = {
            "ours": _stdio([*our_command(), *serve_args(base, "stdio")]),
            "ours_embedded": _stdio([*our_command(), *serve_args(None, "stdio", db=embedded.db)]),
            "bare_get": _stdio(bare_command(upstream=base)),
            "bare_constant": _stdio(bare_command()),
        }
        targets["ours_sdk_stdio"] = _stdio([*sdk_stdio_command(), *serve_args(base, "stdio")])
        return targets
    commands: dict[str, Callable[[int], list[str]]] = {
        "ours": lambda port: [*our_command(), *serve_args(base, transport, port)],
        "ours_embedded": lambda port: [*our_command(), *serve_args(None, transport, port, db=embedded.db)],
        "bare_get": lambda port: [*bare_command(upstream=base), *http_args(port)],
        "bare_constant": lambda port: [*bare_command(), *http_args(port)],
    }
    urls = {}
    for name, command in commands.items():
        port = free_port()
        urls[name] = stack.enter_context(HttpServerProcess(command(port), port)).url
    return urls


async def _per_call(transport: str, upstream: UpstreamProcess, embedded: Embedded, quick: bool) -> Samples:
    from mcp import Client

    rounds, per_round, max_seconds = (2, 30, 4.0) if quick else (20, 100, 40.0)
    async with AsyncExitStack() as stack:
        targets = await _targets(transport, upstream, embedded, stack)
        contenders = {}
        for name, target in targets.items():
            client = await stack.enter_async_context(Client(target))
            contenders[name] = _call(client, embedded.args if name == "ours_embedded" else UPSTREAM_ARGS)
        return await measure_async(contenders, rounds=rounds, per_round=per_round, max_seconds=max_seconds)


def _delta(samples: Samples, name: str, baseline: str) -> tuple[float, float, float]:
    """Median of ``name`` minus median of ``baseline`` (ms), and its IQR across rounds."""
    per_round = sorted((r[name] - r[baseline]) * 1e3 for r in samples.rounds)
    q1, q3 = per_round[len(per_round) // 4], per_round[(3 * len(per_round)) // 4]
    return samples.delta_ms(name, baseline), q1, q3


def _both(samples: Samples, name: str, baseline: str) -> str:
    a, b = samples.stats(name), samples.stats(baseline)
    return (
        f"{a['median_ms']:.3f} ms (p99 {a['p99_ms']:.3f}) vs {b['median_ms']:.3f} ms (p99 {b['p99_ms']:.3f}), "
        f"n={a['n']:.0f} each"
    )


def _delta_row(
    key: str, what: str, baseline_label: str, samples: Samples, pair: tuple[str, str], target_ms: float | None
) -> Row:
    name, baseline = pair
    delta, q1, q3 = _delta(samples, name, baseline)
    measured = f"{_both(samples, name, baseline)}: **{delta:+.3f} ms** (rounds IQR {q1:+.3f}..{q3:+.3f})"
    verdict = "report" if target_ms is None else ("PASS" if delta <= target_ms else "MISS")
    data = {
        name: samples.stats(name),
        baseline: samples.stats(baseline),
        "delta_ms": delta,
        "iqr_ms": [q1, q3],
    }
    target = "report" if target_ms is None else f"<= +{target_ms} ms"
    return Row(key, what, baseline_label, measured, target, verdict, data)


def _ratio_row(
    key: str, what: str, baseline_label: str, samples: Samples, pair: tuple[str, str], target: float | None
) -> Row:
    name, baseline = pair
    ratio = samples.ratio(name, baseline)
    measured = (
        f"{_both(samples, name, baseline)}: **{ratio['ratio']:.3f}x** "
        f"(rounds IQR {ratio['round_q1']:.3f}-{ratio['round_q3']:.3f})"
    )
    verdict = "report" if target is None else ("PASS" if ratio["ratio"] <= target else "MISS")
    data = {name: samples.stats(name), baseline: samples.stats(baseline), **ratio}
    return Row(
        key, what, baseline_label, measured, "report" if target is None else f"<= {target}x", verdict, data
    )


BARE_GET = "bare `MCPServer` tool making the same GET (httpx2 defaults), same transport"
BARE_CONSTANT = "bare `MCPServer` tool returning a constant, same transport"


def _call_rows(transport: str, samples: Samples) -> list[Row]:
    slug = transport.replace("-", "_")
    stdio = transport == "stdio"
    rows = [
        _delta_row(
            f"{slug}_call", f"one `get_assistant_file` call over {transport}, upstream on loopback",
            BARE_GET, samples, ("ours", "bare_get"), STDIO_UPSTREAM_TARGET_MS if stdio else None,
        ),
        _delta_row(
            f"{slug}_call_embedded", f"one `get_assistant_file` call over {transport}, embedded backend",
            BARE_CONSTANT, samples, ("ours_embedded", "bare_constant"), STDIO_EMBEDDED_TARGET_MS if stdio else None,
        ),
    ]  # fmt: skip
    if stdio:
        rows.insert(1, _ratio_row(
            "stdio_call_moonshot", "the same stdio call as a ratio (ours reads stdin/stdout on the event loop)",
            BARE_GET, samples, ("ours", "bare_get"), STDIO_MOONSHOT_TARGET,
        ))  # fmt: skip
        rows.append(_ratio_row(
            "stdio_pipes", "ours on `server/pipes.py` (stdin/stdout on the event loop)",
            "ours on the SDK's thread-based stdio transport (`sdk_stdio_serve.py`)",
            samples, ("ours", "ours_sdk_stdio"), None,
        ))  # fmt: skip
    return rows


async def _startup(
    upstream: UpstreamProcess, embedded: Embedded, quick: bool
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Seconds from spawning to the first ``tools/list`` answer; RSS of the live child after it."""
    from mcp import Client

    commands = {
        "ours": [*our_command(), *serve_args(upstream.base_url, "stdio")],
        "ours_embedded": [*our_command(), *serve_args(None, "stdio", db=embedded.db)],
        "ours_collecting": [*collecting_command(), *serve_args(upstream.base_url, "stdio")],
        "bare": bare_command(),
    }
    markers = {
        "ours": upstream.base_url,
        "ours_embedded": embedded.db,
        "ours_collecting": upstream.base_url,
        "bare": "bare_server.py",
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, float] = {}
    # 40 starts each: a start takes ~1.1 s with a long tail here, and the median of 20 moved the
    # ratio by +-0.1 between runs of the same code.
    reps = 1 if quick else 40
    deadline = time.monotonic() + (30 if quick else 300)
    for rep in range(reps):
        order = list(commands) if rep % 2 == 0 else list(reversed(commands))
        for name in order:
            start = time.perf_counter()
            async with Client(_stdio(commands[name])) as client:
                tools = await client.list_tools()
                times[name].append(time.perf_counter() - start)
                assert any(t.name == "get_assistant_file" for t in tools.tools)
                if rep == 0:  # the run may stop early at its deadline: measure on the first
                    await anyio.sleep(0.5)
                    rss[name] = max((rss_mib(pid) for pid in child_pids(markers[name])), default=float("nan"))
        if time.monotonic() > deadline:
            break
    return times, rss


def _startup_row(times: dict[str, list[float]]) -> Row:
    stats = {name: summarize(values) for name, values in times.items()}
    ratios = {
        name: statistics.median(times[name]) / statistics.median(times["bare"])
        for name in ("ours", "ours_embedded", "ours_collecting")
    }
    worst = max(ratios["ours"], ratios["ours_embedded"])
    cells = [
        f"{label} {stats[name]['median_ms']:.0f} ms (p99 {stats[name]['p99_ms']:.0f}): **{ratios[name]:.3f}x**"
        for name, label in (
            ("ours", "ours with `--base-url`"),
            ("ours_embedded", "ours embedded (the default)"),
            ("ours_collecting", "(not targeted) ours with `--base-url` without the start-up GC pause"),
        )
    ]
    return Row(
        "startup",
        "process start to the first `tools/list` answered (stdio)",
        "a bare `MCPServer`",
        f"{'; '.join(cells)}; bare {stats['bare']['median_ms']:.0f} ms (p99 {stats['bare']['p99_ms']:.0f}), "
        f"n={len(times['bare'])} each",
        f"<= {STARTUP_TARGET}x (both)",
        "PASS" if worst <= STARTUP_TARGET else "MISS",
        {"stats": stats, "ratios": ratios},
    )


def _idle_http_rss(upstream: UpstreamProcess) -> dict[str, float]:
    rss: dict[str, float] = {}
    commands: dict[str, Callable[[int], list[str]]] = {
        "ours": lambda port: [*our_command(), *serve_args(upstream.base_url, "streamable-http", port)],
        "bare": lambda port: [*bare_command(), *http_args(port)],
    }
    for name, command in commands.items():
        port = free_port()
        with HttpServerProcess(command(port), port) as proc:
            time.sleep(0.5)
            rss[name] = rss_mib(proc.pid)
    return rss


def mcp_rows(upstream: UpstreamProcess, quick: bool) -> list[Row]:
    """Per-call rows (stdio with targets; in-memory and streamable HTTP reported), cold start, idle RSS."""
    unavailable = serve_unavailable()
    if unavailable:
        return [Row("mcp", "MCP rows", "bare `MCPServer`", "-", "-", f"skipped: {unavailable}")]
    rows: list[Row] = []
    with embedded_db() as embedded:
        # The smoke run keeps to stdio: in-memory and streamable HTTP take the same code paths.
        for transport in ("stdio",) if quick else ("stdio", "in-memory", "streamable-http"):
            rows += _call_rows(transport, anyio.run(_per_call, transport, upstream, embedded, quick))
        times, stdio_rss = anyio.run(_startup, upstream, embedded, quick)
    rows.append(_startup_row(times))
    # The smoke run leaves HTTP's idle RSS out: two more server starts for one number.
    http_rss = {"ours": float("nan"), "bare": float("nan")} if quick else _idle_http_rss(upstream)
    worst = max(stdio_rss.get("ours", float("nan")), 0.0 if quick else http_rss["ours"])
    rows.append(
        Row(
            "idle_rss",
            "idle RSS of `serve` (stdio after `tools/list`; streamable HTTP once ready)",
            "a bare `MCPServer`",
            f"stdio {stdio_rss.get('ours', float('nan')):.1f} MiB (embedded "
            f"{stdio_rss.get('ours_embedded', float('nan')):.1f}) vs {stdio_rss.get('bare', float('nan')):.1f}; "
            f"HTTP {http_rss['ours']:.1f} MiB vs {http_rss['bare']:.1f}",
            f"report; <= {RSS_TARGET_MIB:.0f} MiB",
            "PASS" if worst <= RSS_TARGET_MIB else "MISS",
            {"stdio_mib": stdio_rss, "http_mib": http_rss},
        )
    )
    return rows
