"""The standalone backend under a real load generator, against a bare endpoint returning its bytes.

``mcp-assistant-files backend`` (uvicorn, SQLite, an assistant with 100 attachments) and
``bare_backend.py`` (a Starlette route under uvicorn answering the same bytes, captured from ours
first) run as separate processes; ``wrk`` (one thread, 10 connections, ``--latency``) loads each
in turn, in shuffled order, round after round. A row's figure is the median of the rounds'
requests/s, its spread the rounds' ratios. Without ``wrk`` on PATH the rows say so and are skipped.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

from .harness import Row
from .procs import HERE, HttpServerProcess, free_port, our_command

CONNECTIONS = 10
BETA = "OpenAI-Beta: assistants=v1"
TARGETS = {"retrieve": 0.7, "list100": 0.6}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Wrk:
    """What one ``wrk`` run measured."""

    requests: int
    per_s: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers plus socket errors


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    return float(found[1]) * _UNITS[found[2]] if found else float("nan")


def run_wrk(url: str, seconds: float) -> Wrk:
    """Load ``url`` with ``wrk -t1 -c10`` for ``seconds`` and parse its report."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency", "-H", BETA, url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout  # fmt: skip
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    done = re.search(r"(\d+) requests in", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Wrk(
        requests=int(done[1]) if done else 0,
        per_s=float(rate[1]) if rate else 0.0,
        p50_ms=_ms(latency.get("50", "")),
        p99_ms=_ms(latency.get("99", "")),
        errors=(int(bad[1]) if bad else 0) + (sum(int(n) for n in sockets.groups()) if sockets else 0),
    )


def _seed(db: Path) -> dict[str, str]:
    """An assistant with 100 attachments; the paths of one retrieve and of a list page of 100."""
    from mcp_assistant_files.backend import Store

    with Store.open(db, max_files_per_assistant=0) as store:
        assistant = store.create_assistant()["id"]
        files = store.seed_attachments(assistant, 100)
    base = f"/v1/assistants/{assistant}/files"
    return {"retrieve": f"{base}/{files[50]}", "list100": f"{base}?limit=100"}


def _capture(port: int, paths: dict[str, str]) -> dict[str, dict[str, str]]:
    """Our backend's answer to each path: its body and content type."""
    answers = {}
    for path in paths.values():
        request = Request(f"http://127.0.0.1:{port}{path}", headers={"OpenAI-Beta": "assistants=v1"})
        with urlopen(request, timeout=10) as response:  # noqa: S310  # a loopback http URL we built
            body = response.read().decode()
            answers[path.split("?", 1)[0]] = {"body": body, "content_type": response.headers["content-type"]}
    return answers


def standalone_rows(quick: bool) -> list[Row]:
    """Retrieve and list-100 requests/s of the standalone backend vs the bare endpoint."""
    if shutil.which("wrk") is None:
        reason = "`wrk` is not installed (Debian: `apt-get install wrk`)"
        return [
            Row(f"standalone_{k}", f"standalone backend {k}", "-", "-", "-", f"skipped: {reason}")
            for k in TARGETS
        ]
    # Eight rounds: one round's ratio swings by +-15 % on a shared 2-core machine, so four were
    # not enough to tell a 0.7x row from a 0.8x one.
    rounds, seconds = (1, 1.0) if quick else (8, 4.0)
    with tempfile.TemporaryDirectory(prefix="bench-standalone-") as tmp:
        paths = _seed(Path(tmp) / "backend.sqlite3")
        ours_port, bare_port = free_port(), free_port()
        ours_cmd = [*our_command(), "backend", "--db", str(Path(tmp) / "backend.sqlite3"), "--port", str(ours_port),
                    "--max-files-per-assistant", "0", "--log-level", "WARNING"]  # fmt: skip
        with HttpServerProcess(ours_cmd, ours_port):
            answers = Path(tmp) / "answers.json"
            answers.write_text(json.dumps(_capture(ours_port, paths)))
            bare_cmd = [sys.executable, str(HERE / "bare_backend.py"), str(answers), str(bare_port)]
            with HttpServerProcess(bare_cmd, bare_port):
                ports = {"ours": ours_port, "bare": bare_port}
                runs: dict[str, dict[str, list[Wrk]]] = {k: {"ours": [], "bare": []} for k in paths}
                rng = random.Random(16)  # a fixed, reproducible shuffle, not a secret
                for path in paths.values() if not quick else ():  # warm-up: one short run each
                    for port in ports.values():
                        run_wrk(f"http://127.0.0.1:{port}{path}", 1.0)
                for _ in range(rounds):
                    for kind, path in paths.items():
                        order = list(ports)
                        rng.shuffle(order)
                        for name in order:
                            runs[kind][name].append(run_wrk(f"http://127.0.0.1:{ports[name]}{path}", seconds))
    return [_row(kind, runs[kind]) for kind in paths]


def _row(kind: str, runs: dict[str, list[Wrk]]) -> Row:
    ours, bare = runs["ours"], runs["bare"]
    per_s = {name: statistics.median(w.per_s for w in done) for name, done in runs.items()}
    ratio = per_s["ours"] / per_s["bare"] if per_s["bare"] else float("nan")
    rounds = sorted(o.per_s / b.per_s for o, b in zip(ours, bare, strict=True) if b.per_s)
    errors = sum(w.errors for w in ours + bare)

    def side(done: list[Wrk]) -> str:
        return (
            f"{statistics.median(w.per_s for w in done):,.0f} req/s (p50 {statistics.median(w.p50_ms for w in done):.2f} ms, "
            f"p99 {statistics.median(w.p99_ms for w in done):.2f}), n={sum(w.requests for w in done):,}"
        )

    what = {
        "retrieve": "one attached file (`GET .../files/ID`)",
        "list100": "a list page of 100 (`GET .../files?limit=100`)",
    }
    target = TARGETS[kind]
    ok = ratio >= target and errors == 0
    data: dict[str, Any] = {name: [w.__dict__ for w in done] for name, done in runs.items()}
    return Row(
        f"standalone_{kind}",
        f"standalone backend (`mcp-assistant-files backend`, SQLite): {what[kind]}, requests/s under "
        f"`wrk -t1 -c{CONNECTIONS}`",
        "a bare Starlette route under uvicorn returning the same bytes (`bare_backend.py`)",
        f"ours {side(ours)}; bare {side(bare)}: **{ratio:.2f}x** (rounds {rounds[0]:.2f}-{rounds[-1]:.2f}, "
        f"{len(rounds)} rounds); {errors} errors",
        f">= {target}x",
        "PASS" if ok else "MISS",
        data | {"ratio": ratio, "round_ratios": rounds},
    )
