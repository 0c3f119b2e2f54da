"""``results.svg``: the load curve and the pool sweep of a run, drawn as plain SVG (no dependency).

Four panels: calls/s and p99 against concurrent clients (ours and the two bare baselines), then
calls/s and server CPU per call against the upstream pool size (loopback and a distant
upstream; the bare GET tool with httpx2's default pool as a dashed reference line).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from .harness import Row

__all__ = ["write_svg"]

PANEL_W, PANEL_H = 440, 260
MARGIN_L, MARGIN_B, MARGIN_T = 58, 42, 30
COLOURS = {"ours": "#1f6fb4", "bare_get": "#d9822b", "bare_constant": "#7a7a7a", "distant": "#2e9e5b"}


@dataclass
class Series:
    """One line: a label, one value per x position (``None``: no point), its colour, dashed or not."""

    label: str
    values: list[float | None]
    colour: str
    dashed: bool = False


def _nice_max(value: float) -> float:
    if value <= 0 or math.isnan(value):
        return 1.0
    step = 10.0 ** math.floor(math.log10(value))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= factor * step:
            return factor * step
    return 10.0 * step


def _panel(
    x0: int, y0: int, title: str, xlabel: str, ylabel: str, xs: list[str], lines: list[Series]
) -> list[str]:
    """The SVG elements of one panel whose top-left corner is ``(x0, y0)``."""
    plot_w, plot_h = PANEL_W - MARGIN_L - 16, PANEL_H - MARGIN_B - MARGIN_T
    left, top = x0 + MARGIN_L, y0 + MARGIN_T
    values = [v for s in lines for v in s.values if v is not None and not math.isnan(v)]
    y_max = _nice_max(max(values, default=1.0) * 1.05)
    out = [
        f'<text x="{x0 + PANEL_W / 2}" y="{y0 + 18}" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#bbb"/>',
        f'<text x="{left + plot_w / 2}" y="{top + plot_h + 34}" text-anchor="middle">{escape(xlabel)}</text>',
        f'<text transform="translate({x0 + 14},{top + plot_h / 2}) rotate(-90)" text-anchor="middle">'
        f"{escape(ylabel)}</text>",
    ]

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / len(xs) if xs else 0)

    def y_at(v: float) -> float:
        return top + plot_h - plot_h * v / y_max

    for k in range(5):
        tick = y_max * k / 4
        y = y_at(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
    for i, label in enumerate(xs):
        out.append(
            f'<text x="{x_at(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(label)}</text>'
        )
    for n, series in enumerate(lines):
        points = [
            (x_at(i), y_at(v)) for i, v in enumerate(series.values) if v is not None and not math.isnan(v)
        ]
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{series.colour}" stroke-width="2"{dash}/>'
            )
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{series.colour}"/>' for x, y in points]
        ly = top + 12 + 15 * n
        out.append(
            f'<line x1="{left + 8}" y1="{ly - 4}" x2="{left + 26}" y2="{ly - 4}" stroke="{series.colour}" '
            f'stroke-width="2"{dash}/><text x="{left + 30}" y="{ly}">{escape(series.label)}</text>'
        )
    return out


def _curve_panels(row: Row) -> list[list[str]]:
    levels = [str(n) for n in row.data["levels"]]
    points: dict[str, list[dict[str, Any]]] = row.data["points"]
    labels = {"ours": "ours", "bare_get": "bare tool, same GET", "bare_constant": "bare tool, constant"}

    def series(metric: str) -> list[Series]:
        return [
            Series(labels[name], [_metric(p, metric) for p in pts], COLOURS[name])
            for name, pts in points.items()
        ]

    return [
        _panel(
            0,
            0,
            "calls/s against concurrency",
            "concurrent clients",
            "calls/s",
            levels,
            series("calls_per_s"),
        ),
        _panel(
            PANEL_W,
            0,
            "p99 latency against concurrency",
            "concurrent clients",
            "p99 (ms)",
            levels,
            series("p99"),
        ),
    ]


def _sweep_panels(row: Row) -> list[list[str]]:
    results: dict[str, dict[str, dict[str, Any]]] = row.data["results"]
    pools = [f"{n}/{n}" for n in row.data["pools"]]
    reference = next((v for k, v in results.items() if k not in pools), None)
    distant = f"{row.data['distant_ms']} ms upstream"

    def line(label: str, where: str, metric: str, colour: str) -> Series:
        return Series(label, [_metric(results[p][where], metric) for p in pools], colour)

    def ref(label: str, where: str, metric: str, colour: str) -> list[Series]:
        if reference is None:
            return []
        return [Series(label, [_metric(reference[where], metric)] * len(pools), colour, dashed=True)]

    throughput = [
        line("ours, loopback", "loopback", "calls_per_s", COLOURS["ours"]),
        line(f"ours, {distant}", "distant", "calls_per_s", COLOURS["distant"]),
        *ref("bare GET 100/20, loopback", "loopback", "calls_per_s", COLOURS["bare_get"]),
        *ref(f"bare GET 100/20, {distant}", "distant", "calls_per_s", COLOURS["bare_constant"]),
    ]
    cpu = [
        line("ours, loopback", "loopback", "cpu_ms_per_call", COLOURS["ours"]),
        *ref("bare GET 100/20, loopback", "loopback", "cpu_ms_per_call", COLOURS["bare_get"]),
    ]
    return [
        _panel(0, PANEL_H, "pool sweep: calls/s (50 clients)", "upstream connections (open/kept)", "calls/s",
               pools, throughput),
        _panel(PANEL_W, PANEL_H, "pool sweep: server CPU per call", "upstream connections (open/kept)",
               "ms per call", pools, cpu),
    ]  # fmt: skip


def _metric(point: dict[str, Any], metric: str) -> float | None:
    value = point.get("latency", {}).get("p99_ms") if metric == "p99" else point.get(metric)
    return float(value) if isinstance(value, int | float) else None


def write_svg(rows: list[Row], path: Path) -> bool:
    """Draw the curve and sweep rows that ran into ``path``; False (nothing written) if neither did."""
    by_key = {row.key: row for row in rows if row.data}
    panels: list[list[str]] = []
    if "load_curve" in by_key:
        panels += _curve_panels(by_key["load_curve"])
    if "pool_sweep" in by_key:
        panels += _sweep_panels(by_key["pool_sweep"])
    if not panels:
        return False
    height = PANEL_H * (2 if "pool_sweep" in by_key else 1)
    body = "\n".join(element for panel in panels for element in panel)
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * PANEL_W}" height="{height}" '
        f'viewBox="0 0 {2 * PANEL_W} {height}" font-family="sans-serif" font-size="11">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n{body}\n</svg>\n'
    )
    return True
