"""On the 2026-07-28 path, a read that asks for no progress is answered with plain JSON.

On that path the SDK serves each ``POST`` by itself. Unless ``--json-response`` is given, it runs
the request in a task group, with a memory stream and a disconnect watcher, so that it can switch
the answer to an SSE stream when the handler sends a notification, or after 15 s to send pings
(which keep a proxy from cutting a long call). Our tools send notifications only for a request's
``progressToken``, and a read (a read-only tool, ``tools/list``, ``resources/read``, a
completion...) is one upstream request: the SDK answers those with JSON anyway, unless the
upstream takes more than 15 s.

So :class:`JsonForQuickReads` sends such a request to a second session manager of the same
server in JSON mode, which awaits the handler directly: 12 % less server CPU per call under 50
clients (``benchmarks/analysis.md``). Everything else keeps the SDK's endpoint as it was: a
request with a ``progressToken``, a tool that writes or may wait (``attach_vector_store_file``
waits up to 40 s for processing), ``subscriptions/listen``, a body that is not one JSON-RPC
request, a client that does not accept SSE (the SDK answers it 406), a body over the limit, and
every request of the 2025 revisions (``initialize`` handshake, sessions).

Both managers apply the same transport security, inside the same layers (``http.py``). The JSON
one is installed only for a server without a lifespan of its own, which it would enter a second
time.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.streamable_http import check_accept_headers
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["JsonForQuickReads", "quick_read"]

_VERSION_HEADER = b"mcp-protocol-version"


def quick_read(body: bytes, read_tools: Collection[str]) -> bool:
    """Whether ``body`` is one request for a read (a tool of ``read_tools`` or no tool) without ``progressToken``."""
    if b"progressToken" in body:  # also a token spelled with escapes, once decoded: see below
        return False
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return False
    if not isinstance(message, dict) or "id" not in message:
        return False
    method, params = message.get("method"), message.get("params")
    if not isinstance(method, str) or method == "subscriptions/listen":
        return False
    if isinstance(params, dict) and "progressToken" in (params.get("_meta") or {}):
        return False
    return method != "tools/call" or (isinstance(params, dict) and params.get("name") in read_tools)


def _per_request_path(scope: Scope) -> bool:
    """A ``POST`` the SDK serves on its 2026-07-28 path (by the protocol version header, as the SDK routes)."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    version = next((v for k, v in scope["headers"] if k == _VERSION_HEADER), None)
    return version is not None and version.decode("latin-1") not in HANDSHAKE_PROTOCOL_VERSIONS


def _declared_length(scope: Scope) -> int | None:
    raw = next((v for k, v in scope["headers"] if k == b"content-length"), None)
    return int(raw) if raw is not None and raw.isdigit() else None


class JsonForQuickReads:
    """The MCP endpoint: quick reads of the 2026-07-28 path go to a JSON-mode manager, the rest as before."""

    def __init__(
        self, streaming: StreamableHTTPASGIApp, server: Any, security: TransportSecuritySettings | None,
        *, read_tools: Collection[str],
    ) -> None:  # fmt: skip
        self.streaming: ASGIApp = streaming
        self.limit = streaming.session_manager.max_request_body_size
        self.read_tools = frozenset(read_tools)
        self.manager = StreamableHTTPSessionManager(
            app=server,
            json_response=True,
            stateless=True,
            security_settings=security,
            max_request_body_size=self.limit,
        )
        self.json: ASGIApp = StreamableHTTPASGIApp(self.manager)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """While serving: the JSON-mode manager's task group."""
        async with self.manager.run():
            yield

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _declared_length(scope)
        if (
            not _per_request_path(scope)
            or check_accept_headers(Request(scope)) != (True, True)
            or (declared is not None and declared > self.limit)
        ):
            await self.streaming(scope, receive, send)
            return
        body, replay = await _buffered(receive, self.limit)
        quick = body is not None and quick_read(body, self.read_tools)
        await (self.json if quick else self.streaming)(scope, replay, send)


async def _buffered(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The request body (``None`` past ``limit`` bytes, or after a hang-up), and a ``receive`` that replays it."""
    chunks: list[bytes] = []
    size = 0
    complete = True
    after: list[Message] = []  # a hang-up that came before the body's end
    while True:
        message = await receive()
        if message["type"] != "http.request":
            complete = False
            after.append(message)
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            break
        if size > limit:  # the rest is read by whoever answers (the SDK's limit: 413)
            complete = False
            break
    read = b"".join(chunks)
    pending: list[Message] = [{"type": "http.request", "body": read, "more_body": not complete}, *after]

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return (read if complete else None), replay
