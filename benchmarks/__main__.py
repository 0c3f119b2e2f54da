"""``python -m benchmarks [--quick] [--only GROUP ...] [--out DIR]`` from the repository root.

Groups: client (ours vs raw httpx2), foreign (httpx 0.28, openai 1.20 in their own venvs), mcp
(per-call overhead, cold start, RSS), load (50 concurrent HTTP clients), backend (local store),
postgres (1M-row listings, driver, SQLite vs PostgreSQL and 1 vs 2 backends under wrk; needs $DATABASE_URL).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from . import report
from .harness import Row

GROUPS = ("client", "foreign", "mcp", "load", "backend", "postgres")
UPSTREAM_FILES = 10_000

log = logging.getLogger("benchmarks")


def run(groups: list[str], quick: bool) -> list[Row]:
    """Run the chosen groups in order against one upstream process."""
    from .upstream import UpstreamProcess

    rows: list[Row] = []
    with UpstreamProcess(UPSTREAM_FILES) as upstream:
        ours: dict[str, dict[str, float]] = {}
        if "client" in groups or "foreign" in groups:
            from .client_rows import client_rows, foreign_rows

            log.warning("client rows")
            client, ours = client_rows(upstream, quick)
            if "client" in groups:
                rows += client
            if "foreign" in groups:
                log.warning("foreign rows")
                rows += foreign_rows(upstream, ours, quick)
        if "mcp" in groups:
            from .mcp_rows import mcp_rows

            log.warning("mcp rows")
            rows += mcp_rows(upstream, quick)
        if "load" in groups:
            from .load_rows import load_rows
            from .procs import serve_unavailable

            log.warning("load rows")
            rows += load_rows(upstream, quick, serve_unavailable())
    if "backend" in groups:
        from .backend_rows import backend_rows

        log.warning("backend rows")
        rows += backend_rows(quick)
    if "postgres" in groups:
        from .postgres_rows import postgres_rows

        log.warning("postgres rows")
        rows += postgres_rows(quick)
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
    rows = run(groups, args.quick)
    elapsed = time.monotonic() - started
    args.out.mkdir(parents=True, exist_ok=True)
    md, _ = report.write(rows, args.out, quick=args.quick, elapsed=elapsed, argv=list(argv or sys.argv[1:]))
    sys.stdout.write(md.read_text())
    misses = [r.key for r in rows if r.verdict == "MISS"]
    if misses:
        log.warning("targets missed: %s", ", ".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
