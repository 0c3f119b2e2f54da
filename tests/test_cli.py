"""The command line: the demo, the local data commands, and refusals with a clear reason."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mcp_assistant_files.backend import open_store

CLI = [sys.executable, "-m", "mcp_assistant_files"]


def run(*args: str, db: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    if db is not None:
        env["MCP_ASSISTANT_FILES_DB"] = str(db)
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, check=check, timeout=60)


@pytest.mark.slow
def test_demo_plays_a_whole_session_and_exits_zero() -> None:
    out = run("demo")
    assert out.returncode == 0
    text = out.stdout
    assert "Every one of the 45 files seen exactly once, in 3 pages." in text
    assert "… progress" in text and ": completed" in text, "attach waited with progress notifications"
    assert "could not be processed (unsupported_file:" in text
    assert "Every one of the 46 processed files seen exactly once." in text
    assert "The same files as the previous page." in text
    assert re.search(r"✓ File file-\w+ is attached to assistant asst_\w+;", text)
    assert "✓ Detached file" in text
    assert "✗ refused invalid cursor" in text
    assert text.rstrip().endswith("no key and no network needed.")


def test_demo_refuses_a_bad_page_size() -> None:
    out = run("demo", "--limit", "0", check=False)
    assert out.returncode == 2
    assert "--limit" in out.stderr


def test_data_commands_create_upload_attach_and_list(tmp_path: Path) -> None:
    db = tmp_path / "data.sqlite3"
    assistant_id = run("assistants", "create", "--name", "Docs", db=db).stdout.strip()
    assert assistant_id.startswith("asst_")
    notes = tmp_path / "notes.md"
    notes.write_text("# notes\n")
    report = tmp_path / "report.txt"
    report.write_text("report")
    uploaded = run(
        "files", "upload", str(notes), str(report), "--attach", assistant_id, db=db
    ).stdout.splitlines()
    assert [line.split("\t")[1] for line in uploaded] == ["notes.md", "report.txt"]
    assert all(line.startswith("file-") for line in uploaded)
    listed = run("assistants", "list", db=db).stdout
    assert f"{assistant_id}\tDocs\t2 file(s)" in listed
    files = run("files", "list", "--db", str(db)).stdout
    assert "notes.md" in files
    assert "\tassistants\t" in files


def test_uploading_a_missing_file_or_to_an_unknown_assistant_says_why(tmp_path: Path) -> None:
    db = tmp_path / "data.sqlite3"
    missing = run("files", "upload", str(tmp_path / "nope.txt"), db=db, check=False)
    assert missing.returncode == 2
    assert "not a file" in missing.stderr
    real = tmp_path / "a.txt"
    real.write_text("a")
    unknown = run("files", "upload", str(real), "--attach", "asst_missing", db=db, check=False)
    assert unknown.returncode == 2
    assert "asst_missing" in unknown.stderr


def test_serve_refuses_an_unknown_tool_name() -> None:
    out = run("serve", "--tools", "list_assistant_files,bogus", check=False)
    assert out.returncode == 2
    assert "--tools: unknown name(s) bogus" in out.stderr


def test_serve_refuses_a_public_bind_without_a_token() -> None:
    out = run("serve", "--transport", "streamable-http", "--host", "0.0.0.0", check=False)
    assert out.returncode == 2
    assert "MCP_ASSISTANT_FILES_AUTH_TOKEN" in out.stderr
    assert "--insecure-no-auth" in out.stderr


def test_options_before_the_command_mean_serve() -> None:
    out = run("--read-only", "--tools", "detach_assistant_file", check=False)
    assert out.returncode == 2
    assert "leave no tool" in out.stderr


@pytest.mark.slow
def test_demo_takes_the_number_of_files_and_the_page_size() -> None:
    out = run("demo", "--files", "7", "--limit", "3")
    assert "Every one of the 7 files seen exactly once, in 3 pages." in out.stdout


def test_assistants_create_records_the_model(tmp_path: Path) -> None:
    from mcp_assistant_files.backend import Store

    db = tmp_path / "data.sqlite3"
    assistant_id = run("assistants", "create", "--model", "gpt-4o-mini", db=db).stdout.strip()
    with Store.open(db) as store:
        assert store.get_assistant(assistant_id)["model"] == "gpt-4o-mini"


@pytest.mark.slow
def test_the_standalone_backend_requires_its_api_key(tmp_path: Path) -> None:
    import socket
    import time

    import httpx2

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    args = [
        "backend",
        "--port",
        str(port),
        "--db",
        str(tmp_path / "b.sqlite3"),
        "--api-key",
        "sk-backend-key",
    ]
    proc = subprocess.Popen([*CLI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                time.sleep(0.05)
        beta = {"OpenAI-Beta": "assistants=v1"}
        assert httpx2.get(f"{base}/v1/assistants", headers=beta).status_code == 401
        good = {**beta, "Authorization": "Bearer sk-backend-key"}
        assert httpx2.get(f"{base}/v1/assistants", headers=good).status_code == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert b"sk-backend-key" not in err


def test_vector_store_commands_create_ingest_and_list(tmp_path: Path) -> None:
    db = tmp_path / "data.sqlite3"
    notes, blob = tmp_path / "notes.md", tmp_path / "blob.bin"
    notes.write_text("# notes\nsome text\n")
    blob.write_bytes(bytes(range(256)))
    empty_id = run("vector-stores", "create", "--name", "Empty", db=db).stdout.strip()
    assert empty_id.startswith("vs_")
    uploaded = run("files", "upload", str(notes), str(blob), "--vector-store", empty_id, db=db).stdout
    notes_id, blob_id = (line.split("\t")[0] for line in uploaded.splitlines())
    kb_id = run(
        "vector-stores", "create", "--name", "KB", "--file", notes_id, "--file", blob_id, db=db
    ).stdout.strip()
    listed = run("vector-stores", "list", "--db", str(db)).stdout.splitlines()
    assert listed == [
        f"{empty_id}\tEmpty\tcompleted\t2 file(s) (1 completed, 1 failed)",
        f"{kb_id}\tKB\tcompleted\t2 file(s) (1 completed, 1 failed)",
    ]
    unknown = run("files", "upload", str(notes), "--vector-store", "vs_missing", db=db, check=False)
    assert unknown.returncode == 2 and "vs_missing" in unknown.stderr
    missing_file = run("vector-stores", "create", "--file", "file-missing", db=db, check=False)
    assert missing_file.returncode == 2 and "file-missing" in missing_file.stderr


def test_backend_refuses_a_poll_interval_below_a_millisecond() -> None:
    out = run("backend", "--ingestion-poll-ms", "0", check=False)
    assert out.returncode == 2
    assert "--ingestion-poll-ms" in out.stderr


@pytest.mark.slow
def test_the_standalone_backend_ingests_files_other_processes_attach(tmp_path: Path) -> None:
    import socket
    import time

    import httpx2

    from mcp_assistant_files.backend import Store
    from mcp_assistant_files.backend.vector_store_validation import FileAttach

    db = tmp_path / "polled.sqlite3"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    args = ["backend", "--port", str(port), "--db", str(db), "--ingestion-poll-ms", "20"]
    proc = subprocess.Popen([*CLI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}/v1"
        for _ in range(400):
            try:
                if httpx2.get(f"{base.removesuffix('/v1')}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                time.sleep(0.05)
        with Store.open(db) as other_process:  # its attach cannot wake the server's worker
            vector_store_id = other_process.create_vector_store("polled")["id"]
            file_id = other_process.create_file("a.txt", b"polled text", "assistants")["id"]
            other_process.attach_vector_store_file(vector_store_id, FileAttach(file_id))
        url = f"{base}/vector_stores/{vector_store_id}/files/{file_id}"
        for _ in range(1200):
            if httpx2.get(url).json()["status"] != "in_progress":
                break
            time.sleep(0.05)
        assert httpx2.get(url).json()["status"] == "completed"
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_serve_refuses_an_unknown_toolset_and_a_missing_upload_folder(tmp_path: Path) -> None:
    out = run("serve", "--toolsets", "vector-store-files,assistants", check=False)
    assert out.returncode == 2
    assert (
        "--toolsets: unknown name(s) assistants; choose from assistant-files, vector-store-files, files"
        in out.stderr
    )
    out = run("serve", "--upload-root", str(tmp_path / "nope"), check=False)
    assert out.returncode == 2
    assert "--upload-root" in out.stderr and "not a folder" in out.stderr


async def _tools_over_stdio(args: list[str], env: dict[str, str]) -> set[str]:
    from mcp import Client, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(command=sys.executable, args=["-m", "mcp_assistant_files", *args], env=env)
    async with Client(stdio_client(params)) as client:
        return {tool.name for tool in (await client.list_tools()).tools}


@pytest.mark.slow
def test_toolsets_read_only_and_upload_root_choose_the_tools(tmp_path: Path) -> None:
    import anyio

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    db = ["--db", str(tmp_path / "db.sqlite3")]
    vector = anyio.run(_tools_over_stdio, ["serve", "--toolsets", "vector-store-files", *db], env)
    assert vector == {
        "list_vector_stores",
        "list_vector_store_files",
        "get_vector_store_file",
        "attach_vector_store_file",
        "update_vector_store_file_attributes",
        "detach_vector_store_file",
    }
    files = anyio.run(
        _tools_over_stdio, ["serve", "--toolsets", "files", "--upload-root", str(tmp_path), *db], env
    )
    assert files == {"list_files", "upload_file"}
    reading = anyio.run(
        _tools_over_stdio, ["serve", "--read-only", "--toolsets", "files,vector-store-files", *db], env
    )
    assert reading == {"list_vector_stores", "list_vector_store_files", "get_vector_store_file", "list_files"}


SERVING_GC = """
import gc, json, sys
import anyio

