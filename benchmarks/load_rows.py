"""Concurrent streamable-HTTP clients against one server process: the 50-client row, the server's
CPU per call, calls/s and p99 against concurrency, and the sweep that chose the upstream pool.

Servers run ``--stateless``; the upstream is the stdlib server in its own process. How a burst of
clients runs and is measured is ``load_bursts``'s job.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .harness import Row, summarize
from .load_bursts import Burst, Command, burst, started
from .procs import HttpServerProcess, bare_command, http_args, our_command, serve_args, tree_at, tree_command
from .upstream import UpstreamProcess

CLIENTS = 50
THROUGHPUT_TARGET = 1.3
CONNECTIONS_TARGET = 20
CPU_TARGET = 0.75
BEFORE_CONNECTIONS = 100  # the pool before issue 13: 100 open, 100 kept alive
FILED_COMMIT = "7aa6c75"  # the code issue 13 was filed against: "today's" in its CPU target
DISTANT_MS = 100  # the sweep's second upstream: this much latency per answer, as a remote API has


@dataclass(frozen=True)
class Plan:
    """How much load each part makes; every burst is bounded in calls and in seconds."""

    clients: int  # concurrent clients of the load row and the sweep
    rounds: int  # interleaved rounds of the load row
    calls: int  # calls per client in one burst of the load row and the sweep
    seconds: float  # longest burst
    levels: tuple[int, ...]  # concurrency levels of the curve
    level_calls: int  # calls per burst of the curve (at least 10 per client)
    pools: tuple[int, ...]  # pool sizes swept
    sweep_reference: bool  # sweep the bare GET tool too


FULL = Plan(clients=CLIENTS, rounds=3, calls=30, seconds=15.0, levels=(1, 5, 10, 25, 50, 100),
            level_calls=400, pools=(4, 8, 16, 20, 32, 100), sweep_reference=True)  # fmt: skip
# The smoke run: every code path once, in seconds; its figures mean nothing.
QUICK = Plan(clients=10, rounds=1, calls=2, seconds=3.0, levels=(4,), level_calls=8, pools=(8,),
             sweep_reference=False)  # fmt: skip


def _ours(upstream: UpstreamProcess, connections: int | None = None) -> Command:
    pool = ["--upstream-connections", str(connections)] if connections else []
    return lambda port: [*our_command(), *serve_args(upstream.base_url, "streamable-http", port), *pool]


def _bare(upstream: UpstreamProcess | None) -> Command:
    command = bare_command(upstream=upstream.base_url if upstream else None)
    return lambda port: [*command, *http_args(port)]


def load_rows(upstream: UpstreamProcess, quick: bool, unavailable: str | None) -> list[Row]:
    """The load row and its CPU row, the concurrency curve (same servers), then the pool sweep."""
    if unavailable:
        return [Row("load_50", "load", "bare `MCPServer`", "-", "-", f"skipped: {unavailable}")]
    plan = QUICK if quick else FULL
    commands = {
        "ours": _ours(upstream),
        "bare_get": _bare(upstream),
        "ours_before": _ours(upstream, BEFORE_CONNECTIONS),
        "bare_constant": _bare(None),
    }
    with tempfile.TemporaryDirectory(prefix="bench-filed-") as tmp:
        filed = tree_at(FILED_COMMIT, Path(tmp))
        if filed is not None:
            commands["filed"] = lambda port: [
                *tree_command(filed),
                *serve_args(upstream.base_url, "streamable-http", port),
            ]
        with started(commands) as procs:
            rows = _load(upstream, procs, plan)
            rows.append(_curve(upstream, {n: procs[n] for n in ("ours", "bare_get", "bare_constant")}, plan))
    rows.append(_sweep(upstream, plan))
    return rows


def _load(upstream: UpstreamProcess, procs: dict[str, HttpServerProcess], plan: Plan) -> list[Row]:
    order = ["ours", "bare_get", "ours_before", *(["filed"] if "filed" in procs else [])]
    bursts: dict[str, list[Burst]] = {name: [] for name in order}
    opened: dict[str, list[int]] = {name: [] for name in order}  # per burst, warm-up included
    rng = random.Random(13)  # a fixed, reproducible shuffle, not a secret
    for name in order:  # warm-up: imports, first connections (counted in `opened`)
        opened[name].append(burst(procs[name], upstream, plan.clients, 2, plan.seconds).connections)
    for _ in range(plan.rounds):
        rng.shuffle(order)
        for name in order:
            done = burst(procs[name], upstream, plan.clients, plan.calls, plan.seconds)
            bursts[name].append(done)
            opened[name].append(done.connections)
    ours, bare, before = (_pooled(bursts[n], opened[n]) for n in ("ours", "bare_get", "ours_before"))
    ratio = ours["calls_per_s"] / bare["calls_per_s"] if bare["calls_per_s"] else float("nan")
    ok = ratio >= THROUGHPUT_TARGET and ours["errors"] == 0 and ours["most_connections"] <= CONNECTIONS_TARGET
    measured = (
        f"ours {_rate(ours)}; bare {_rate(bare)}: **{ratio:.2f}x** calls/s "
        f"(rounds {_spread([b.calls_per_s for b in bursts['ours']], '{:.0f}')} vs "
        f"{_spread([b.calls_per_s for b in bursts['bare_get']], '{:.0f}')}); {_budget(ours, bare)}"
    )
    throughput = Row(
        "load_50",
        f"{plan.clients} concurrent streamable-HTTP clients, one server process (`--stateless`), calls/s",
        "bare `MCPServer` tool making the same GET with httpx2's default pool (100 open, 20 kept)",
        measured,
        f">= {THROUGHPUT_TARGET}x; 0 errors; <= {CONNECTIONS_TARGET} upstream connections (per burst)",
        "PASS" if ok else "MISS", {"ours": ours, "bare_get": bare, "ratio": ratio},
    )  # fmt: skip
    filed = _pooled(bursts["filed"], opened["filed"]) if "filed" in bursts else None
    return [throughput, _cpu_row(plan, bursts, ours, bare, before, filed)]


def _cpu_row(
    plan: Plan, bursts: dict[str, list[Burst]], ours: dict[str, Any], bare: dict[str, Any],
    before: dict[str, Any], filed: dict[str, Any] | None,
) -> Row:  # fmt: skip
    """Server CPU per call against the code the issue was filed against (else ours with the old pool)."""

    def cpu(name: str, c: dict[str, Any]) -> str:
        return f"{c['cpu_ms_per_call']:.2f} ms (rounds {_spread([b.cpu_ms_per_call for b in bursts[name]], '{:.2f}')})"

    pool_ratio = ours["cpu_ms_per_call"] / before["cpu_ms_per_call"]
    old_pool = f"ours with the pool it had before (`--upstream-connections {BEFORE_CONNECTIONS}`)"
    pool = f"{old_pool} {cpu('ours_before', before)}"
    if filed is not None:
        baseline = f"the code issue 13 was filed against ({FILED_COMMIT}, from `git archive`), same load"
        ratio = ours["cpu_ms_per_call"] / filed["cpu_ms_per_call"]
        measured = (
            f"{cpu('ours', ours)} vs {cpu('filed', filed)}, n={ours['calls']}/{filed['calls']}: **{ratio:.2f}x**; "
            f"{pool}: {pool_ratio:.2f}x; the bare GET tool {bare['cpu_ms_per_call']:.2f} ms; "
            f"{FILED_COMMIT}: {_rate(filed)}"
        )
    else:
        baseline = (
            f"{pool.split(' ms')[0].rsplit(' ', 1)[0]}, same load ({FILED_COMMIT} not in this checkout)"
        )
        ratio = pool_ratio
        measured = (
            f"{cpu('ours', ours)} vs {cpu('ours_before', before)}, n={ours['calls']}/{before['calls']}: "
            f"**{ratio:.2f}x**; the bare GET tool {bare['cpu_ms_per_call']:.2f} ms; before: {_rate(before)}"
        )
    return Row(
        "load_50_cpu",
        f"server CPU per call under the {plan.clients}-client load (user + system, `/proc`)",
        baseline, measured, f"<= {CPU_TARGET}x", "PASS" if ratio <= CPU_TARGET else "MISS",
        {"ours": ours, "before": before, "filed": filed, "bare_get": bare, "ratio": ratio, "pool_ratio": pool_ratio},
    )  # fmt: skip


def _pooled(bursts: list[Burst], opened: list[int]) -> dict[str, Any]:
    """One contender's rounds together: calls/s and CPU per call are medians of the rounds."""
    latencies = [x for b in bursts for x in b.latencies]
    return {
        "calls": sum(b.calls for b in bursts),
        "calls_per_s": statistics.median(b.calls_per_s for b in bursts),
        "cpu_ms_per_call": statistics.median(b.cpu_ms_per_call for b in bursts),
        "clients_cpu_ms_per_call": statistics.median(b.per_call_ms(b.clients_cpu_seconds) for b in bursts),
        "upstream_cpu_ms_per_call": statistics.median(b.per_call_ms(b.upstream_cpu_seconds) for b in bursts),
        "errors": sum(len(b.errors) for b in bursts),
        "error_samples": [e for b in bursts for e in b.errors][:3],
        "connections": sum(opened),
        "most_connections": max(opened),
        "latency": summarize(latencies) if latencies else {},
        "rounds": [b.summary() for b in bursts],
    }


