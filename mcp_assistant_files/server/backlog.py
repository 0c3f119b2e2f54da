"""SSE: a bound on the requests each session has in flight (posted, their answer not yet written).

On SSE a request is a ``POST /messages/?session_id=...``; the SDK answers it 202 at once and the
answer goes out later on the session's ``GET /sse`` stream, through zero-size buffers. A client
that posts but never reads its stream left every answer waiting in memory (about 100 kB for a
``tools/list``), and nothing bounded how many: 2,000 posts grew the process by 193 MiB.

:class:`SseBacklog` counts, per session, the requests (JSON-RPC messages with an ``id`` and a
``method``) posted and not yet answered, and answers one beyond :data:`MAX_SSE_REQUESTS_IN_FLIGHT`
with 429 and a JSON-RPC error saying to read the stream. A request's slot is released

- when its answer has been written to the stream's connection (uvicorn's ``send`` returns once
  its write buffer is below the high-water mark, so an unread stream holds the answer back);
- when the client cancels it (``notifications/cancelled``: the SDK then sends no answer);
- when the SDK refuses the ``POST`` (any status but 202: the request never reached the session);
- all at once when the stream ends (the SDK then ends the session and its calls).

Only the bodies of ``POST /messages/`` are read here (up to the SDK's own body limit, beyond
which the SDK answers 413), and the stream's events are parsed only while the session has a
request in flight.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

from mcp.server.transport_security import DEFAULT_MAX_REQUEST_BODY_SIZE
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .bounds import MAX_SSE_REQUESTS_IN_FLIGHT

__all__ = ["MAX_SSE_REQUESTS_IN_FLIGHT", "SseBacklog"]

logger = logging.getLogger("mcp_assistant_files.http")

SSE_PATH: Final = "/sse"
MESSAGES_PATH: Final = "/messages/"
REFUSAL: Final = (
    f"This session already has {MAX_SSE_REQUESTS_IN_FLIGHT} requests waiting for their answers on its "
    "GET /sse stream: read the stream (the answers are there) before sending more requests."
)

RequestId = int | str


@dataclass
class _Session:
    """One SSE session's requests in flight, by id (a client may reuse an id), and its event bytes."""

    pending: Counter[RequestId] = field(default_factory=Counter)
    unparsed: bytes = b""

    def release(self, request_id: RequestId) -> None:
        if self.pending[request_id] > 1:
            self.pending[request_id] -= 1
        else:
            self.pending.pop(request_id, None)


class SseBacklog:
    """ASGI middleware: at most :data:`MAX_SSE_REQUESTS_IN_FLIGHT` unanswered requests per SSE session."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._sessions: dict[str, _Session] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == SSE_PATH and scope["method"] == "GET":
            await self._stream(scope, receive, send)
        elif scope["type"] == "http" and scope["path"] == MESSAGES_PATH and scope["method"] == "POST":
            await self._post(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _stream(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ``GET /sse`` stream: learn its session from the endpoint event, release answered requests."""
        session_id: str | None = None
        session = _Session()

        async def watching(message: Message) -> None:
            nonlocal session_id
            if message["type"] != "http.response.body":
                await send(message)
                return
            events = _split_events(session, message.get("body", b""), parse=bool(session.pending))
            for event in events if session_id is None else ():
                session_id = _session_of(event)
                if session_id is not None:
                    self._sessions[session_id] = session  # before the client can see the endpoint
                    break
            await send(message)
            for event in events:  # written: their requests are no longer waiting
                answered = _answered_id(event)
                if answered is not None:
                    session.release(answered)

        try:
            await self.app(scope, receive, watching)
        finally:
            if session_id is not None:
                self._sessions.pop(session_id, None)

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A ``POST /messages/``: refuse a request beyond the bound, else count it until it is answered."""
        session = self._sessions.get(_session_param(scope) or "")
        if session is None:  # no such stream (here): the SDK answers 400 or 404
            await self.app(scope, receive, send)
            return
        received, body = await _read_body(receive)
        message = _json_object(body)
        request_id = _request_id(message)
        cancelled = _cancelled_id(message)
        if cancelled is not None:
            session.release(cancelled)
        replay = _replaying(received, receive)
        if request_id is None:
            await self.app(scope, replay, send)
            return
        if sum(session.pending.values()) >= MAX_SSE_REQUESTS_IN_FLIGHT:
            logger.warning(
                "an SSE session has %d requests waiting on its unread stream: refusing more with 429",
                MAX_SSE_REQUESTS_IN_FLIGHT,
            )
            error = {"code": -32000, "message": REFUSAL}
            await JSONResponse({"jsonrpc": "2.0", "id": request_id, "error": error}, status_code=429)(
                scope, replay, send
            )
            return
        session.pending[request_id] += 1
        accepted = False

        async def noting(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "http.response.start":
                accepted = message["status"] == 202
            await send(message)

        try:
            await self.app(scope, replay, noting)
        finally:
            if not accepted:
                session.release(request_id)


async def _read_body(receive: Receive) -> tuple[list[Message], bytes | None]:
    """The messages read and the body, or ``None`` for a body over the SDK's limit or a hang-up."""
    received: list[Message] = []
    body = bytearray()
    while True:
        message = await receive()
        received.append(message)
        if message["type"] != "http.request":
            return received, None
        body += message.get("body", b"")
        if len(body) > DEFAULT_MAX_REQUEST_BODY_SIZE:
            return received, None
        if not message.get("more_body", False):
            return received, bytes(body)


