"""A backend's connections to PostgreSQL: killed ones are replaced, shutdown drains them, an
upload streams through them in bounded memory (a real process, its peak RSS read from /proc),
and the password may stay out of the URL (libpq's ``PGPASSWORD`` or password file).

Each backend runs with ``PGAPPNAME`` set to a fresh name, so ``pg_stat_activity`` tells its
connections from everyone else's (the test's own connections name themselves ``pytest``). Needs a reachable PostgreSQL (``$DATABASE_URL``), but never
stops or restarts it.
"""

from __future__ import annotations

import secrets
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx2
import psycopg
import pytest

from mcp_assistant_files.backend import Store
from tests.stores import KINDS, Kind, database, postgres_marks, postgres_url

from .processes import free_port, running
from .test_postgres_outages import own_role

pytestmark = pytest.mark.slow

BETA = {"OpenAI-Beta": "assistants=v1"}
WAIT = 30.0
MiB = 1024 * 1024


def backend_args(db: str, port: int) -> list[str]:
    return ["backend", "--port", str(port), "--db", db, "--max-files-per-assistant", "0"]


def sessions(app: str, *, waiting_for_a_lock: bool = False) -> int:
    """How many server sessions the backend named ``app`` holds (only those waiting for a lock)."""
    url = postgres_url()
    assert url is not None
    with psycopg.connect(url, autocommit=True, application_name="pytest") as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
            " AND (NOT %s OR wait_event_type = 'Lock')",
            (app, waiting_for_a_lock),
        ).fetchone()
    assert row is not None
    return int(row[0])


def until(condition: str, check: object) -> None:
    """Poll ``check()`` until it is true; fail saying ``condition`` after :data:`WAIT` seconds."""
    deadline = time.monotonic() + WAIT
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"still not {condition} after {WAIT:.0f} s"
        time.sleep(0.05)


