"""Units of the HTTP layer and logging: the Host/Origin allowlist, the bearer check, redacted tracebacks."""

from __future__ import annotations

import io
import json
import logging
import socket

import anyio
import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from mcp_assistant_files.logs import RedactingFilter
from mcp_assistant_files.server.disconnect import CancelOnDisconnect
from mcp_assistant_files.server.http import HttpOptions, require_bearer_token, security_settings
from mcp_assistant_files.service.cursor_secret import secret_from_file
from mcp_assistant_files.service.messages import printable
from mcp_assistant_files.web.guard import Allowlist
from mcp_assistant_files.web.serving import listen


@pytest.mark.parametrize(
    ("allowed", "expected"),
    [
        ("myhost.test", ["myhost.test", "myhost.test:*"]),
        ("myhost.test:8443", ["myhost.test:8443"]),
        ("[2001:db8::1]", ["[2001:db8::1]", "[2001:db8::1]:*"]),
        ("[2001:db8::1]:8000", ["[2001:db8::1]:8000"]),
    ],
)
def test_allowed_hosts_without_a_port_accept_any_port(allowed: str, expected: list[str]) -> None:
    hosts = security_settings(HttpOptions(allowed_hosts=[allowed])).allowed_hosts
    assert hosts[-len(expected) :] == expected


def test_binding_a_named_host_allows_it_and_loopback() -> None:
    settings = security_settings(HttpOptions(host="10.1.2.3"))
    assert {"127.0.0.1:*", "localhost:*", "10.1.2.3", "10.1.2.3:*"} <= set(settings.allowed_hosts)


def test_a_loopback_address_bound_is_answered_by_its_own_name() -> None:
    allowlist = Allowlist.build("127.0.0.2")
    assert allowlist.allows_host("127.0.0.2:8765") and allowlist.allows_host("127.0.0.1:8765")
    assert allowlist.allows_origin("http://127.0.0.2:3000") and not allowlist.allows_origin(
        "https://127.0.0.2"
    )


def test_an_allowed_host_with_any_port_spelled_star_matches_every_port() -> None:
    allowlist = Allowlist.build("127.0.0.1", hosts=["app.test:*"])
    assert allowlist.allows_host("app.test:8000") and allowlist.allows_host("app.test")
    assert not allowlist.allows_host("other.test:8000")


def test_an_ipv6_host_with_anything_after_its_bracket_but_a_port_is_refused() -> None:
    allowlist = Allowlist.build("127.0.0.1")
    assert allowlist.allows_host("[::1]:8000") and allowlist.allows_host("[::1]")
    assert not allowlist.allows_host("[::1]evil.com") and not allowlist.allows_host("[::1]evil.com:80")
    assert not allowlist.allows_origin("http://[::1]evil.com")


def test_listen_binds_every_address_of_a_name_on_one_port() -> None:
    listeners = listen("localhost", 0)
    try:
        found = {a[4][0] for a in socket.getaddrinfo("localhost", 0, type=socket.SOCK_STREAM)}
        assert {sock.getsockname()[0] for sock in listeners} == found
        assert len({sock.getsockname()[1] for sock in listeners}) == 1
    finally:
        for sock in listeners:
            sock.close()


def test_printable_escapes_what_would_read_otherwise_than_stored() -> None:
    name = "a\nb\\n\x1b[2J\u202etxt\u200b\ufeff\u061c é 日本"
    assert printable(name) == "a\\nb\\\\n\\x1b[2J\\u202etxt\\u200b\\ufeff\\u061c é 日本"


async def _ok(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("Bearer tok-123", 200),
        ("bearer tok-123", 200),
        ("BEARER tok-123", 200),
        ("Bearer tok-12", 401),
        ("Basic tok-123", 401),
        ("tok-123", 401),
        (None, 401),
    ],
)
async def test_the_bearer_check_ignores_the_schemes_case_only(header: str | None, status: int) -> None:
    app = Starlette(routes=[Route("/mcp", _ok), Route("/healthz", _ok)])
    require_bearer_token(app, "tok-123")
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as http:
        response = await http.get("/mcp", headers={"Authorization": header} if header else {})
        assert response.status_code == status
        assert (await http.get("/healthz")).status_code == 200


