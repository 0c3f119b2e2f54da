"""A bounded table of stateful streamable-HTTP sessions where the least recently active gives way.

The SDK keeps at most ``max_sessions`` sessions and refuses the next client with 503 until one
ends or idles out, so a flood of bare ``initialize`` calls locks everyone out for the whole idle
timeout. :class:`SessionTable` sits in front of the SDK and notes, per session, the requests in
flight (an open ``GET`` stream counts) and when the last one ended. When a new session would
exceed the bound it ends the least recently active *idle* session first, with the ``DELETE`` its
client could have sent; so a client can always connect, and a session in use is never taken.
The SDK gets the same limit (a backstop: it answers 503 only when every session is in use) and
ends idle sessions itself; the table forgets them at the same idle timeout. With OAuth the SDK
serves a session only to the principal that opened it, so the table keeps that principal (the
scope's ``user`` and ``auth``, set by the authentication layer outside) and ends the session
on its behalf.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .inner import request_itself

__all__ = ["SESSION_HEADER", "SessionTable"]

logger = logging.getLogger("mcp_assistant_files.http")

SESSION_HEADER = "mcp-session-id"
PRINCIPAL_KEYS = ("user", "auth")  # what Starlette's AuthenticationMiddleware puts in the scope


@dataclass
class _Activity:
    in_flight: int
    last_active: float
    principal: dict[str, Any] = field(default_factory=dict)


class SessionTable:
    """Track the sessions of the streamable-HTTP endpoint at ``path``; bound them to ``max_sessions``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        path: str,
        max_sessions: int,
        idle_timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.path = path
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        self.clock = clock
        self.sessions: OrderedDict[str, _Activity] = OrderedDict()  # least recently active first
        self.opening = 0  # requests that may open a session, in flight
        self.ending = 0  # sessions being ended to make room

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        session = headers.get(SESSION_HEADER)
        version = headers.get("mcp-protocol-version")
        if session is not None:
            await self._use(session, scope, receive, send)
        elif version in (None, *HANDSHAKE_PROTOCOL_VERSIONS):  # the SDK admits a session for it
            await self._open(scope, receive, send)
        else:  # 2026-07-28 requests have no session
            await self.app(scope, receive, send)

    async def _open(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A request that may open a session: make room first, then note the session it opens."""
        await self._make_room(scope)
        self.opening += 1
        counted = True  # in ``opening``, until the session it opens is in the table
        opened: list[str] = []
        completed = False

        async def noting(message: Message) -> None:
            nonlocal counted
            if message["type"] == "http.response.start" and message["status"] < 400:
                for name, value in message.get("headers", []):
                    if name.lower() == SESSION_HEADER.encode():
                        opened.append(value.decode())
                        principal = {key: scope[key] for key in PRINCIPAL_KEYS if key in scope}
                        self.sessions[value.decode()] = _Activity(1, self.clock(), principal)
                        # Counted by the table from now on: the client may open the next session
                        # before this call returns, and must not be counted twice (which ended one
                        # session too many to make room).
                        self.opening -= 1
                        counted = False
            await send(message)

        try:
            await self.app(scope, receive, noting)
            completed = True
        finally:
            if counted:
                self.opening -= 1
            for session in opened:  # the SDK drops a session whose opening request did not complete
                self._release(session, forget=not completed)

    async def _use(self, session: str, scope: Scope, receive: Receive, send: Send) -> None:
        """A request in ``session``: busy while it lasts; forgotten once the SDK no longer knows it."""
        activity = self.sessions.get(session)
        if activity is None:  # never opened, or over: the SDK answers 404
            await self.app(scope, receive, send)
            return
        activity.in_flight += 1
        self.sessions.move_to_end(session)
        status = 0

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            ended = status == 404 or (scope["method"] == "DELETE" and 200 <= status < 300)
            self._release(session, forget=ended)

    def _release(self, session: str, *, forget: bool) -> None:
        """One request in ``session`` is over."""
        activity = self.sessions.get(session)
        if activity is None:
            return
        activity.in_flight -= 1
        activity.last_active = self.clock()
        self.sessions.move_to_end(session)
        if forget:
            del self.sessions[session]

    async def _make_room(self, scope: Scope) -> None:
        """Forget sessions the SDK has idled out; end the least recently active idle ones while full."""
        now = self.clock()
        for session, activity in list(self.sessions.items()):
            if activity.in_flight <= 0 and now - activity.last_active >= self.idle_timeout:
                del self.sessions[session]
        while len(self.sessions) + self.opening + self.ending >= self.max_sessions:
            idle = next((s for s, a in self.sessions.items() if a.in_flight <= 0), None)
            if idle is None:
                return  # every session is in use: the SDK refuses the newcomer (503)
            activity = self.sessions.pop(idle)
            self.ending += 1
            try:
                status = await request_itself(
                    self.app, scope, "DELETE", {SESSION_HEADER: idle}, acting_for=activity.principal
                )
            finally:
                self.ending -= 1
            logger.info(
                "ended a session idle for %.0f s to make room for a new one (--max-sessions %d; DELETE answered %s)",
                now - activity.last_active,
                self.max_sessions,
                status,
            )
