"""Every request read before stdin closed is answered before the stdio server exits.

Reproduces ``printf '<requests>' | mcp-assistant-files serve``: all requests arrive at once and
stdin closes right after. The SDK's loop stopped at end of input and dropped what was still in
flight (two of four answered); now each gets its answer, in any order, and the process exits 0.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mcp_assistant_files.backend import Store

PROTOCOL = "2025-11-25"


def request(request_id: int, method: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}


def serve(db: Path, lines: list[dict[str, Any]]) -> subprocess.CompletedProcess[str]:
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    return subprocess.run(
        [sys.executable, "-m", "mcp_assistant_files", "serve", "--db", str(db)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(db.parent)},
    )


@pytest.mark.slow
def test_requests_piped_with_end_of_input_are_all_answered(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    with Store.open(db, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        store.seed_attachments(assistant_id, 30)
    calls = [
        request(
            10 + n,
            "tools/call",
            {"name": "list_assistant_files", "arguments": {"assistant_id": assistant_id, "limit": 5}},
        )
        for n in range(6)
    ]
    done = serve(
        db,
        [
            request(1, "initialize", {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            request(2, "tools/list", {}),
            *calls,
        ],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted(a["id"] for a in answers) == [1, 2, 10, 11, 12, 13, 14, 15]
    for answer in answers:
        assert "error" not in answer, answer
        if answer["id"] >= 10:
            assert len(answer["result"]["structuredContent"]["files"]) == 5


@pytest.mark.slow
def test_a_request_the_client_cancelled_is_not_waited_for(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    done = serve(
        db,
        [
            request(1, "initialize", {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            request(2, "tools/list", {}),
            {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 99}},
        ],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(json.loads(line)["id"] for line in done.stdout.splitlines()) == [1, 2]
    assert "unanswered" not in done.stderr