def test_tracebacks_in_logs_are_redacted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(["sk-SECRET"]))
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError("Illegal header value b'Bearer sk-SECRET'")
        except RuntimeError:
            log.exception("upstream failed")
    finally:
        log.removeHandler(handler)
    assert "sk-SECRET" not in stream.getvalue()
    assert "<redacted>" in stream.getvalue()
    assert "RuntimeError" in stream.getvalue()


def test_a_damaged_secret_file_is_an_os_error_saying_to_delete_it(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "cursor-secret"
    path.write_bytes(b"\xff\xfe" * 40)
    with pytest.raises(OSError, match="delete it"):
        secret_from_file(path)


def test_allowed_origins_are_added_to_the_loopback_ones() -> None:
    origins = security_settings(HttpOptions(allowed_origins=["https://app.example.com"])).allowed_origins
    assert "https://app.example.com" in origins
    assert "http://127.0.0.1:*" in origins


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("[::1]", True),
        ("LocalHost:8000", True),
        ("[::1]:8000", True),
        ("myhost.test", True),
        ("myhost.test:443", True),
        ("pinned.test:8443", True),
        ("pinned.test:8000", False),
        ("pinned.test", False),
        ("localhost.evil.example", False),
        ("localhost:80@evil.example", False),
        ("evil.example", False),
        ("", False),
    ],
)
def test_the_host_allowlist_takes_loopback_and_named_hosts_with_or_without_a_port(
    host: str, allowed: bool
) -> None:
    allowlist = Allowlist.build("127.0.0.1", hosts=["myhost.test", "pinned.test:8443"])
    assert allowlist.allows_host(host) is allowed


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost", True),
        ("http://localhost:5173", True),
        ("http://[::1]:3000", True),
        ("https://app.example.com", True),
        ("https://app.example.com:8443", False),
        ("https://any-port.example.com:9000", True),
        ("http://localhost.evil.example", False),
        ("http://localhost:5173.evil.example", False),
        ("null", False),
        ("https://evil.example", False),
    ],
)
def test_the_origin_allowlist_takes_loopback_and_configured_origins(origin: str, allowed: bool) -> None:
    allowlist = Allowlist.build(
        "127.0.0.1", origins=["https://app.example.com", "https://any-port.example.com:*"]
    )
    assert allowlist.allows_origin(origin) is allowed


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "cancelled"),
    [
        (b'{"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "list_files"}}', 5),
        (b"[" * 20000 + b"]" * 20000, None),
    ],
)
async def test_a_hang_up_cancels_the_call_in_its_session_and_a_body_too_deep_to_read_cancels_nothing(
    body: bytes, cancelled: int | None
) -> None:
    received: list[bytes] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        """Read the body, then wait for the client to hang up (as a call answered later does)."""
        message = await receive()
        received.append(message.get("body", b""))
        await receive()

    incoming: list[Message] = [
        {"type": "http.request", "body": body, "more_body": False},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        if not incoming:
            await anyio.sleep_forever()
        return incoming.pop(0)

    async def send(message: Message) -> None:
        raise AssertionError("nothing is answered to a client that hung up")

    scope: Scope = {"type": "http", "path": "/mcp", "method": "POST", "headers": [(b"mcp-session-id", b"s1")]}
    with anyio.fail_after(10):  # a hang guard
        await CancelOnDisconnect(app, path="/mcp")(scope, receive, send)
    notifications = [json.loads(sent) for sent in received[1:]]
    assert received[0] == body
    assert [n["params"]["requestId"] for n in notifications] == ([cancelled] if cancelled is not None else [])
    assert all(n["method"] == "notifications/cancelled" for n in notifications)