def _replaying(received: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives the app what was already read, then what follows."""
    pending = list(received)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _json_object(body: bytes | None) -> dict[str, object] | None:
    if body is None:
        return None
    try:
        value = json.loads(body)
    except ValueError:  # the SDK answers 400
        return None
    return value if isinstance(value, dict) else None


def _as_id(value: object) -> RequestId | None:
    """``value`` if it can be a JSON-RPC id (a string or an integer), else ``None``."""
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None


def _request_id(message: dict[str, object] | None) -> RequestId | None:
    """The id of a JSON-RPC request (not a notification, not a response)."""
    if message is None or not isinstance(message.get("method"), str):
        return None
    return _as_id(message.get("id"))


def _cancelled_id(message: dict[str, object] | None) -> RequestId | None:
    """The request a ``notifications/cancelled`` cancels."""
    if message is None or message.get("method") != "notifications/cancelled":
        return None
    params = message.get("params")
    return _as_id(params.get("requestId")) if isinstance(params, dict) else None


def _answered_id(event: dict[str, object]) -> RequestId | None:
    """The id an answer (a JSON-RPC response or error, not a server's request) is for."""
    return None if "method" in event else _as_id(event.get("id"))


def _session_param(scope: Scope) -> str | None:
    """The ``session_id`` of a ``POST /messages/``, as the SDK reads it (any spelling of a UUID)."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("session_id")
    try:
        return UUID(hex=values[-1]).hex if values else None
    except ValueError:
        return None


def _session_of(event: dict[str, object]) -> str | None:
    """The session id in the SDK's ``endpoint`` event (``/messages/?session_id=<hex>``)."""
    endpoint = event.get("endpoint")
    if not isinstance(endpoint, str):
        return None
    values = parse_qs(urlsplit(endpoint).query).get("session_id")
    return values[-1] if values else None


def _split_events(session: _Session, chunk: bytes, *, parse: bool) -> list[dict[str, object]]:
    """The events completed by ``chunk``: ``{"endpoint": path}``, or a message's JSON (when ``parse``).

    sse_starlette writes one event per body chunk, ended by a blank line; partial ones are kept.
    """
    data = session.unparsed + chunk
    *complete, session.unparsed = data.replace(b"\r\n", b"\n").split(b"\n\n")
    events: list[dict[str, object]] = []
    for raw in complete:
        lines = raw.split(b"\n")
        kind = next((line[6:].strip() for line in lines if line.startswith(b"event:")), b"message")
        payload = b"\n".join(line[5:].removeprefix(b" ") for line in lines if line.startswith(b"data:"))
        if kind == b"endpoint":
            events.append({"endpoint": payload.decode("utf-8", "replace")})
        elif kind == b"message" and parse and payload:
            value = _json_object(payload)
            if value is not None:
                events.append(value)
    return events
