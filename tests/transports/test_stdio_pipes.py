"""stdin/stdout read and written on the event loop: same protocol, bounded lines, a guarded wire.

``server/pipes.py`` replaces the SDK's thread-based stdio transport when both streams are pipes
(as under every MCP host); a regular file on stdin falls back to the SDK's. Both must speak the
same protocol; every other stdio test in this folder runs over the pipes too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mcp_assistant_files.server.pipes import MAX_LINE_BYTES

PROTOCOL = "2025-11-25"
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}


SERVE = [sys.executable, "-m", "mcp_assistant_files", "serve"]


def serve(tmp_path: Path, stdin: bytes | Path) -> list[dict[str, Any]]:
    command = [*SERVE, "--db", str(tmp_path / "db.sqlite3")]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    if isinstance(stdin, Path):
        with stdin.open("rb") as handle:
            done = subprocess.run(
                command, stdin=handle, capture_output=True, timeout=60, env=env, check=False
            )
    else:
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=60, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return [json.loads(line) for line in done.stdout.splitlines()]


def lines(*messages: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(m).encode() + b"\n" for m in messages)


@pytest.mark.slow
def test_a_regular_file_on_stdin_is_served_by_the_fallback_transport(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    requests.write_bytes(lines(INIT, {"jsonrpc": "2.0", "method": "notifications/initialized"}, LIST))
    answers = serve(tmp_path, requests)
    assert [a["id"] for a in answers] == [1, 2]
    assert answers[1]["result"]["tools"]


@pytest.mark.slow
def test_an_over_long_line_is_refused_and_the_session_goes_on(tmp_path: Path) -> None:
    huge = b'{"jsonrpc": "2.0", "id": 9, "method": "ping", "pad": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}\n'
    answers = serve(
        tmp_path, lines(INIT) + huge + lines({"jsonrpc": "2.0", "method": "notifications/initialized"}, LIST)
    )
    by_id = {a.get("id"): a for a in answers}
    assert by_id[1]["result"]["protocolVersion"]
    assert by_id[2]["result"]["tools"], "the session continued after the refused line"
    assert 9 not in by_id, "the over-long request was not parsed"
    errors = [a for a in answers if "error" in a]
    assert errors and errors[0]["error"]["code"] == -32700, answers


@pytest.mark.slow
def test_garbage_lines_get_parse_errors_not_a_crash(tmp_path: Path) -> None:
    answers = serve(tmp_path, lines(INIT) + b"not json\n\n{\n" + lines(LIST))
    assert [a.get("id") for a in answers if "result" in a] == [1, 2]
    assert sum(1 for a in answers if a.get("error", {}).get("code") == -32700) == 2


@pytest.mark.slow
@pytest.mark.parametrize("stdout", ["pipe", "devnull"])
def test_stdin_from_dev_null_ends_the_server_at_once(tmp_path: Path, stdout: str) -> None:
    """``serve < /dev/null``: end of input at once, so the server stops (it used to wait for ever)."""
    command = [sys.executable, "-m", "mcp_assistant_files", "serve", "--db", str(tmp_path / "db.sqlite3")]
    done = subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if stdout == "pipe" else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert not done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("stdin", ["pipe", "file"])
def test_a_client_that_closes_stdout_ends_the_server_with_one_line(tmp_path: Path, stdin: str) -> None:
    """The host stops reading (``serve | head -c 300``, or a host that closed its end): no traceback.

    On the event-loop pipes (stdin a pipe) and on the SDK's transport (stdin a regular file).
    """
    command = [*SERVE, "--db", str(tmp_path / "db.sqlite3")]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    requests = lines(INIT, {"jsonrpc": "2.0", "method": "notifications/initialized"}, LIST)
    source = tmp_path / "requests.jsonl"
    source.write_bytes(requests)
    with (
        source.open("rb") as file,
        subprocess.Popen(
            command,
            stdin=subprocess.PIPE if stdin == "pipe" else file,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        ) as proc,
    ):
        assert proc.stdout is not None
        proc.stdout.close()  # nobody will read an answer
        _, err = proc.communicate(requests if stdin == "pipe" else None, 60)
    stderr = err.decode()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert "closed the server's stdout" in stderr, stderr
