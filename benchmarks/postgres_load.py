"""The backend over HTTP under ``wrk``: SQLite against PostgreSQL, one against two processes.

Every backend is ``mcp-assistant-files backend --db ...`` in a process of its own on 127.0.0.1,
on the small database :mod:`.postgres_rows` seeded (one assistant, its middle file retrieved,
the page of 100 after it listed). The load generator is always two ``wrk -t1 -c5`` processes
started together (10 keep-alive connections); for "two backends" each ``wrk`` drives its own
backend, for everything else both drive one. A row's figure is the median over ``n`` runs of
the summed requests/s (spread: lowest and highest run); the CPU each process used during the
runs (``/proc``, % of one core) and the whole machine's busy share say what limits them.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .harness import Row
from .procs import HttpServerProcess, free_port, our_command

__all__ = ["Target", "load_rows"]

SCALE_TARGET = 1.3
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Target:
    """A seeded database: where it is, the assistant, and the file in the middle of its listing."""

    database: str
    assistant_id: str
    middle_file: str

    def path(self, op: str) -> str:
        """The request path of ``op`` (``retrieve`` or ``list100``)."""
        files = f"/v1/assistants/{self.assistant_id}/files"
        return (
            f"{files}/{self.middle_file}"
            if op == "retrieve"
            else f"{files}?limit=100&after={self.middle_file}"
        )


def _backend(target: Target) -> HttpServerProcess:
    port = free_port()
    command = [
        *our_command(), "backend", "--host", "127.0.0.1", "--port", str(port), "--db", target.database,
        "--max-files-per-assistant", "0", "--log-level", "WARNING",
    ]  # fmt: skip
    return HttpServerProcess(command, port)


def _proc_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _postgres_ticks() -> int:
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if "(postgres)" in stat:
                total += _proc_ticks(int(entry.name))
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)


def _children_seconds() -> float:
    times = os.times()
    return times.children_user + times.children_system


def _wrk(urls: list[str], seconds: float) -> dict[str, float]:
    """Two ``wrk`` processes on ``urls`` at once; summed requests/s, their p50s, CPU of each party."""
    header = ["-H", "OpenAI-Beta: assistants=v1"]
    commands = [["wrk", "-t1", "-c5", f"-d{seconds:g}s", "--latency", *header, url] for url in urls]
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in commands]
    outputs = [p.communicate(timeout=seconds + 30)[0] for p in procs]
    result: dict[str, float] = {"rps": 0.0, "errors": 0.0}
    for out in outputs:
        result["rps"] += float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        result["errors"] += float(errors[1]) if errors else 0.0
        p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
        if p50:
            result.setdefault("p50_ms", float(p50[1]) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[p50[2]])
    return result


def _run(urls: list[str], seconds: float, pids: dict[str, int]) -> dict[str, float]:
    """One load run, with the CPU of ``pids``, PostgreSQL and the machine in % of one core."""
    before = {name: _proc_ticks(pid) for name, pid in pids.items()}
    pg_before, (busy0, total0), children0 = _postgres_ticks(), _machine_ticks(), _children_seconds()
    started = time.monotonic()
    result = _wrk(urls, seconds)
    wall = time.monotonic() - started
    result["cpu_wrk"] = 100 * (_children_seconds() - children0) / wall
    for name, pid in pids.items():
        result[f"cpu_{name}"] = 100 * (_proc_ticks(pid) - before[name]) / _TICKS / wall
    result["cpu_server"] = 100 * (_postgres_ticks() - pg_before) / _TICKS / wall
    busy1, total1 = _machine_ticks()
    result["cpu_machine"] = 100 * (os.cpu_count() or 1) * (busy1 - busy0) / max(1, total1 - total0)
    return result


def _summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(runs), "runs": runs}
    for key in runs[0]:
        values = [r.get(key, float("nan")) for r in runs]
        out[key] = statistics.median(values)
    rps = [r["rps"] for r in runs]
    out["rps_min"], out["rps_max"] = min(rps), max(rps)
    return out


def load_rows(targets: dict[str, Target], why: str, quick: bool) -> list[Row]:
    """``http_<op>_by_store`` (SQLite vs PostgreSQL) and ``pg_two_backends_<op>`` rows."""
    ops = ("retrieve", "list100")
    if shutil.which("wrk") is None:
        return [
            Row(
                f"http_{op}_by_store",
                f"{op} over HTTP",
                "SQLite",
                "-",
                "report",
                "skipped: wrk not installed",
            )
            for op in ops
        ]
    seconds, n = (1.0, 1) if quick else (5.0, 3)
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    with ExitStack() as stack:
        servers = {kind: stack.enter_context(_backend(t)) for kind, t in targets.items()}
        if "postgres" in targets:
            servers["postgres_b"] = stack.enter_context(_backend(targets["postgres"]))
        pids = {name: s.pid for name, s in servers.items()}
        base = {name: f"http://127.0.0.1:{s.port}" for name, s in servers.items()}
        for _ in range(n):  # configurations interleaved, so drift hits them alike
            for op in ops:
                for kind, target in targets.items():
                    url = base[kind] + target.path(op)
                    results.setdefault((kind, op), []).append(_run([url, url], seconds, pids))
                if "postgres" in targets:
                    path = targets["postgres"].path(op)
                    urls = [base["postgres"] + path, base["postgres_b"] + path]
                    results.setdefault(("two", op), []).append(_run(urls, seconds, pids))
    rows = [
        _by_store_row(op, {k: _summary(v) for (k, o), v in results.items() if o == op}, why) for op in ops
    ]
    if "postgres" in targets:
        rows += [
            _scale_row(op, _summary(results[("postgres", op)]), _summary(results[("two", op)])) for op in ops
        ]
    else:
        rows += [
            Row(
                f"pg_two_backends_{op}",
                f"{op}: two backends on one PostgreSQL",
                "one backend",
                "-",
                f">= {SCALE_TARGET}x or explained",
                why,
            )
            for op in ops
        ]
    return rows


def _rps(s: dict[str, Any]) -> str:
    return f"{s['rps']:.0f} req/s ({s['rps_min']:.0f}-{s['rps_max']:.0f}, n={s['n']}; p50 {s.get('p50_ms', float('nan')):.2f} ms)"


def _by_store_row(op: str, by_kind: dict[str, dict[str, Any]], why: str) -> Row:
    what = (
        f"backend `{op}` over HTTP, `wrk` 2x5 connections, SQLite vs PostgreSQL (10k attachments; --quick 1k)"
    )
    lite = by_kind["sqlite"]
    measured = f"SQLite {_rps(lite)}, backend CPU {lite['cpu_sqlite']:.0f}%"
    if "postgres" not in by_kind:
        return Row(
            f"http_{op}_by_store",
            what,
            "SQLite",
            measured + f"; PostgreSQL {why}",
            "report",
            "report",
            by_kind,
        )
    pg = by_kind["postgres"]
    measured += (
        f"; PostgreSQL {_rps(pg)}, backend CPU {pg['cpu_postgres']:.0f}% + server {pg['cpu_server']:.0f}%"
        f"; PostgreSQL/SQLite **{pg['rps'] / lite['rps']:.2f}x** req/s"
    )
    return Row(f"http_{op}_by_store", what, "SQLite", measured, "report", "report", by_kind)


def _scale_row(op: str, one: dict[str, Any], two: dict[str, Any]) -> Row:
    gain = two["rps"] / one["rps"]
    cores = os.cpu_count() or 1
    ours = {
        "one": one["cpu_postgres"] + one["cpu_server"] + one["cpu_wrk"],
        "two": two["cpu_postgres"] + two["cpu_postgres_b"] + two["cpu_server"] + two["cpu_wrk"],
    }
    measured = (
        f"one: {_rps(one)}, CPU backend {one['cpu_postgres']:.0f}%, PostgreSQL {one['cpu_server']:.0f}%, "
        f"wrk {one['cpu_wrk']:.0f}%, other processes {one['cpu_machine'] - ours['one']:.0f}%, machine "
        f"{one['cpu_machine']:.0f}% of {100 * cores}%; two: {_rps(two)}, CPU backends {two['cpu_postgres']:.0f}% + "
        f"{two['cpu_postgres_b']:.0f}%, PostgreSQL {two['cpu_server']:.0f}%, wrk {two['cpu_wrk']:.0f}%, other "
        f"processes {two['cpu_machine'] - ours['two']:.0f}%, machine {two['cpu_machine']:.0f}%: **{gain:.2f}x**"
    )
    # Below the target is explained when no core was left: the second process had none to use.
    saturated = two["cpu_machine"] >= 0.9 * 100 * cores
    verdict = (
        "PASS"
        if gain >= SCALE_TARGET
        else (
            f"explained: all {cores} cores busy (machine {two['cpu_machine']:.0f}%), no CPU for a second process"
            if saturated
            else "MISS"
        )
    )
    what = f"backend `{op}`: two backend processes on one PostgreSQL vs one (same 2x5 `wrk` load)"
    return Row(
        f"pg_two_backends_{op}",
        what,
        "one backend",
        measured,
        f">= {SCALE_TARGET}x or explained",
        verdict,
        {"one": one, "two": two},
    )
