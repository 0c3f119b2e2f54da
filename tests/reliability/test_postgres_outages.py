"""Backends on PostgreSQL under ``kill -9``, a crash of PostgreSQL itself, and PostgreSQL down.

* Every attach two backend processes answered survives ``kill -9`` of both and an immediate
  (crash) restart of the server.
* While the server is down a backend answers 503 quickly (readiness and requests), never
  hangs, and serves again once it is back; its password appears in no answer and no log line.
"""

from __future__ import annotations

import secrets
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx2
import psycopg
import pytest

from mcp_assistant_files.backend import Store
from tests.stores import database, pg_ctl, postgres_url, server_control_reason

from .processes import attach_loop, free_port, running

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(server_control_reason() is not None, reason=str(server_control_reason())),
]

ACKS_WANTED = 150
DEADLINE = 30.0


def backend_args(url: str, port: int) -> list[str]:
    return [
        "backend",
        "--port",
        str(port),
        "--db",
        url,
        "--max-files-per-assistant",
        "0",
        "--log-level",
        "INFO",
    ]


def test_attaches_two_backends_answered_survive_kill_9_of_both_and_a_postgres_crash(tmp_path: Path) -> None:
    with database("postgres") as url:
        with Store.open(url, max_files_per_assistant=0) as store:
            assistant_id = store.create_assistant()["id"]
            files = [store.create_file(f"{n}.txt", b"x", "assistants")["id"] for n in range(1200)]
        ports = [free_port(), free_port()]
        answered: list[str] = []
        stop = threading.Event()
        with (
            running(
                backend_args(url, ports[0]),
                ready_url=f"http://127.0.0.1:{ports[0]}/healthz",
                log=tmp_path / "a.log",
            ) as first,
            running(
                backend_args(url, ports[1]),
                ready_url=f"http://127.0.0.1:{ports[1]}/healthz",
                log=tmp_path / "b.log",
            ) as second,
        ):
            threads = [
                threading.Thread(
                    target=attach_loop,
                    args=(f"http://127.0.0.1:{ports[i % 2]}/v1", assistant_id, files[i::4], answered, stop),
                    daemon=True,
                )
                for i in range(4)
            ]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + DEADLINE
            while len(answered) < ACKS_WANTED and time.monotonic() < deadline:
                time.sleep(0.01)
            for backend in (first, second):
                backend.send_signal(signal.SIGKILL)
                backend.wait(timeout=10)
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
        assert ACKS_WANTED <= len(answered) < len(files), "killed in the middle of the writes"
        pg_ctl("restart immediate")
        with Store.open(url, max_files_per_assistant=0) as store:
            live = set(store.get_assistant(assistant_id)["file_ids"])
    assert [file_id for file_id in answered if file_id not in live] == []
    print(f"\nkill -9 of both backends + PostgreSQL crash: {len(answered)} answered attaches, all present")  # noqa: T201


@contextmanager
def own_role(url: str) -> Iterator[str]:
    """``url`` as a new role with a long random password (dropped after): a secret worth hunting."""
    role, password = "r_" + secrets.token_hex(5), "pw-" + secrets.token_hex(16)
    search_path = urlsplit(url).query.rsplit("%3D", 1)[-1]
    admin = postgres_url()
    assert admin is not None
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'".encode())
        conn.execute(f"GRANT USAGE, CREATE ON SCHEMA {search_path} TO {role}".encode())
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    try:
        yield urlunsplit((parts.scheme, f"{role}:{password}@{host}", parts.path, parts.query, ""))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role} CASCADE".encode())
            conn.execute(f"DROP ROLE {role}".encode())


def wait_for(url: str, status: int, seconds: float) -> httpx2.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = httpx2.get(url, timeout=15.0)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_a_backend_answers_503_while_postgres_is_down_then_serves_again(tmp_path: Path) -> None:
    with database("postgres") as schema_url, own_role(schema_url) as url:
        password = urlsplit(url).password
        assert password
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / "backend.log"
        with running(backend_args(url, port), ready_url=f"{base}/healthz", log=log):
            created = httpx2.post(
                f"{base}/v1/assistants", json={}, headers={"OpenAI-Beta": "assistants=v1"}
            ).json()
            files = f"{base}/v1/assistants/{created['id']}/files"
            beta = {"OpenAI-Beta": "assistants=v1"}
            pg_ctl("stop")
            try:
                health = wait_for(f"{base}/healthz", 503, 20.0)
                # A hang would end in httpx2's ReadTimeout here: answered is what is asserted.
                listing = httpx2.get(files, headers=beta, timeout=30.0)
            finally:
                pg_ctl("start")
            assert health.status_code == 503 and health.json()["status"] == "unavailable"
            assert listing.status_code == 503, listing.text
            assert listing.json()["error"]["type"] == "server_error"
            assert "unavailable" in listing.json()["error"]["message"]
            assert wait_for(f"{base}/healthz", 200, 30.0).status_code == 200
            assert httpx2.get(files, headers=beta).status_code == 200
            for response in (health, listing):
                assert password not in response.text
        text = log.read_text()
    assert password not in text
    assert f"{urlsplit(url).username}:***@" in text, "the start-up line shows the URL without the password"
