"""The standalone entry point and the package's public names."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

import mcp_assistant_files.backend as backend
from mcp_assistant_files.backend import Store
from tests.stores import KINDS, Kind, database

RUN = """
import sys
from mcp_assistant_files.backend import run_backend
run_backend(port=int(sys.argv[1]), api_keys=["sk-standalone"], log_level="warning")
"""


def test_public_names_are_pinned() -> None:
    assert sorted(backend.__all__) == [
        "DB_ENV_VAR",
        "DatabaseUnavailable",
        "Ingestor",
        "InvalidRequest",
        "NotFound",
        "PayloadTooLarge",
        "Store",
        "StoreError",
        "create_app",
        "default_db_path",
        "open_store",
        "prepare_db_path",
        "run_backend",
    ]


def wait_until_healthy(http: httpx2.Client, proc: subprocess.Popen[bytes], *, seconds: float) -> None:
    """Poll ``/healthz`` on ``http`` until it answers 200; fail if ``proc`` dies or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if http.get("/healthz").status_code == 200:
                return
        except httpx2.TransportError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the backend did not start"
            time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_run_backend_serves_the_database_named_by_the_environment(kind: Kind, tmp_path: Path) -> None:
    with database(kind, tmp_path, name="nested/dir/backend.sqlite3") as db:
        serve_the_database_named_by_the_environment(db)
        if kind == "sqlite":
            assert Path(db).exists()
        else:
            with Store.open(db) as store:
                assert [a["name"] for a in store.list_assistants()["data"]] == ["standalone"]


def serve_the_database_named_by_the_environment(db: str) -> None:
    port = free_port()
    env = {**os.environ, "MCP_ASSISTANT_FILES_DB": db}
    proc = subprocess.Popen([sys.executable, "-c", RUN, str(port)], env=env, stderr=subprocess.PIPE)
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}") as http:
            wait_until_healthy(http, proc, seconds=20)
            headers = {"OpenAI-Beta": "assistants=v1", "Authorization": "Bearer sk-standalone"}
            created = http.post("/v1/assistants", json={"name": "standalone"}, headers=headers)
            assert created.status_code == 200
            assert http.get("/v1/assistants", headers={"OpenAI-Beta": "assistants=v1"}).status_code == 401
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert b"sk-standalone" not in stderr
