"""MCP over HTTP by hand: the bytes a client sends, for tests that must act below any SDK client
(open a call and hang up, trickle headers, send a preflight)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx2
from anyio.abc import SocketStream

from .serving import Served

__all__ = [
    "INITIALIZE",
    "LEGACY",
    "MCP_HEADERS",
    "MODERN",
    "call_body",
    "call_headers",
    "http_request",
    "open_session",
    "open_sse_session",
    "opened",
    "read_head",
]

LEGACY = "2025-11-25"
MODERN = "2026-07-28"
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": LEGACY,
        "capabilities": {},
        "clientInfo": {"name": "wire-test", "version": "0"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def call_body(request_id: int, tool: str, arguments: dict[str, Any], *, protocol: str) -> dict[str, Any]:
    """A ``tools/call`` request; the 2026 revision carries its envelope in ``_meta``."""
    params: dict[str, Any] = {"name": tool, "arguments": arguments}
    if protocol == MODERN:
        params["_meta"] = {
            "io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientCapabilities": {},
        }
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def call_headers(tool: str, *, protocol: str, session: str | None = None) -> dict[str, str]:
    """The headers of a ``tools/call`` POST at ``protocol`` (in ``session`` if any)."""
    headers = {**MCP_HEADERS, "MCP-Protocol-Version": protocol}
    if protocol == MODERN:
        headers |= {"Mcp-Method": "tools/call", "Mcp-Name": tool}
    if session:
        headers["Mcp-Session-Id"] = session
    return headers


def http_request(method: str, target: str, port: int, headers: dict[str, str], body: object = None) -> bytes:
    """One HTTP/1.1 request, ``body`` as JSON if given."""
    payload = b"" if body is None else json.dumps(body).encode()
    lines = [
        f"{method} {target} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    if body is not None:
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def read_head(stream: SocketStream) -> tuple[int, dict[str, str], bytes]:
    """Read a response's status line and headers: the status, the headers (lower-case), what followed."""
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        buffer += await stream.receive()
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split(" ", 2)[1]), headers, rest


async def open_sse_session(http: httpx2.AsyncClient, port: int) -> tuple[SocketStream, str]:
    """Open ``GET /sse`` on a raw connection and initialize its session; the stream and its POST path."""
    stream = await anyio.connect_tcp("127.0.0.1", port)
    await stream.send(http_request("GET", "/sse", port, {"Accept": "text/event-stream"}))
    status, _, rest = await read_head(stream)
    assert status == 200, status
    while b"data: /messages/" not in rest or b"\r\n" not in rest.split(b"data: ", 1)[1]:
        rest += await stream.receive()
    endpoint = rest.split(b"data: ", 1)[1].split(b"\r\n", 1)[0].decode()
    for message in (INITIALIZE, INITIALIZED):
        response = await http.post(f"http://127.0.0.1:{port}{endpoint}", headers=MCP_HEADERS, json=message)
        assert response.status_code == 202, response.text
    return stream, endpoint


async def open_session(http: httpx2.AsyncClient, port: int) -> str:
    """Initialize a stateful streamable-HTTP session; its id."""
    url = f"http://127.0.0.1:{port}/mcp"
    response = await http.post(url, headers=MCP_HEADERS, json=INITIALIZE)
    assert response.status_code == 200, response.text
    session = response.headers["mcp-session-id"]
    headers = {**MCP_HEADERS, "MCP-Protocol-Version": LEGACY, "Mcp-Session-Id": session}
    assert (await http.post(url, headers=headers, json=INITIALIZED)).status_code == 202
    return session


@asynccontextmanager
async def opened(served: Served, transport: str, headers: dict[str, str]) -> AsyncIterator[httpx2.Response]:
    """The response to the request that opens a session (its body is not read: SSE streams never end)."""
    async with httpx2.AsyncClient(timeout=5.0) as http:
        if transport == "sse":
            request = http.build_request("GET", f"{served.base}/sse", headers=headers)
        else:
            request = http.build_request(
                "POST",
                f"{served.base}/mcp",
                headers={**MCP_HEADERS, **headers},
                content=json.dumps(INITIALIZE),
            )
        response = await http.send(request, stream=True)
        try:
            yield response
        finally:
            await response.aclose()
