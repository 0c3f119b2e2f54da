"""The standalone backend on a network: which Host and Origin it answers, and its connection bounds.

``mcp-assistant-files backend`` answers only its allowlist's hosts and origins (a web page must
not write into it, nor read it through DNS rebinding), gives a connection a deadline for its
request headers, bounds the connections open at once, and refuses a non-loopback bind without
an API key. Each test runs the real command on loopback.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from .test_standalone import free_port, wait_until_healthy

pytestmark = pytest.mark.slow

HANG_GUARD = 30.0  # seconds: only so a broken build fails instead of hanging; never a timing claim
BETA = {"OpenAI-Beta": "assistants=v2"}


@dataclass
class Backend:
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def raw(self, request: bytes) -> bytes:
        """Send ``request`` on a fresh connection; everything the backend writes until it closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=HANG_GUARD) as sock:
            sock.sendall(request)
            return _until_closed(sock)


def _until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


@contextmanager
def started(tmp_path: Path, *flags: str) -> Iterator[Backend]:
    """``mcp-assistant-files backend`` with ``flags`` on a free loopback port, once it is ready."""
    port = free_port()
    command = [
        sys.executable, "-m", "mcp_assistant_files", "backend", "--port", str(port),
        "--db", str(tmp_path / "backend.sqlite3"), *flags,
    ]  # fmt: skip
    proc = subprocess.Popen(command, stderr=subprocess.PIPE)
    served = Backend(port, proc)
    try:
        with httpx2.Client(base_url=served.url) as http:
            wait_until_healthy(http, proc, seconds=HANG_GUARD)
        yield served
    finally:
        proc.terminate()
        proc.wait(timeout=HANG_GUARD)
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    flags = ("--allowed-host", "extra.test", "--allowed-origin", "https://app.test", "--max-connections", "3")
    with started(tmp_path, *flags) as served:
        yield served


def test_a_request_naming_a_foreign_host_gets_421_in_the_error_envelope(backend: Backend) -> None:
    with httpx2.Client(base_url=backend.url) as http:
        refused = http.get("/v1/vector_stores", headers={"Host": "rebind.evil.example"})
        assert refused.status_code == 421
        message = refused.json()["error"]["message"]
        assert "rebind.evil.example" in message and "--allowed-host" in message
        for host in (f"127.0.0.1:{backend.port}", f"localhost:{backend.port}", "extra.test"):
            assert http.get("/v1/vector_stores", headers={"Host": host}).status_code == 200, host
        # Probes name the pod's address: readiness is exempt.
        assert http.get("/healthz", headers={"Host": "10.1.2.3:8765"}).status_code == 200


def test_a_page_on_a_foreign_origin_can_neither_write_nor_read(backend: Backend) -> None:
    evil = {"Origin": "http://evil.example", "Content-Type": "text/plain"}
    with httpx2.Client(base_url=backend.url) as http:
        written = http.post("/v1/vector_stores", content=b'{"name": "pwned"}', headers=evil)
        assert written.status_code == 403
        assert "--allowed-origin" in written.json()["error"]["message"]
        uploaded = http.post(
            "/v1/files",
            files={"file": ("a.txt", b"hello")},
            data={"purpose": "assistants"},
            headers={"Origin": "http://evil.example"},
        )
        assert uploaded.status_code == 403
        assert http.get("/v1/vector_stores", headers={"Origin": "null"}).status_code == 403
        assert http.get("/v1/vector_stores").json()["data"] == []
        assert http.get("/v1/files").json()["data"] == []


def test_an_allowed_origin_gets_cors_for_the_openai_headers(backend: Backend) -> None:
    origin = {"Origin": "https://app.test"}
    with httpx2.Client(base_url=backend.url) as http:
        preflight = http.options(
            "/v1/vector_stores",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, openai-beta, x-stainless-os",
            },
        )
        assert preflight.status_code == 204
        allowed = preflight.headers["access-control-allow-headers"].lower()
        assert {"authorization", "content-type", "openai-beta", "x-stainless-os"} <= {
            h.strip() for h in allowed.split(",")
        }
        created = http.post("/v1/vector_stores", json={"name": "from the app"}, headers={**origin, **BETA})
        assert created.status_code == 200
        assert created.headers["access-control-allow-origin"] == "https://app.test"
        assert "x-request-id" in created.headers["access-control-expose-headers"]


def test_headers_that_take_too_long_get_408_and_the_connection_closes(tmp_path: Path) -> None:
    with started(tmp_path, "--header-timeout", "1") as served:
        answer = served.raw(f"GET /v1/files HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_connections_beyond_max_connections_get_503_at_once(backend: Backend) -> None:
    held = []
    try:
        for _ in range(3):  # open, their requests not sent yet (the header deadline is 30 s)
            held.append(socket.create_connection(("127.0.0.1", backend.port), timeout=HANG_GUARD))
        answer = backend.raw(b"")  # nothing sent: the refusal is written on accepting it
        assert answer.startswith(b"HTTP/1.1 503 ")
    finally:
        for sock in held:
            sock.close()


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])  # refused before any bind: never bound
def test_a_non_loopback_bind_without_an_api_key_is_refused_in_one_line(host: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mcp_assistant_files",
            "backend",
            "--host",
            host,
            "--db",
            str(tmp_path / "b.db"),
        ],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert f"binding {host} exposes the backend" in line and "--insecure-no-auth" in line
    assert not (tmp_path / "b.db").exists()


def test_the_refusal_envelope_is_openai_shaped(backend: Backend) -> None:
    answer = backend.raw(b"GET /v1/files HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 421 ") and b"x-request-id" in head.lower()
    error = json.loads(body)["error"]
    assert error["type"] == "invalid_request_error" and set(error) == {"message", "type", "param", "code"}
