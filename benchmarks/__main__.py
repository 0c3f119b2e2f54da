"""``python -m benchmarks [--quick] [--only GROUP ...] [--out DIR]`` from the repository root.

Groups: client (ours vs raw httpx2), foreign (httpx 0.28, openai 1.20 in their own venvs), mcp
(one tool call per transport, cold start, RSS), load (50 concurrent HTTP clients, CPU per call,
the concurrency curve and the pool sweep), then the groups that need no upstream (``LOCAL``):
embedded (one retrieve on the embedded backend, layer by layer), backend (list pages as the
listing grows), standalone (the standalone backend under ``wrk``), postgres (1M-row listings,
driver, SQLite vs PostgreSQL and 1 vs 2 backends under wrk; needs $DATABASE_URL).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import time
from pathlib import Path

from . import report
from .harness import Row

# Groups that need nothing but ``quick``: group -> module ``benchmarks.<module>`` whose function
# of the same name, ``<module>(quick) -> list[Row]``, gives its rows. One more group is one line.
LOCAL = {
    "embedded": "embedded_rows",
    "backend": "backend_rows",
    "standalone": "standalone_rows",
    "postgres": "postgres_rows",
}
GROUPS = ("client", "foreign", "mcp", "load", *LOCAL)
UPSTREAM_FILES = 10_000

log = logging.getLogger("benchmarks")


Loads = list[tuple[str, tuple[float, float, float]]]


def run(groups: list[str], quick: bool, loads: Loads) -> list[Row]:
    """Run the chosen groups in order: those against the stdlib upstream process, then ``LOCAL``.

    ``loads`` gets the machine's load average before each group (for RESULTS.md).
    """
    from .upstream import UpstreamProcess

    def mark(group: str) -> None:
        loads.append((f"before {group}", os.getloadavg()))
        log.warning("%s rows", group)

    rows: list[Row] = []
    if {"client", "foreign", "mcp", "load"} & set(groups):
        with UpstreamProcess(UPSTREAM_FILES) as upstream:
            ours: dict[str, dict[str, float]] = {}
            if "client" in groups or "foreign" in groups:
                from .client_rows import client_rows, foreign_rows

                mark("client")
                client, ours = client_rows(upstream, quick)
                if "client" in groups:
                    rows += client
                if "foreign" in groups:
                    mark("foreign")
                    rows += foreign_rows(upstream, ours, quick)
            if "mcp" in groups:
                from .mcp_rows import mcp_rows

                mark("mcp")
                rows += mcp_rows(upstream, quick)
            if "load" in groups:
                from .load_rows import load_rows
                from .procs import serve_unavailable

                mark("load")
                rows += load_rows(upstream, quick, serve_unavailable())
    for group, module in LOCAL.items():
        if group in groups:
            mark(group)
            found: list[Row] = getattr(importlib.import_module(f".{module}", __package__), module)(quick)
            rows += found
    return rows


def main(argv: list[str] | None = None) -> int:
    """Parse flags, run, write the report, echo the table to stdout."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run (< 60 s): fewer repetitions")
    parser.add_argument("--only", nargs="+", choices=GROUPS, metavar="GROUP", help=f"subset of {GROUPS}")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output directory")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    groups = list(args.only or GROUPS)
    started = time.monotonic()
    loads: Loads = []
    rows = run(groups, args.quick, loads)
    elapsed = time.monotonic() - started
    args.out.mkdir(parents=True, exist_ok=True)
    md, _ = report.write(
        rows, args.out, quick=args.quick, elapsed=elapsed, argv=list(argv or sys.argv[1:]), loads=loads
    )
    sys.stdout.write(md.read_text())
    misses = [r.key for r in rows if r.verdict == "MISS"]
    if misses:
        log.warning("targets missed: %s", ", ".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