def _budget(ours: dict[str, Any], bare: dict[str, Any]) -> str:
    """Where the machine's CPU went per call, and the server cost the throughput target implies.

    Clients, upstream and server share the machine's cores, so once the cores are saturated calls/s
    is about cores / (CPU per call of all three): a server's saving shows diluted by the other two.
    The cores are not quite saturated (the row says how busy), so the implied figure is an estimate.
    """
    cores = os.cpu_count() or 1
    parts = []
    for name, c in (("ours", ours), ("bare", bare)):
        others = c["clients_cpu_ms_per_call"] + c["upstream_cpu_ms_per_call"]
        busy = (others + c["cpu_ms_per_call"]) * c["calls_per_s"] / 1e3
        parts.append(
            f"{name}: clients {c['clients_cpu_ms_per_call']:.2f}, upstream {c['upstream_cpu_ms_per_call']:.2f}, "
            f"server {c['cpu_ms_per_call']:.2f} ms ({busy:.2f} of {cores} cores busy)"
        )
    others = bare["clients_cpu_ms_per_call"] + bare["upstream_cpu_ms_per_call"]
    needed = (others + bare["cpu_ms_per_call"]) / THROUGHPUT_TARGET - others
    return (
        f"CPU per call, {'; '.join(parts)}: with the bare row's clients and upstream, and the cores "
        f"saturated, {THROUGHPUT_TARGET}x needs a server at about {needed:.2f} ms of CPU per call or less"
    )


