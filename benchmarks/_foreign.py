"""Runs the three client operations with a foreign stack, inside that stack's own venv.

``<venv>/bin/python -m benchmarks._foreign --stack httpx|openai --base-url URL`` (from the repo
root) writes one JSON object to stdout: the stack's versions and, per operation, the per-call
stats. ``httpx`` is raw ``httpx.Client`` + ``json.loads`` (the venv pins httpx 0.28.1);
``openai`` is openai-python 1.20.0's ``beta.assistants.files`` (httpx < 0.28). Imports only the
stdlib, the stack and ``benchmarks.harness``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

from benchmarks.harness import measure, summarize
from benchmarks.upstream import ASSISTANT_ID, file_id


def _httpx_ops(base_url: str) -> dict[str, Callable[[], object]]:
    import httpx  # type: ignore[import-not-found]  # only in the foreign venv

    http = httpx.Client(base_url=base_url, timeout=30)
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


def _openai_ops(base_url: str) -> dict[str, Callable[[], object]]:
    from openai import OpenAI  # type: ignore[import-not-found]

    files = OpenAI(base_url=base_url, api_key="sk-bench", max_retries=0).beta.assistants.files

    def retrieve() -> object:
        return files.retrieve(file_id(7), assistant_id=ASSISTANT_ID)

    def list100() -> object:
        return files.list(ASSISTANT_ID, limit=100)

    def iterate() -> object:
        return sum(1 for _ in files.list(ASSISTANT_ID, limit=100))

    return {"retrieve": retrieve, "list100": list100, "iterate": iterate}


def main() -> None:
    """Measure and print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", choices=["httpx", "openai"], required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--plan", required=True, help='JSON: {"op": [rounds, per_round, max_seconds]}')
    args = parser.parse_args()
    ops = (_httpx_ops if args.stack == "httpx" else _openai_ops)(args.base_url)
    plan: dict[str, list[float]] = json.loads(args.plan)
    out: dict[str, Any] = {"versions": {p: version(p) for p in ("httpx", "openai") if _has(p)}, "ops": {}}
    for op, (rounds, per_round, max_seconds) in plan.items():
        samples = measure(
            {op: ops[op]}, rounds=int(rounds), per_round=int(per_round), max_seconds=max_seconds
        )
        out["ops"][op] = summarize(samples.calls[op])
    sys.stdout.write(json.dumps(out) + "\n")


def _has(package: str) -> bool:
    try:
        version(package)
    except Exception:  # noqa: BLE001  # PackageNotFoundError; any failure means "absent"
        return False
    return True


if __name__ == "__main__":
    main()
