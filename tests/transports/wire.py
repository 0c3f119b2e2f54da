"""MCP over HTTP by hand: the bytes a client sends, for tests that must act below any SDK client
(open a call and hang up, trickle headers, send a preflight)."""

from __future__ import annotations

from anyio.abc import SocketStream

__all__ = ["read_head"]


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
