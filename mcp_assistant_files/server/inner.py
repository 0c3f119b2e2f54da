"""Requests the server makes to itself: ending an idle session, cancelling an abandoned call.

They go through the same ASGI app a client's request takes, after the checks that client's
request already passed (Host, Origin, token), so the SDK handles them as it would the client's
own ``DELETE`` or ``notifications/cancelled``: its public behaviour, not its internals. With
OAuth they carry the principal (``user``, ``auth``) of the client they act for, since the SDK
serves a session only to the principal that opened it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Scope

__all__ = ["INNER_TIMEOUT", "request_itself"]

INNER_TIMEOUT = 10.0  # seconds; the SDK answers these at once, this only bounds a stuck one


async def request_itself(
    app: ASGIApp,
    like: Scope,
    method: str,
    headers: dict[str, str],
    body: object = None,
    *,
    acting_for: Mapping[str, Any] | None = None,
) -> int | None:
    """Send ``method`` with ``headers`` (and ``body`` as JSON) to ``app`` at ``like``'s path; its status.

    ``like`` is the client request that led to this one: its server, Host, protocol version and
    principal are reused, the principal unless ``acting_for`` gives another client's (the scope's
    ``user`` and ``auth``). ``None`` if no answer came within :data:`INNER_TIMEOUT`.
    """
    payload = b"" if body is None else json.dumps(body).encode()
    ours = {name.lower() for name in headers}
    kept = [
        (k, v)
        for k, v in like["headers"]
        if k in (b"host", b"mcp-protocol-version") and k.decode() not in ours
    ]
    scope = {
        **like,
        "method": method,
        "query_string": b"",
        "headers": [*kept, *((k.lower().encode(), v.encode()) for k, v in headers.items())],
        "state": {},
        **(acting_for or {}),
    }
    if body is not None:
        scope["headers"].append((b"content-length", str(len(payload)).encode()))
    sent = False
    status: int | None = None

    async def receive() -> Message:
        nonlocal sent
        if sent:  # nobody waits for an answer to these
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": payload, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    with anyio.move_on_after(INNER_TIMEOUT):
        await app(scope, receive, send)
    return status
