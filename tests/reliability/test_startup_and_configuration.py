"""Start-up refuses what cannot work with one line saying what to fix (exit 2), never a traceback;
secrets come from the environment or a file, whitespace-proof; nothing shows agents a host path;
and the CLI's own output cannot be hijacked by a file name."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
from mcp import Client

from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.service.assistant_files import AssistantFilesTools
from mcp_assistant_files.service.cursors import CursorCodec
from mcp_assistant_files.service.upstream import open_upstream

from .conftest import SECRET, text_of

CLI = [sys.executable, "-m", "mcp_assistant_files"]
BETA = {"OpenAI-Beta": "assistants=v1"}


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    return env | extra


def run(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        env=env or clean_env(),
        input=stdin,
        timeout=60,
        check=False,
    )


def assert_one_line_refusal(done: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert "Traceback" not in done.stderr
    assert len(lines) == 1, done.stderr
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- start-up failures: one line, exit 2 -------------------------------------------------------


def test_a_data_directory_nobody_may_write_is_one_line(tmp_path: Path) -> None:
    # /proc refuses new files even to root (a chmod 500 folder would not stop root).
    for db in ("/proc/mcp-assistant-files/db.sqlite3", "/proc/self/db.sqlite3"):
        done = run("serve", "--db", db)
        assert_one_line_refusal(done, "cannot open the database", "--db")


def test_a_database_path_under_a_regular_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    for command in (["serve"], ["backend", "--port", str(free_port())], ["files", "list"]):
        done = run(*command, "--db", str(tmp_path / "afile" / "db.sqlite3"))
        assert_one_line_refusal(done, "cannot open the database", "choose another --db")


def test_a_database_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    db.write_bytes(b"this is not a database at all, just text that sqlite will refuse to read" * 100)
    done = run("serve", "--db", str(db))
    assert_one_line_refusal(done, "cannot open the database", str(db))


def test_a_database_this_process_may_only_read_is_one_line_at_start_up(tmp_path: Path) -> None:
    from mcp_assistant_files.backend import Store

    db = tmp_path / "db.sqlite3"
    Store.open(db).close()
    db.chmod(0o444)
    # Root writes a write-protected file anyway, unless it gives up that capability.
    nocap = "-dac_override,-dac_read_search,-fowner"
    setpriv = ["setpriv", f"--inh-caps={nocap}", f"--bounding-set={nocap}"] if os.geteuid() == 0 else []
    for command in (["serve"], ["backend", "--port", str(free_port())]):
        done = subprocess.run(
            [*setpriv, *CLI, *command, "--db", str(db)],
            capture_output=True, text=True, env=clean_env(), input="", timeout=60, check=False,
        )  # fmt: skip
        assert_one_line_refusal(done, "cannot open the database", "readonly", "writable")


@pytest.mark.parametrize(
    ("toolsets", "warned"),
    [([], ["OPENAI_API_KEY is not set", "OpenAI shut its Assistants API down"]),
     (["--toolsets", "vector-store-files,files"], ["OPENAI_API_KEY is not set"])],
)  # fmt: skip
def test_openai_without_a_key_or_with_its_shut_api_is_warned_at_start_up(
    toolsets: list[str], warned: list[str]
) -> None:
    # stdio: the server starts without calling the upstream, and stops at the end of its (empty) input.
    done = run("serve", "--base-url", "https://api.openai.com/v1", *toolsets)
    assert done.returncode == 0, done.stderr
    warnings = [
        line.split("WARNING mcp_assistant_files: ")[1]
        for line in done.stderr.splitlines()
        if "WARNING" in line
    ]
    assert len(warnings) == len(warned), warnings
    assert all(line.startswith(start) for line, start in zip(warnings, warned, strict=True)), warnings


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["backend", "--max-files-per-assistant", "-1"], "expected 0 or more"),
        (["backend", "--port", "70000"], "a port is 0-65535"),
        (["serve", "--port", "70000"], "a port is 0-65535"),
        (["serve", "--max-retries", "-1"], "expected 0 or more"),
        (["serve", "--upstream-connections", "0"], "--upstream-connections must be more than 0"),
        (["serve", "--port", "eighty"], "expected a whole number"),
        (["serve", "--transport", "carrier-pigeon"], "invalid choice: 'carrier-pigeon'"),
        (["serve", "--log-level", "LOUD"], "invalid choice: 'LOUD'"),
        (["backend", "--header-timeout", "soon"], "expected a number, not 'soon'"),
        (["backend", "--max-connections", "0"], "expected a number more than 0, not 0"),
        (["backend", "--header-timeout", "nan"], "expected a number more than 0, not nan"),
        (["serve", "--max-sessions", "-3"], "expected a number more than 0, not -3"),
        (["serve", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    ],
)
def test_bad_flag_values_are_one_line_pointing_at_help(args: list[str], expected: str) -> None:
    line = assert_one_line_refusal(run(*args), expected)
    assert line.endswith("--help)") or "must be more than 0" in line, line


@pytest.mark.parametrize("command", ["serve", "backend"])
def test_a_port_in_use_is_one_line_before_anything_is_announced(command: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        args = ["--transport", "streamable-http"] if command == "serve" else []
        done = run(command, *args, "--port", port, "--db", str(tmp_path / "db.sqlite3"))
    line = assert_one_line_refusal(
        done, f"cannot listen on 127.0.0.1:{port}", "Address already in use", "--port"
    )
    assert ("serving" not in line and not (tmp_path / "db.sqlite3").exists()) or command == "serve"


@pytest.mark.parametrize("command", ["serve", "backend"])
def test_port_0_announces_the_port_it_got(command: str, tmp_path: Path) -> None:
    args = ["--transport", "streamable-http"] if command == "serve" else []
    proc = subprocess.Popen(
        [*CLI, command, *args, "--port", "0", "--db", str(tmp_path / "db.sqlite3")],
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        assert proc.stderr is not None
        announced = ""
        for _ in range(20):  # a few start-up lines at most
            line = proc.stderr.readline()
            if "http://127.0.0.1:" in line:
                announced = line
                break
        port = int(announced.split("http://127.0.0.1:")[1].split("/")[0])
        assert port != 0, announced
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx2.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline, "nothing answered on the announced port"
                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://user:pass@127.0.0.1:9/v1", "must not contain a user name or password"),
        ("http://127.0.0.1:9/v1?api-version=1", "must not contain a query"),
        ("<optional: e.g. https://api.example.com/v1; delete this line>", "must be an http(s) URL"),
        ("ftp://example.com/v1", "must be an http(s) URL"),
        ("http://[::1/v1", "is not a URL"),
    ],
)
def test_a_base_url_that_cannot_work_is_refused_at_start_up(
    base_url: str, expected: str, tmp_path: Path
) -> None:
    for args, env in (
        (["serve", "--base-url", base_url], clean_env()),
        (["serve"], clean_env(OPENAI_BASE_URL=base_url)),
    ):
        done = run(*args, "--db", str(tmp_path / "db.sqlite3"), env=env)
        line = assert_one_line_refusal(done, expected)
        assert "pass" not in line.replace("password", ""), "the password is never echoed"


# -- tokens and keys ---------------------------------------------------------------------------


def test_a_blank_auth_token_is_refused_instead_of_protecting_nothing(tmp_path: Path) -> None:
    done = run(
        "serve", "--transport", "streamable-http", "--host", "0.0.0.0", "--port", str(free_port()),
        "--db", str(tmp_path / "db.sqlite3"), env=clean_env(MCP_ASSISTANT_FILES_AUTH_TOKEN="   \n"),
    )  # fmt: skip
    assert_one_line_refusal(done, "MCP_ASSISTANT_FILES_AUTH_TOKEN is set but blank")


@contextmanager
def running(args: list[str], env: dict[str, str], port: int, path: str = "/healthz") -> Iterator[str]:
    proc = subprocess.Popen([*CLI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited")
            try:
                if httpx2.get(base + path, timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


@pytest.mark.slow
def test_an_auth_token_with_a_trailing_newline_is_stripped(tmp_path: Path) -> None:
    port = free_port()
    args = [
        "serve",
        "--transport",
        "streamable-http",
        "--port",
        str(port),
        "--db",
        str(tmp_path / "db.sqlite3"),
    ]
    with running(args, clean_env(MCP_ASSISTANT_FILES_AUTH_TOKEN="tok-123\n"), port) as base:
        headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
        body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
        refused = httpx2.post(f"{base}/mcp", json=body, headers=headers)
        accepted = httpx2.post(
            f"{base}/mcp", json=body, headers=headers | {"Authorization": "Bearer tok-123"}
        )
    assert refused.status_code == 401
    assert accepted.status_code != 401


@pytest.mark.slow
@pytest.mark.parametrize("source", ["variable", "file"])
def test_the_backend_takes_its_keys_from_the_environment_or_a_file(source: str, tmp_path: Path) -> None:
    port = free_port()
    args = ["backend", "--port", str(port), "--db", str(tmp_path / "b.sqlite3")]
    env = clean_env()
    if source == "variable":
        env["MCP_ASSISTANT_FILES_BACKEND_API_KEYS"] = "sk-one, sk-two\n"
    else:
        keys = tmp_path / "keys"
        keys.write_text("# the backend's keys\nsk-one\n\nsk-two\n")
        args += ["--api-key-file", str(keys)]
    with running(args, env, port) as base:
        assert httpx2.get(f"{base}/v1/assistants", headers=BETA).status_code == 401
        for key in ("sk-one", "sk-two"):
            authorized = BETA | {"Authorization": f"Bearer {key}"}
            assert httpx2.get(f"{base}/v1/assistants", headers=authorized).status_code == 200


def test_an_unreadable_key_file_is_one_line(tmp_path: Path) -> None:
    done = run("backend", "--api-key-file", str(tmp_path / "missing"), "--db", str(tmp_path / "b.sqlite3"))
    assert_one_line_refusal(done, "--api-key-file", "cannot read it")


# -- what agents see ---------------------------------------------------------------------------


@pytest.mark.anyio
async def test_agents_never_see_the_embedded_databases_path(tmp_path: Path) -> None:
    db = tmp_path / "private-folder-name" / "db.sqlite3"
    upstream = open_upstream(base_url=None, db=str(db))
    try:
        tools = AssistantFilesTools(
            client=upstream.client, codec=CursorCodec(SECRET), upstream_label=upstream.label
        )
        async with Client(build_server(tools)) as mcp:
            result = await mcp.call_tool(
                "get_assistant_file", {"assistant_id": "asst_x", "file_id": "file-x"}
            )
        assert result.is_error
        assert "the embedded local backend" in text_of(result)
        assert "private-folder-name" not in text_of(result) and str(tmp_path) not in text_of(result)
        assert "private-folder-name" in upstream.location  # the operator's start-up line still says where
    finally:
        await upstream.aclose()


# -- the CLI's own output ------------------------------------------------------------------------


def test_control_characters_in_file_names_are_escaped_in_cli_output(tmp_path: Path) -> None:
    from mcp_assistant_files.backend import Store

    db = tmp_path / "db.sqlite3"
    hostile = "report\x1b[2J\x1b[H.pdf\nfile-FORGED\t999\tassistants\tinnocent.txt\u2028"
    with Store.open(db) as store:
        store.create_file(hostile, b"x", "assistants")
    done = run("files", "list", "--db", str(db))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1, "a newline in a name cannot forge a row"
    assert "\x1b" not in done.stdout and "\u2028" not in done.stdout
    assert lines[0].endswith(
        "report\\x1b[2J\\x1b[H.pdf\\nfile-FORGED\\t999\\tassistants\\tinnocent.txt\\u2028"
    )
    assert lines[0].count("\t") == 3
