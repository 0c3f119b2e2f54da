"""A client that hangs up cancels what it asked for, upstream request included.

uvicorn does not cancel an ASGI task when its client goes away; it only answers a later
``receive()`` with ``http.disconnect``, and the SDK listens for that on some paths only (SSE
streams). A ``--json-response`` or stateless JSON call therefore ran to its end with nobody
waiting, and in a stateful session even a closed SSE stream left the call running in the
session. :class:`CancelOnDisconnect` watches for the disconnect once the request body has been
read and the request has run for ``WATCH_AFTER`` (a ``GET`` stream: at once) and, if the
response is not complete by then:

- cancels the request's handling: that ends a stateless call (the 2026-07-28 per-request path
  and ``--stateless``), whose tool runs within it or within a transport torn down with it;
- in a stateful session, where the tool runs in the session and outlives the request, also
  sends the session the ``notifications/cancelled`` its client could have sent, for the request's
  id, through the SDK's own endpoint.

The tool's task is cancelled either way, and with it the upstream request (our client closes a
connection whose request is cancelled). On SSE (``/sse``) calls are answered on the ``GET``
stream; when it closes the SDK ends the session and cancels the calls in flight.

Watching from a request's start costs a task group and a task per request: 0.56 of 4.45 ms of
server CPU per streamable-HTTP call, one client at a time (``benchmarks/analysis.md``; no
difference outside the noise under 50 clients), though almost every call is answered within
milliseconds. So a call's watcher starts once it has run for ``WATCH_AFTER`` (1 s): a client
that hangs up on a longer call still cancels it, at most that much later, and a failure of the
watcher fails its request. On asyncio (uvicorn's loop) the watcher is a bare task started by a
timer, and the request runs in a cancel scope. A ``GET`` stream (one per session; the SDK
answers a second one 409 while the first is registered) and a request on another event loop
are watched from the start, in a task group.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import anyio
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .inner import request_itself
from .sessions import SESSION_HEADER

__all__ = ["WATCH_AFTER", "CancelOnDisconnect"]

logger = logging.getLogger("mcp_assistant_files.http")

MAX_KEPT_BODY = 64 * 1024  # a tools/call is far smaller; a larger body is not kept for its id
WATCH_AFTER = 1.0  # seconds a request runs before its client's hang-up is watched for


class _Exchange:
    """One request as the app sees it, with the disconnect observed on the app's behalf."""

    def __init__(self, receive: Receive, send: Send, *, keep_body: bool) -> None:
        self._receive, self._send = receive, send
        self.body = bytearray() if keep_body else None
        self.body_read = anyio.Event()
        self.disconnected = anyio.Event()
        self.response_complete = False

    async def receive(self) -> Message:
        """The app's ``receive``: the body, then (once the watcher saw it) the disconnect."""
        if self.body_read.is_set():
            await self.disconnected.wait()
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            if self.body is not None:
                self.body += message.get("body", b"")
                if len(self.body) > MAX_KEPT_BODY:
                    self.body = None
            if not message.get("more_body", False):
                self.body_read.set()
        else:
            self.disconnected.set()
            self.body_read.set()
        return message

    async def send(self, message: Message) -> None:
        """The app's ``send``, noting when the response is complete."""
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            self.response_complete = True
        await self._send(message)

    async def hung_up(self) -> bool:
        """Wait for the disconnect after the body; whether it came before the response was complete."""
        await self.body_read.wait()
        while not self.disconnected.is_set():
            if (await self._receive())["type"] == "http.disconnect":
                self.disconnected.set()
        return not self.response_complete


class _DeferredWatch:
    """On asyncio: watch ``exchange`` for a hang-up from ``delay`` seconds on; one cancels ``scope``."""

    def __init__(self, exchange: _Exchange, scope: anyio.CancelScope, delay: float) -> None:
        self.exchange, self.scope = exchange, scope
        self.hung_up = False
        self.failure: Exception | None = None
        self._task: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = asyncio.get_running_loop().call_later(delay, self._start)

    def _start(self) -> None:
        self._timer = None
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        try:
            if await self.exchange.hung_up():
                self.hung_up = True
                self.scope.cancel()
        except Exception as error:  # noqa: BLE001 - the request fails with it, as it did in a task group
            self.failure = error
            self.scope.cancel()

    def stop(self) -> None:
        """The request is over: no watcher starts, a running one is cancelled."""
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None:
            self._task.cancel()


class CancelOnDisconnect:
    """Cancel a request's handling, and its call in a stateful session, when its client hangs up."""

    def __init__(self, app: ASGIApp, *, path: str, watch_after: float = WATCH_AFTER) -> None:
        self.app = app
        self.path = path
        self.watch_after = watch_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        session = Headers(scope=scope).get(SESSION_HEADER)
        exchange = _Exchange(receive, send, keep_body=session is not None and scope["method"] == "POST")
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # not asyncio: watch from the start, in a task group
            on_asyncio = False
        else:
            on_asyncio = True
        if not on_asyncio or scope["method"] == "GET":  # a GET is a stream: watch it from the start
            hung_up = await self._in_task_group(scope, exchange)
        else:
            with anyio.CancelScope() as cancel:
                watch = _DeferredWatch(exchange, cancel, self.watch_after)
                try:
                    await self.app(scope, exchange.receive, exchange.send)
                finally:
                    watch.stop()
            if watch.failure is not None:
                raise watch.failure
            hung_up = watch.hung_up
        if hung_up and session is not None and (request_id := _request_id(exchange.body)) is not None:
            await self._cancel_in_session(scope, session, request_id)

    async def _in_task_group(self, scope: Scope, exchange: _Exchange) -> bool:
        """Handle the request beside a watcher; whether its client hung up before the answer ended."""
        hung_up = False
        failure: Exception | None = None
        async with anyio.create_task_group() as tg:

            async def watch() -> None:
                nonlocal hung_up
                if await exchange.hung_up():
                    hung_up = True
                    tg.cancel_scope.cancel()

            tg.start_soon(watch)
            try:
                await self.app(scope, exchange.receive, exchange.send)
            except Exception as error:  # noqa: BLE001 - re-raised below, outside the task group
                failure = error
            tg.cancel_scope.cancel()
        if failure is not None:
            raise failure
        return hung_up

    async def _cancel_in_session(self, scope: Scope, session: str, request_id: Any) -> None:
        """Tell ``session`` that its client gave up on ``request_id``."""
        notification = {
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": {"requestId": request_id, "reason": "the HTTP client disconnected"},
        }
        headers = {
            "content-type": "application/json",
            "accept": "application/json, text/event-stream",
            SESSION_HEADER: session,
        }
        status = await request_itself(self.app, scope, "POST", headers, notification)
        logger.debug("client hung up: cancelled request %r in its session (answered %s)", request_id, status)


def _request_id(body: bytearray | None) -> Any:
    """The id of the JSON-RPC request in ``body`` (not of an ``initialize``), else ``None``."""
    try:
        message = json.loads(body) if body else None
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read an id from
        return None
    if not isinstance(message, dict) or message.get("method") in (None, "initialize"):
        return None
    return message.get("id")
