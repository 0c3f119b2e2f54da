"""The HTTP app for SSE or streamable HTTP: the SDK's app inside our layers, outermost first.

1. :class:`~..web.guard.HttpGuard`: ``Host`` and ``Origin`` against the allowlist on every bind
   address (the SDK does it on loopback only, and after routing), CORS for allowed origins;
2. authentication, on everything but ``/healthz`` and preflights (answered in 1.): with OAuth
   (``--auth-issuer``), :class:`~.oauth.OAuthLayer` (access tokens, and the static token if set;
   401/403/503; the metadata at ``/.well-known/oauth-protected-resource...`` is public); else
   :class:`~mcp_assistant_files.bearer.BearerAuth`: ``MCP_ASSISTANT_FILES_AUTH_TOKEN``, compared
   in constant time;
3. :class:`~.disconnect.CancelOnDisconnect`: a client that hangs up cancels its call;
4. :class:`~.sessions.SessionTable` (stateful streamable HTTP): a bounded session table in which
   the least recently active idle session gives way to a new one; on SSE
   :class:`~.backlog.SseBacklog`: at most ``MAX_SSE_REQUESTS_IN_FLIGHT`` (32) requests per
   session waiting for their answers on an unread stream (429 beyond);
5. the SDK's routes, without Starlette's trailing-slash redirect (``/mcp/`` is 404), and
   ``/healthz``; on streamable HTTP, unless ``--json-response``, ``/mcp`` answers a 2026-07-28
   read that asks for no progress with plain JSON (:class:`~.answers.JsonForQuickReads`).

The upstream client is made once per process and closed when the server stops (the SDK's own
lifespan runs once per *connection* on SSE, so it is not used for that). How the app is served
(timeouts and limits of connections) is :mod:`..web.serving`'s job.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .._version import __version__
from ..bearer import BearerAuth
from ..service.upstream import Upstream
from ..web.guard import Allowlist, HttpGuard
from ..web.serving import ConnectionLimits
from .answers import JsonForQuickReads
from .backlog import SseBacklog
from .bounds import DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE_TIMEOUT
from .disconnect import CancelOnDisconnect
from .oauth import METADATA_PATH, ResourceServer, protect
from .sdk import lowlevel_server, read_only_tools
from .security import MCP_CORS, sdk_settings
from .sessions import SessionTable

__all__ = [
    "DEFAULT_MAX_SESSIONS",
    "DEFAULT_SESSION_IDLE_TIMEOUT",
    "HttpOptions",
    "build_http_app",
    "require_bearer_token",
    "security_settings",
]

HttpTransport = Literal["sse", "streamable-http"]
HEALTH_PATH = "/healthz"
MCP_PATH = "/mcp"


@dataclass(frozen=True)
class HttpOptions:
    """How to serve over HTTP."""

    transport: HttpTransport = "streamable-http"
    host: str = "127.0.0.1"
    port: int = 8000
    stateless: bool = False
    json_response: bool = False
    auth_token: str | None = None
    oauth: ResourceServer | None = None
    allowed_hosts: Sequence[str] = field(default_factory=tuple)
    allowed_origins: Sequence[str] = field(default_factory=tuple)
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)
    session_idle_timeout: float = DEFAULT_SESSION_IDLE_TIMEOUT
    max_sessions: int = DEFAULT_MAX_SESSIONS

    @property
    def allowlist(self) -> Allowlist:
        """The ``Host``/``Origin`` allowlist: loopback, the bound host, and what was allowed."""
        return Allowlist.build(self.host, self.allowed_hosts, self.allowed_origins)


def security_settings(options: HttpOptions) -> TransportSecuritySettings:
    """The allowlist in the SDK's terms, for its own checks inside the transports."""
    return sdk_settings(options.allowlist)


def _unauthorized(token_sent: bool) -> Response:
    return JSONResponse(
        {"error": "unauthorized", "message": "Send Authorization: Bearer <MCP_ASSISTANT_FILES_AUTH_TOKEN>."},
        status_code=401,
        headers={"www-authenticate": 'Bearer realm="mcp-assistant-files"'},
    )


def _not_health(path: str) -> bool:
    return path != HEALTH_PATH


def _public(path: str) -> bool:
    return path == HEALTH_PATH or path.startswith(METADATA_PATH)


def require_bearer_token(app: Starlette, token: str) -> None:
    """Every request but the health check must carry ``Authorization: Bearer <token>``."""
    app.add_middleware(BearerAuth, tokens=[token], reject=_unauthorized, protects=_not_health)


async def _healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "version": __version__})


def _json_for_quick_reads(
    app: Starlette, server: MCPServer, security: TransportSecuritySettings
) -> JsonForQuickReads:
    """Put :class:`~.answers.JsonForQuickReads` in front of the SDK's ``/mcp`` endpoint."""
    (endpoint,) = (r for r in app.router.routes if isinstance(r, Route) and r.path == MCP_PATH)
    if not isinstance(endpoint.app, StreamableHTTPASGIApp):
        # Our authentication is a layer outside the routes; a wrapper here would be bypassed.
        raise RuntimeError(f"the SDK's {MCP_PATH} endpoint is wrapped in {type(endpoint.app).__name__}")
    answers = JsonForQuickReads(
        endpoint.app, lowlevel_server(server), security, read_tools=read_only_tools(server)
    )
    endpoint.app = answers
    return answers


def build_http_app(server: MCPServer, upstream: Upstream, options: HttpOptions) -> Starlette:
    """The Starlette app for ``options.transport``, secured, closing ``upstream`` on shutdown."""
    security = security_settings(options)
    stateful = options.transport == "streamable-http" and not options.stateless
    if options.transport == "sse":
        app = server.sse_app(transport_security=security, host=options.host)
    else:
        app = server.streamable_http_app(
            json_response=options.json_response,
            stateless_http=options.stateless,
            transport_security=security,
            host=options.host,
            session_idle_timeout=options.session_idle_timeout,
            max_sessions=options.max_sessions,
        )
    app.router.redirect_slashes = False
    app.router.add_route(HEALTH_PATH, _healthz, methods=["GET"])
    inner = app.router.lifespan_context
    answers = None
    if (
        options.transport == "streamable-http"
        and not options.json_response
        and server.settings.lifespan is None
    ):
        answers = _json_for_quick_reads(app, server, security)

    @asynccontextmanager
    async def lifespan(app_: Starlette) -> AsyncIterator[None]:
        try:
            async with inner(app_), upstream.running(), answers.running() if answers else nullcontext():
                yield
        finally:
            await upstream.aclose()

    app.router.lifespan_context = lifespan
    # add_middleware wraps what is already there: innermost first.
    if options.transport == "sse":
        app.add_middleware(SseBacklog)
    if stateful:
        app.add_middleware(
            SessionTable,
            path=MCP_PATH,
            max_sessions=options.max_sessions,
            idle_timeout=options.session_idle_timeout,
        )
    app.add_middleware(CancelOnDisconnect, path=MCP_PATH)
    if options.oauth is not None:
        protect(
            app,
            options.oauth,
            name=server.name,
            static_token=options.auth_token,
            mcp_path=MCP_PATH,
            public=_public,
        )
    elif options.auth_token:
        require_bearer_token(app, options.auth_token)
    app.add_middleware(HttpGuard, allowlist=options.allowlist, cors=MCP_CORS, exempt=[HEALTH_PATH])
    return app
