"""Client rows: our ``AssistantsClient`` against raw httpx2, then httpx 0.28 and openai 1.20.

Every contender talks to the same stdlib upstream (its own process) over one reused keep-alive
connection, and decodes the body: raw contenders with ``json.loads``, ours into models.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2

from mcp_assistant_files import AssistantsClient, AsyncAssistantsClient

from .harness import Row, Samples, measure, measure_async
from .upstream import ASSISTANT_ID, UpstreamProcess, file_id

HERE = Path(__file__).resolve().parent
FOREIGN = {
    "httpx": ("httpx 0.28", HERE / ".venv-httpx028", ["httpx==0.28.1"]),
    "openai": ("openai 1.20.0", HERE / ".venv-openai120", ["openai==1.20.0", "httpx<0.28"]),
}
# op -> (rounds, per_round, max_seconds) for a full run; --quick divides rounds by 5.
PLAN = {"retrieve": (30, 100, 20.0), "list100": (30, 30, 20.0), "iterate": (24, 1, 30.0)}
TARGETS = {"retrieve": 1.08, "list100": 1.15, "iterate": 1.15}
LABELS = {
    "retrieve": "client `retrieve`",
    "list100": "client `list` of 100",
    "iterate": "iterate 10,000 attachments",
}


def _plan(op: str, quick: bool) -> tuple[int, int, float]:
    rounds, per_round, max_seconds = PLAN[op]
    return (max(3, rounds // 5), per_round, max_seconds / 4) if quick else (rounds, per_round, max_seconds)


def _raw_ops(http: httpx2.Client) -> dict[str, Callable[[], object]]:
    files = f"/assistants/{ASSISTANT_ID}/files"
    one = f"{files}/{file_id(7)}"

    def retrieve() -> object:
        return json.loads(http.get(one).content)

    def list100() -> object:
        return json.loads(http.get(files, params={"limit": 100}).content)

    def iterate() -> object:
        params: dict[str, Any] = {"limit": 100}
        count = 0
        while True:
            page = json.loads(http.get(files, params=params).content)
            count += len(page["data"])
            if not page["has_more"] or not page["data"]:
                return count
            params["after"] = page["last_id"]

    return {"retrieve": retrieve, "list100": list100, "iterate": iterate}


def _our_ops(client: AssistantsClient) -> dict[str, Callable[[], object]]:
    def retrieve() -> object:
        return client.files.retrieve(file_id(7), assistant_id=ASSISTANT_ID)

    def list100() -> object:
        return client.files.list(ASSISTANT_ID, limit=100)

    def iterate() -> object:
        return sum(1 for _ in client.files.list(ASSISTANT_ID, limit=100))

    return {"retrieve": retrieve, "list100": list100, "iterate": iterate}


def _ratio_row(key: str, what: str, baseline: str, samples: Samples, target: float) -> Row:
    ours, raw = samples.stats("ours"), samples.stats("raw")
    ratio = samples.ratio("ours", "raw")
    measured = (
        f"{ours['median_ms']:.3f} ms (p99 {ours['p99_ms']:.3f}) vs {raw['median_ms']:.3f} ms "
        f"(p99 {raw['p99_ms']:.3f}): **{ratio['ratio']:.3f}x** "
        f"(rounds IQR {ratio['round_q1']:.3f}-{ratio['round_q3']:.3f})"
    )
    verdict = "PASS" if ratio["ratio"] <= target else "MISS"
    data = {"ours": ours, "baseline": raw, **ratio}
    return Row(key, what, baseline, measured, f"<= {target}x", verdict, data)


def client_rows(upstream: UpstreamProcess, quick: bool) -> tuple[list[Row], dict[str, dict[str, float]]]:
    """The three sync rows (and the async retrieve); also returns our per-op stats for the foreign rows."""
    rows: list[Row] = []
    ours_stats: dict[str, dict[str, float]] = {}
    with (
        httpx2.Client(base_url=upstream.base_url, timeout=30) as http,
        AssistantsClient(base_url=upstream.base_url, max_retries=0) as client,
    ):
        raw_ops, our_ops = _raw_ops(http), _our_ops(client)
        walked = (our_ops["iterate"](), raw_ops["iterate"]())
        if walked != (upstream.files, upstream.files):
            raise RuntimeError(f"walks saw {walked} attachments, expected {upstream.files}")
        for op in PLAN:
            rounds, per_round, max_seconds = _plan(op, quick)
            samples = measure(
                {"ours": our_ops[op], "raw": raw_ops[op]},
                rounds=rounds, per_round=per_round, max_seconds=max_seconds,
            )  # fmt: skip
            rows.append(
                _ratio_row(f"client_{op}", LABELS[op], "raw `httpx2` + `json.loads`", samples, TARGETS[op])
            )
            ours_stats[op] = samples.stats("ours")
    rows.append(_async_retrieve_row(upstream, quick))
    return rows, ours_stats


def _async_retrieve_row(upstream: UpstreamProcess, quick: bool) -> Row:
    import anyio

    rounds, per_round, max_seconds = _plan("retrieve", quick)
    path = f"/assistants/{ASSISTANT_ID}/files/{file_id(7)}"

    async def run() -> Samples:
        async with (
            httpx2.AsyncClient(base_url=upstream.base_url, timeout=30) as http,
            AsyncAssistantsClient(base_url=upstream.base_url, max_retries=0) as client,
        ):

            async def ours() -> object:
                return await client.files.retrieve(file_id(7), assistant_id=ASSISTANT_ID)

            async def raw() -> object:
                return json.loads((await http.get(path)).content)

            return await measure_async(
                {"ours": ours, "raw": raw}, rounds=rounds, per_round=per_round, max_seconds=max_seconds
            )

    samples = anyio.run(run)
    return _ratio_row(
        "client_retrieve_async", "async client `retrieve`", "raw `httpx2.AsyncClient` + `json.loads`",
        samples, TARGETS["retrieve"],
    )  # fmt: skip


def _ensure_venv(stack: str) -> Path | str:
    """The venv's python, or the reason it is unavailable."""
    _, venv, requirements = FOREIGN[stack]
    python = venv / "bin" / "python"
    if python.exists():
        return python
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, timeout=120, capture_output=True
        )
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *requirements],
            check=True, timeout=300, capture_output=True,
        )  # fmt: skip
    except (subprocess.SubprocessError, OSError) as err:
        return f"could not create {venv.name}: {type(err).__name__}"
    return python


