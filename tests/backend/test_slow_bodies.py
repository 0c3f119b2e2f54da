"""Request bodies have a minimum rate (``--min-body-rate`` bytes a second over each
``--header-timeout`` window), on the standalone backend as on ``serve``: a stalled or trickled
body gets 408 and its connection closes, whatever came before it on the connection (a pipelined
request) and after an early answer (a 401 before the body was read). The flag's value is the
one applied. Timeouts here are the server's configuration; the tests send far below or far
above the rate, so a slow machine only widens the margin."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx2
import pytest

from .test_network_guard import HANG_GUARD, started

pytestmark = pytest.mark.slow

UPLOAD_HEAD = (
    "POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    "Content-Type: multipart/form-data; boundary=B\r\nContent-Length: 10000000\r\n\r\n"
)


def received_until_closed(sock: socket.socket, piece: bytes = b"", every: float = 0.2) -> bytes:
    """Send ``piece`` every ``every`` seconds (nothing if empty) until the server closes; what it sent."""
    received = b""
    sock.settimeout(every)
    deadline = time.monotonic() + HANG_GUARD  # only so a broken build fails instead of hanging
    while time.monotonic() < deadline:
        try:
            if piece:
                sock.sendall(piece)
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:  # reset: the server closed with our bytes unread
            return received
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"the connection stayed open for {HANG_GUARD} s; received {received!r}")


def test_an_upload_whose_body_stalls_gets_408_and_the_connection_closes(tmp_path: Path) -> None:
    with started(tmp_path, "--header-timeout", "1") as served:  # 1,024 bytes a second, the default
        with socket.create_connection(("127.0.0.1", served.port), timeout=HANG_GUARD) as sock:
            sock.sendall(UPLOAD_HEAD.format(port=served.port).encode() + b"--B\r\n")
            answer = received_until_closed(sock)
        with httpx2.Client(base_url=served.url) as http:
            assert http.get("/v1/files").json()["data"] == []
    assert answer.startswith(b"HTTP/1.1 408 "), answer


def test_the_min_body_rate_flag_is_the_rate_applied(tmp_path: Path) -> None:
    """20 KB every 0.1 s (at most 200 KB/s) passes the default 1 KiB/s but not 1,000,000 bytes/s."""
    with (
        started(tmp_path, "--header-timeout", "1", "--min-body-rate", "1000000") as served,
        socket.create_connection(("127.0.0.1", served.port), timeout=HANG_GUARD) as sock,
    ):
        part = b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        sock.sendall(UPLOAD_HEAD.format(port=served.port).encode() + part)
        answer = received_until_closed(sock, piece=b"x" * 20_000, every=0.1)
    assert answer.startswith(b"HTTP/1.1 408 "), answer


def test_a_body_trickled_after_an_early_answer_does_not_hold_the_connection(tmp_path: Path) -> None:
    """A 401 answered before the body was read: the rest of the body must still keep the rate."""
    with (
        started(tmp_path, "--header-timeout", "1", "--api-key", "k-test") as served,
        socket.create_connection(("127.0.0.1", served.port), timeout=HANG_GUARD) as sock,
    ):
        sock.sendall(UPLOAD_HEAD.format(port=served.port).encode() + b"--B\r\n")
        answer = received_until_closed(sock, piece=b"x")
    assert answer.startswith(b"HTTP/1.1 401 "), answer


def test_a_connection_left_idle_after_an_early_answer_gets_the_header_deadline(tmp_path: Path) -> None:
    with (
        started(tmp_path, "--header-timeout", "1", "--api-key", "k-test") as served,
        socket.create_connection(("127.0.0.1", served.port), timeout=HANG_GUARD) as sock,
    ):
        head = "POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 10\r\n\r\n"
        sock.sendall(head.format(port=served.port).encode() + b"01234")
        first = sock.recv(65536)
        sock.sendall(b"56789")  # the body completes after its answer; then nothing more comes
        rest = received_until_closed(sock)
    assert first.startswith(b"HTTP/1.1 401 "), first
    assert b"HTTP/1.1 408 " in rest, rest


def test_a_pipelined_request_whose_body_stalls_gets_408(tmp_path: Path) -> None:
    with (
        started(tmp_path, "--header-timeout", "1") as served,
        socket.create_connection(("127.0.0.1", served.port), timeout=HANG_GUARD) as sock,
    ):
        first = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n\r\n".encode()
        second = UPLOAD_HEAD.format(port=served.port).encode() + b"--B\r\n"
        sock.sendall(first + second)  # one read: the POST is parsed when the GET's answer ends
        answer = received_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200 "), answer
    assert b"HTTP/1.1 408 " in answer, answer
