"""ASGI middleware of the backend: request ids, the error envelope, and routing on the raw path.

Every response carries ``x-request-id: req_<32 hex>``. An exception escaping the app becomes a
500 envelope (logged with that id, never with a traceback on the wire), so a client always
gets OpenAI's error shape.
"""

from __future__ import annotations

import logging
import random
from urllib.parse import quote, unquote

from starlette.convertors import Convertor
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import InvalidRequest
from .responses import JSONResponse

__all__ = ["RawPathRouting", "RequestId", "SegmentConvertor", "error_response"]

logger = logging.getLogger("mcp_assistant_files.backend")


def error_response(
    status: int,
    message: str,
    *,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """OpenAI's error envelope: ``{"error": {"message", "type", "param", "code"}}``."""
    body = {"error": {"message": message, "type": type, "param": param, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


class RawPathRouting:
    """Route on the path as sent, so an id holding ``%2F`` stays one path segment.

    Starlette matches routes against the percent-*decoded* path: ``/assistants/X%2Ffiles/files``
    would become ``/assistants/X/files/files`` and reach the attachment route of file ``files``.
    Here the raw path is matched instead, and ``{name:segment}`` parameters are decoded after
    matching (``SegmentConvertor``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") if scope["type"] == "http" else None
        if raw:
            scope = {**scope, "path": raw.split(b"?", 1)[0].decode("latin-1")}
        await self.app(scope, receive, send)


class SegmentConvertor(Convertor[str]):
    """One percent-encoded path segment, decoded after matching; a NUL (``%00``) in it is a 400.

    No id holds a NUL character, and PostgreSQL cannot even compare text holding one, so such a
    segment is refused before any store sees it (Starlette's exception middleware answers it).
    """

    regex = "[^/]+"

    def convert(self, value: str) -> str:
        decoded = unquote(value)
        if "\x00" in decoded:
            raise InvalidRequest(
                "Invalid path: a segment holds a NUL character (%00), which no id does; "
                "check the id you sent."
            )
        return decoded

    def to_string(self, value: str) -> str:
        return quote(value, safe="")


class RequestId:
    """Add ``x-request-id`` to every response and turn escaped exceptions into a 500 envelope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the wrapped app with a fresh request id."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # A correlation id, not a secret: ``random`` (reseeded in a forked child) spares every
        # request the system call ``secrets`` makes (2.5 % of a list request's CPU under load).
        request_id = f"req_{random.getrandbits(128):032x}"
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ClientDisconnect:  # it left (or was closed for a stalled body): nobody to answer
            logger.info(
                "%s %s (%s): the client went away mid-request", scope["method"], scope["path"], request_id
            )
        except Exception:
            logger.exception("unhandled error in %s %s (%s)", scope["method"], scope["path"], request_id)
            if started:
                raise
            response = error_response(
                500,
                f"The server had an error while processing your request (request id {request_id}).",
                type="server_error",
            )
            await response(scope, receive, send_with_id)