def _rate(c: dict[str, Any]) -> str:
    lat = c["latency"]
    return (
        f"{c['calls_per_s']:.0f} calls/s (p50 {lat.get('median_ms', 0):.0f} ms, p99 {lat.get('p99_ms', 0):.0f}), "
        f"n={c['calls']}, {c['errors']} errors, at most {c['most_connections']} upstream connections opened "
        f"in a burst ({c['connections']} in {len(c['rounds']) + 1} bursts)"
    )


def _spread(values: list[float], fmt: str) -> str:
    return f"{fmt.format(min(values))}-{fmt.format(max(values))}" if values else "-"


def _curve(upstream: UpstreamProcess, procs: dict[str, HttpServerProcess], plan: Plan) -> Row:
    points: dict[str, list[dict[str, Any]]] = {name: [] for name in procs}
    rng = random.Random(14)
    burst(procs["bare_constant"], upstream, 10, 2, plan.seconds)  # the others were warmed up already
    for level in plan.levels:
        order = list(procs)
        rng.shuffle(order)
        calls = max(10, math.ceil(plan.level_calls / level))
        for name in order:
            points[name].append(burst(procs[name], upstream, level, calls, plan.seconds).summary())
    cells = "; ".join(
        f"{name} " + ", ".join(f"{p['calls_per_s']:.0f}" for p in pts) for name, pts in points.items()
    )
    errors = sum(p["errors"] for pts in points.values() for p in pts)
    return Row(
        "load_curve",
        f"calls/s and p99 at {', '.join(map(str, plan.levels))} concurrent clients (chart: `results.svg`)",
        "bare `MCPServer` tools: making the same GET (httpx2 defaults), returning a constant",
        f"calls/s {cells}; {errors} errors", "report", "report",
        {"levels": list(plan.levels), "points": points},
    )  # fmt: skip


def _sweep(upstream: UpstreamProcess, plan: Plan) -> Row:
    configs: list[tuple[str, Command]] = [(f"{n}/{n}", _ours(upstream, n)) for n in plan.pools]
    if plan.sweep_reference:
        configs.append(("bare GET, httpx2 default 100/20", _bare(upstream)))
    random.Random(15).shuffle(configs)
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for label, command in configs:
        with started({label: command}) as procs:
            proc = procs[label]
            warm = burst(proc, upstream, plan.clients, 2, plan.seconds)
            near = burst(proc, upstream, plan.clients, plan.calls, plan.seconds)
            near.connections += warm.connections  # what the server opened for this load, warm-up included
            upstream.set_delay(DISTANT_MS)
            try:
                distant = burst(proc, upstream, plan.clients, plan.calls, plan.seconds)
            finally:
                upstream.set_delay(0)
            results[label] = {"loopback": near.summary(), "distant": distant.summary()}
    ordered = {f"{n}/{n}": results[f"{n}/{n}"] for n in plan.pools}
    ordered |= {k: v for k, v in results.items() if k not in ordered}
    cells = "; ".join(
        f"{label} {r['loopback']['calls_per_s']:.0f} ({r['loopback']['cpu_ms_per_call']:.2f} ms CPU)"
        for label, r in ordered.items()
    )
    return Row(
        "pool_sweep",
        f"upstream pool (open/kept alive) under {plan.clients} clients: loopback and {DISTANT_MS} ms upstream "
        "(table below, chart: `results.svg`)",
        "each other; a bare GET tool with httpx2's default pool",
        f"calls/s (server CPU per call) on loopback: {cells}", "report", "report",
        {"distant_ms": DISTANT_MS, "pools": list(plan.pools), "results": ordered},
    )  # fmt: skip
