"""Writes ``RESULTS.md`` (machine, then one table row per measurement) and ``results.json``."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .charts import write_svg
from .harness import Row

PACKAGES = (
    "mcp-assistant-files", "mcp", "httpx2", "aiohttp", "pydantic", "pydantic-core", "orjson", "starlette", "uvicorn", "anyio",
)  # fmt: skip


def machine() -> dict[str, Any]:
    """CPU model, core count, OS, Python and the versions of the packages in play."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str] = {}
    for package in PACKAGES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "absent"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "packages": versions,
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(
    rows: list[Row],
    out_dir: Path,
    *,
    quick: bool,
    elapsed: float,
    argv: list[str],
    loads: Sequence[tuple[str, tuple[float, float, float]]] = (),
) -> tuple[Path, Path]:
    """Write both files into ``out_dir``; returns their paths."""
    info = machine()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    foreign = sorted({f"{k} {v}" for row in rows for k, v in row.data.get("versions", {}).items()})
    lines = [
        "# Benchmark results",
        "",
        f"`python -m benchmarks{' ' + ' '.join(argv) if argv else ''}` on {when}, "
        f"{'quick smoke run' if quick else 'full run'}, {elapsed:.0f} s.",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores",
        f"- OS: {info['os']}",
        f"- Python: {info['python']}",
        "- Packages: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()),
        "- Load average (`/proc/loadavg`, 1/5/15 min) "
        + "; ".join(f"{mark}: {' / '.join(f'{x:.2f}' for x in avg)}" for mark, avg in loads)
        + f"; at the end: {' / '.join(str(x) for x in info['load_average_1_5_15'])}"
        + f" (the machine has {info['cores']} cores; other work on it inflates figures and p99s)",
    ]
    if foreign:
        lines.append("- Foreign venvs: " + ", ".join(foreign))
    lines += [
        "",
        "Figures are medians (p99 in brackets) of per-call wall times with their count n; contenders",
        "run interleaved in shuffled rounds, and a ratio's or a difference's IQR is taken across rounds.",
        "Load rows run each server in bursts (all clients connected first, then started together),",
        "bounded in calls and seconds; calls/s and CPU per call are medians of the rounds. The upstream",
        "is a stdlib `ThreadingHTTPServer` (HTTP/1.1 keep-alive, Nagle off) in its own process on",
        "127.0.0.1.",
        "",
        "| row | what | compared with | measured | target | result |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{r.key}` | {_cell(r.what)} | {_cell(r.baseline)} | {_cell(r.measured)} | {_cell(r.target)} "
        f"| {'**' + r.verdict + '**' if r.verdict == 'MISS' else _cell(r.verdict)} |"
        for r in rows
    ]
    svg = out_dir / "results.svg"
    if write_svg(rows, svg):
        lines += ["", f"![calls/s and p99 against concurrency; the pool sweep]({svg.name})"]
    lines += _sections(rows)
    analysis = Path(__file__).with_name("analysis.md")
    if analysis.exists():
        lines += ["", analysis.read_text(encoding="utf-8").rstrip()]
    md_path, json_path = out_dir / "RESULTS.md", out_dir / "results.json"
    md_path.write_text("\n".join(lines) + "\n")
    payload = {
        "generated": when,
        "quick": quick,
        "elapsed_seconds": elapsed,
        "machine": info,
        "load_averages": [[mark, list(avg)] for mark, avg in loads],
        "rows": [dataclasses.asdict(r) for r in rows],
    }
    json_path.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    return md_path, json_path


def _sections(rows: list[Row]) -> list[str]:
    """Tables for the rows whose figures do not fit one cell: the load curve and the pool sweep."""
    by_key = {row.key: row for row in rows if row.data}
    lines: list[str] = []
    if "load_curve" in by_key:
        data = by_key["load_curve"].data
        names = list(data["points"])
        lines += ["", "### Load curve: calls/s (p99 ms) against concurrent clients", ""]
        lines += ["| clients | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for i, level in enumerate(data["levels"]):
            cells = [_point(data["points"][name][i]) for name in names]
            lines.append(f"| {level} | " + " | ".join(cells) + " |")
    if "pool_sweep" in by_key:
        data = by_key["pool_sweep"].data
        distant = data["distant_ms"]
        lines += [
            "",
            f"### Pool sweep: 50 clients, upstream on loopback and {distant} ms away",
            "",
            "| pool (open/kept alive) | calls/s | server CPU per call | p99 | upstream connections opened (warm-up included) "
            f"| calls/s, {distant} ms upstream | p99, {distant} ms upstream |",
            "|---|---|---|---|---|---|---|",
        ]
        for label, result in data["results"].items():
            near, far = result["loopback"], result["distant"]
            lines.append(
                f"| {label} | {near['calls_per_s']:.0f} | {near['cpu_ms_per_call']:.2f} ms "
                f"| {near['latency'].get('p99_ms', float('nan')):.0f} ms | {near['connections']} "
                f"| {far['calls_per_s']:.0f} | {far['latency'].get('p99_ms', float('nan')):.0f} ms |"
            )
    return lines


def _point(point: dict[str, Any]) -> str:
    return f"{point['calls_per_s']:.0f} ({point['latency'].get('p99_ms', float('nan')):.0f})"