def foreign_rows(upstream: UpstreamProcess, ours: dict[str, dict[str, float]], quick: bool) -> list[Row]:
    """httpx 0.28 and openai 1.20, each in its venv, against the same upstream; ratios to our client."""
    rows: list[Row] = []
    plan = {op: _plan(op, quick) for op in PLAN}
    for stack, (label, _, _) in FOREIGN.items():
        python: Path | str = "not run by --quick" if quick else _ensure_venv(stack)
        result: dict[str, Any] | str
        if isinstance(python, str):
            result = python
        else:
            proc = subprocess.run(
                [str(python), "-m", "benchmarks._foreign", "--stack", stack, "--base-url", upstream.base_url,
                 "--plan", json.dumps(plan)],
                cwd=HERE.parent, capture_output=True, timeout=300, text=True, check=False,
            )  # fmt: skip
            result = (
                json.loads(proc.stdout) if proc.returncode == 0 else f"runner failed: {proc.stderr[-200:]}"
            )
        for op in PLAN:
            key = f"foreign_{stack}_{op}"
            what = f"{LABELS[op]} with {label}"
            if isinstance(result, str):
                rows.append(Row(key, what, "our client", "-", "report the ratio", f"skipped: {result}"))
                continue
            theirs = result["ops"][op]
            ratio = theirs["median_ms"] / ours[op]["median_ms"]
            measured = (
                f"{theirs['median_ms']:.3f} ms (p99 {theirs['p99_ms']:.3f}) vs ours "
                f"{ours[op]['median_ms']:.3f} ms: **{ratio:.2f}x** ours"
            )
            data = {"theirs": theirs, "ours": ours[op], "ratio": ratio, "versions": result["versions"]}
            rows.append(Row(key, what, "our client", measured, "report the ratio", "report", data))
    return rows