seen = {}

def run(*args, **kwargs):  # where the server would start serving
    seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())

anyio.run = run
from mcp_assistant_files.cli import main
sys.argv = ["mcp-assistant-files", *sys.argv[1:]]
code = main()
print(json.dumps({**seen, "code": code, "after": gc.isenabled()}))
"""


def test_a_server_collects_garbage_as_usual_once_started_with_its_start_up_objects_frozen() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    done = subprocess.run(
        [sys.executable, "-c", SERVING_GC, "serve", "--db", ":memory:"],
        capture_output=True, text=True, env=env, check=True, timeout=60,
    )  # fmt: skip
    seen = json.loads(done.stdout)
    # Start-up ran without the collector (mcp_assistant_files.cli.startup): what it made is frozen.
    assert seen["enabled"] is True and seen["after"] is True and seen["code"] == 0
    assert seen["frozen"] > 50_000


@pytest.mark.parametrize("collecting", [True, False], ids=["collector-on", "collector-off"])
def test_main_called_with_arguments_leaves_the_garbage_collector_alone(collecting: bool) -> None:
    from mcp_assistant_files.cli import main

    frozen = gc.get_freeze_count()
    if not collecting:
        gc.disable()
    try:
        with pytest.raises(SystemExit):
            main(["--version"])
        assert gc.isenabled() is collecting and gc.get_freeze_count() == frozen
    finally:
        gc.enable()


def test_data_listings_page_through_everything(tmp_path: Path) -> None:
    db = tmp_path / "data.sqlite3"
    with open_store(str(db), max_files_per_assistant=0) as store:
        assistants = [store.create_assistant(name=f"a{n}")["id"] for n in range(230)]
        files = [store.create_file(f"f{n}.txt", b"x", "assistants")["id"] for n in range(230)]
        stores = [store.create_vector_store(f"s{n}")["id"] for n in range(230)]
    for command, created in (("assistants", assistants), ("files", files), ("vector-stores", stores)):
        listed = [line.split("\t")[0] for line in run(command, "list", db=db).stdout.splitlines()]
        assert listed == created, command


@pytest.mark.parametrize("command", ["assistants", "files", "vector-stores"])
def test_a_data_listing_into_a_closed_pipe_ends_quietly(tmp_path: Path, command: str) -> None:
    db = tmp_path / "data.sqlite3"
    with open_store(str(db), max_files_per_assistant=0) as store:
        store.create_assistant(name="a")
        store.create_file("f.txt", b"x", "assistants")
        store.create_vector_store("s")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    child = subprocess.Popen(
        [*CLI, command, "list", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before the command writes its first line (like `| head -0`)
    stderr = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=60) == 141 and stderr == b""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--allow-assistant", "../x"], "--allow-assistant '../x' is not an id the tools accept"),
        (["--allow-vector-store", "vs 1"], "--allow-vector-store 'vs 1' is not an id the tools accept"),
        (["--db", ""], "--db is empty: give a SQLite file, :memory: or a postgresql:// URL"),
        (["--tools", ""], "--tools is empty: give comma-separated names from list_assistant_files"),
        (["--tools", ","], "--tools is empty: give comma-separated names from list_assistant_files"),
        (["--toolsets", ""], "--toolsets is empty: give comma-separated names from assistant-files"),
    ],
)
def test_serve_refuses_an_empty_value_or_an_id_no_tool_accepts_in_one_line(
    args: list[str], expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    # stdin at its end: a server that did start would stop at once instead of waiting for a client.
    out = subprocess.run(
        [*CLI, "serve", *args], input="", capture_output=True, text=True, env=env, check=False, timeout=60
    )
    assert out.returncode == 2
    assert out.stderr.startswith(f"mcp-assistant-files: error: {expected}") and out.stderr.count("\n") == 1


def test_data_commands_refuse_an_empty_db() -> None:
    out = run("files", "list", "--db", "", check=False)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "--db is empty" in out.stderr


def test_a_start_up_refusal_after_the_port_is_bound_leaves_no_socket_open() -> None:
    # filterwarnings = error: a socket left for the garbage collector is a ResourceWarning, so a failure.
    from mcp_assistant_files.cli import main

    args = ["serve", "--transport", "streamable-http", "--port", "0", "--base-url", "ftp://example.com/v1"]
    assert main(args) == 2
    gc.collect()
