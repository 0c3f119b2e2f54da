"""The HTTP side of OAuth: metadata for discovery, 401 without a valid token, 403 without the scope.

:class:`OAuthLayer` is layer 2 of the HTTP app (where the static-token check is otherwise),
assembled from the SDK's own parts: Starlette's ``AuthenticationMiddleware`` with the SDK's
``BearerAuthBackend`` over our verifier, the SDK's ``AuthContextMiddleware`` (which makes the
token available to the tools/list and tools/call handlers, see ``handlers.serve_tools_by_scope``) and
its ``RequireAuthMiddleware`` (the 401 with ``WWW-Authenticate: Bearer ... resource_metadata=``).
``MCPServer`` would put these inside its app, below our session table and hang-up layers, whose
own requests (ending an idle session, cancelling an abandoned call) would then need a client's
token; here they come first, and those requests carry the principal of the client they act for.

Within it, :class:`ScopeCheck` reads a streamable-HTTP ``tools/call`` before the SDK does and
answers 403 ``insufficient_scope``, naming the scope the tool needs, when the token lacks it, so
a client can ask for it (step-up authorization). Calls it cannot see (SSE answers on another
stream; bodies over :data:`PEEK_LIMIT` or nested too deeply to read) are refused by the tools/call
handler, as an ``isError`` result. ``/healthz`` and the metadata (RFC 9728) are served without a token.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from mcp.server.auth.handlers.metadata import ProtectedResourceMetadataHandler
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend, RequireAuthMiddleware
from mcp.server.auth.provider import TokenVerifier
from mcp.shared.auth import ProtectedResourceMetadata
from pydantic import AnyHttpUrl
from starlette.authentication import AuthenticationError
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .keys import KeysUnavailable
from .settings import ResourceServer

__all__ = ["PEEK_LIMIT", "OAuthLayer", "ScopeCheck", "metadata_routes"]

PEEK_LIMIT = 64 * 1024  # a tools/call is far smaller; a larger body is left to the tools/call handler


def metadata_routes(resource: ResourceServer, name: str) -> list[Route]:
    """RFC 9728 Protected Resource Metadata, at the path-suffixed URL and the bare well-known one."""
    metadata = ProtectedResourceMetadata(
        resource=AnyHttpUrl(resource.audience),
        authorization_servers=[AnyHttpUrl(resource.issuer)],
        scopes_supported=resource.scopes_supported,
        resource_name=name,
    )
    handler = ProtectedResourceMetadataHandler(metadata)
    return [Route(path, handler.handle, methods=["GET"]) for path in resource.metadata_paths]


def _unavailable(conn: HTTPConnection, error: AuthenticationError) -> Response:
    retry = KeysUnavailable.retry_after
    return JSONResponse(
        {
            "error": "temporarily_unavailable",
            "error_description": f"{error}: the token cannot be checked now; try again in {retry:.0f} seconds",
        },
        status_code=503,
        headers={"Retry-After": f"{retry:.0f}"},
    )


class OAuthLayer:
    """Every request but the ``public`` paths needs a token ``verifier`` accepts, and tools their scope."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        resource: ResourceServer,
        verifier: TokenVerifier,
        mcp_path: str,
        public: Callable[[str], bool],
    ) -> None:
        self.app = app
        self._public = public
        metadata_url = AnyHttpUrl(resource.metadata_url)
        checked = ScopeCheck(app, path=mcp_path, needs=resource.needs, metadata_url=resource.metadata_url)
        required = RequireAuthMiddleware(checked, required_scopes=[], resource_metadata_url=metadata_url)
        self._authenticated = AuthenticationMiddleware(
            AuthContextMiddleware(required), backend=BearerAuthBackend(verifier), on_error=_unavailable
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._public(scope["path"]):
            await self.app(scope, receive, send)
        else:
            await self._authenticated(scope, receive, send)


class ScopeCheck:
    """403 ``insufficient_scope`` for a ``tools/call`` POSTed to ``path`` whose tool needs a scope not granted."""

    def __init__(self, app: ASGIApp, *, path: str, needs: Mapping[str, str], metadata_url: str) -> None:
        self.app = app
        self.path = path
        self.needs = needs
        self.metadata_url = metadata_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] != self.path or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body, replay = await _peek(receive)
        needed = self.needs.get(_called_tool(body) or "")
        credentials = scope.get("auth")
        granted = credentials.scopes if credentials is not None else []
        if needed is not None and needed not in granted:
            await insufficient_scope(needed, self.metadata_url)(scope, replay, send)
        else:
            await self.app(scope, replay, send)


def insufficient_scope(needed: str, metadata_url: str) -> Response:
    """The 403 that says which scope to ask for (RFC 6750 section 3.1, as the SDK words its own)."""
    description = f"Required scope: {needed}"
    challenge = (
        f'Bearer error="insufficient_scope", scope="{needed}", error_description="{description}", '
        f'resource_metadata="{metadata_url}"'
    )
    return JSONResponse(
        {"error": "insufficient_scope", "error_description": description},
        status_code=403,
        headers={"WWW-Authenticate": challenge},
    )


async def _peek(receive: Receive) -> tuple[bytes | None, Receive]:
    """The request body if it is at most :data:`PEEK_LIMIT` bytes, and a ``receive`` that replays it."""
    read: list[Message] = []
    size = 0
    while True:
        message = await receive()
        read.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if not message.get("more_body", False) or size > PEEK_LIMIT:
            break
    complete = read[-1]["type"] == "http.request" and not read[-1].get("more_body", False)
    body = b"".join(m.get("body", b"") for m in read) if complete and size <= PEEK_LIMIT else None

    async def replay() -> Message:
        return read.pop(0) if read else await receive()

    return body, replay


def _called_tool(body: bytes | None) -> str | None:
    """The tool a JSON-RPC ``tools/call`` in ``body`` names, else ``None``."""
    try:
        message: Any = json.loads(body) if body else None
    except (ValueError, RecursionError):  # not JSON, or nested too deeply: the SDK answers a parse error
        return None
    if not isinstance(message, dict) or message.get("method") != "tools/call":
        return None
    params = message.get("params")
    name = params.get("name") if isinstance(params, dict) else None
    return name if isinstance(name, str) else None
