"""Bearer-token checks for ASGI apps: the backend's API keys and the MCP server's token.

Tokens are compared in constant time (against every accepted token, so the time taken does not
reveal which one nearly matched), never logged and never echoed. The rejection is whatever
response the app's contract calls for (OpenAI's error envelope, or the server's JSON).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["BearerAuth", "Rejection"]

Rejection = Callable[[bool], Response]
"""Builds the 401 response; its argument says whether a token was sent at all."""


class BearerAuth:
    """Require ``Authorization: Bearer <one of tokens>`` on every HTTP request ``protects``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        tokens: Sequence[str],
        reject: Rejection,
        protects: Callable[[str], bool] = lambda path: True,
    ) -> None:
        self.app = app
        self._tokens = [token.encode() for token in tokens]
        self._reject = reject
        self._protects = protects

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._tokens or not self._protects(scope["path"]):
            await self.app(scope, receive, send)
            return
        scheme, _, credentials = Headers(scope=scope).get("authorization", "").partition(" ")
        supplied = credentials.strip().encode("latin-1") if scheme.lower() == "bearer" else b""
        matched = False
        for token in self._tokens:
            matched |= hmac.compare_digest(supplied, token)
        if supplied and matched:
            await self.app(scope, receive, send)
            return
        await self._reject(bool(supplied))(scope, receive, send)