@pytest.fixture
def app_name(monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh ``application_name`` for the backends this test starts (libpq reads ``PGAPPNAME``)."""
    name = "mcaf_" + secrets.token_hex(5)
    monkeypatch.setenv("PGAPPNAME", name)
    return name


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema (skipped, saying how to get a server, without one)."""
    for mark in postgres_marks():
        pytest.skip(str(mark.kwargs["reason"]))
    with database("postgres") as url:
        yield url


def test_connections_the_server_killed_are_replaced_and_requests_succeed(
    pg_url: str, app_name: str, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(backend_args(pg_url, port), ready_url=f"{base}/healthz", log=tmp_path / "b.log"):
        assistant = httpx2.post(f"{base}/v1/assistants", json={}, headers=BETA).json()["id"]
        files = f"{base}/v1/assistants/{assistant}/files"
        assert httpx2.get(files, headers=BETA).status_code == 200
        until("connected", lambda: sessions(app_name) >= 2)
        admin = postgres_url()
        assert admin is not None
        with psycopg.connect(admin, autocommit=True, application_name="pytest") as conn:
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                (app_name,),
            ).fetchone()
        assert killed is not None and killed[0] >= 2
        answers = [httpx2.get(files, headers=BETA, timeout=WAIT).status_code for _ in range(20)]
        assert answers == [200] * 20, "each dead connection was replaced, no request failed"
        assert httpx2.get(f"{base}/healthz").status_code == 200
        assert sessions(app_name) >= 1


def test_shutdown_finishes_the_request_in_flight_then_closes_every_connection(
    pg_url: str, app_name: str, tmp_path: Path
) -> None:
    with Store.open(pg_url) as store:
        assistant = store.create_assistant()["id"]
        file_id = store.create_file("a.txt", b"a", "assistants")["id"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    admin = postgres_url()
    assert admin is not None
    with (
        running(backend_args(pg_url, port), ready_url=f"{base}/healthz", log=tmp_path / "b.log") as backend,
        psycopg.connect(pg_url, application_name="pytest") as holder,
    ):
        # Hold the assistant's row: the attach below waits for it inside the backend.
        holder.execute("SELECT 1 FROM assistants WHERE id = %s FOR UPDATE", (assistant,))
        answer: list[httpx2.Response] = []
        attach = threading.Thread(
            target=lambda: answer.append(
                httpx2.post(
                    f"{base}/v1/assistants/{assistant}/files",
                    json={"file_id": file_id},
                    headers=BETA,
                    timeout=WAIT,
                )
            )
        )
        attach.start()
        until("waiting for the row lock", lambda: sessions(app_name, waiting_for_a_lock=True) == 1)
        backend.send_signal(signal.SIGTERM)
        until("refusing new connections", lambda: _refused(f"{base}/healthz"))
        assert backend.poll() is None, "the backend waits for the request in flight"
        holder.commit()
        attach.join(timeout=WAIT)
        # uvicorn re-raises the signal once it has shut down gracefully.
        assert backend.wait(timeout=WAIT) in (0, -signal.SIGTERM)
    assert [r.status_code for r in answer] == [200], [r.text for r in answer]
    until("disconnected", lambda: sessions(app_name) == 0)
    with Store.open(pg_url) as store:
        assert store.get_assistant(assistant)["file_ids"] == [file_id]


def _refused(url: str) -> bool:
    try:
        httpx2.get(url, timeout=1.0)
    except httpx2.TransportError:
        return True
    return False


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM for {pid}")


def _chunked_upload(size: int) -> Iterator[bytes]:
    boundary = "poolboundary"
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    piece = b"0123456789abcdef" * 4096
    for _ in range(size // len(piece)):
        yield piece
    yield f"\r\n--{boundary}--\r\n".encode()


@pytest.mark.parametrize("kind", KINDS)
def test_a_large_chunked_upload_does_not_grow_the_backend_process_by_its_size(
    kind: Kind, tmp_path: Path
) -> None:
    size = 96 * MiB
    with database(kind, tmp_path) as db:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with running(backend_args(db, port), ready_url=f"{base}/healthz", log=tmp_path / "b.log") as backend:
            # Warm every code path with a small upload, then reset the peak (clear_refs 5).
            headers = {"content-type": "multipart/form-data; boundary=poolboundary"}
            assert (
                httpx2.post(f"{base}/v1/files", content=_chunked_upload(MiB), headers=headers).status_code
                == 200
            )
            Path(f"/proc/{backend.pid}/clear_refs").write_text("5")
            before = _peak_rss_kib(backend.pid)
            response = httpx2.post(
                f"{base}/v1/files", content=_chunked_upload(size), headers=headers, timeout=120.0
            )
            grown = (_peak_rss_kib(backend.pid) - before) * 1024
        assert response.status_code == 200, response.text
        assert response.json()["bytes"] == size
        assert grown < size / 4, f"the backend's peak RSS grew by {grown / MiB:.1f} MiB for {size // MiB} MiB"


@pytest.mark.parametrize("source", ["PGPASSWORD", "PGPASSFILE"])
def test_the_password_may_come_from_the_environment_or_a_file_and_is_never_logged(
    pg_url: str, source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with own_role(pg_url) as with_password:
        parts = urlsplit(with_password)
        password, host = parts.password, parts.netloc.rpartition("@")[2]
        assert password and parts.username and parts.hostname and parts.port
        bare = urlunsplit((parts.scheme, f"{parts.username}@{host}", parts.path, parts.query, ""))
        if source == "PGPASSWORD":
            monkeypatch.setenv("PGPASSWORD", password)
        else:
            passfile = tmp_path / "pgpass"
            passfile.write_text(f"{parts.hostname}:{parts.port}:*:{parts.username}:{password}\n")
            passfile.chmod(0o600)
            monkeypatch.setenv("PGPASSFILE", str(passfile))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / "b.log"
        with running(
            [*backend_args(bare, port), "--log-level", "DEBUG"], ready_url=f"{base}/healthz", log=log
        ):
            created = httpx2.post(f"{base}/v1/assistants", json={}, headers=BETA)
            assert created.status_code == 200, created.text
        assert password not in log.read_text()
