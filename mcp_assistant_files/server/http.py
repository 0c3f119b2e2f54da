"""Serving the MCP server over SSE or streamable HTTP, with their security.

HTTP transports get: ``/healthz``; DNS-rebinding protection (Host and Origin checked against an
allowlist) on every bind address, not only loopback as the SDK does by default; and a bearer
token (``MCP_ASSISTANT_FILES_AUTH_TOKEN``) checked in constant time on everything but
``/healthz``. The upstream client is made once per process and closed when the server stops
(the SDK's own lifespan runs once per *connection* on SSE, so it is not used for that). How the
app is served (timeouts and limits of connections) is :mod:`.serving`'s job.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .._version import __version__
from ..bearer import BearerAuth
from ..service.upstream import Upstream
from .serving import ConnectionLimits

__all__ = [
    "HttpOptions",
    "build_http_app",
    "is_loopback",
    "require_bearer_token",
    "security_settings",
]

HttpTransport = Literal["sse", "streamable-http"]
HEALTH_PATH = "/healthz"
_LOOPBACK_HOSTS = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
_LOOPBACK_ORIGINS = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` exposes the server to this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class HttpOptions:
    """How to serve over HTTP."""

    transport: HttpTransport = "streamable-http"
    host: str = "127.0.0.1"
    port: int = 8000
    stateless: bool = False
    json_response: bool = False
    auth_token: str | None = None
    allowed_hosts: Sequence[str] = field(default_factory=tuple)
    allowed_origins: Sequence[str] = field(default_factory=tuple)
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)


def security_settings(options: HttpOptions) -> TransportSecuritySettings:
    """Host/Origin allowlist: loopback, the bound host, and whatever was allowed explicitly."""
    hosts = list(_LOOPBACK_HOSTS)
    origins = list(_LOOPBACK_ORIGINS)
    bound = options.host
    if not is_loopback(bound) and bound not in ("0.0.0.0", "::", ""):  # noqa: S104 - comparing, not binding
        name = f"[{bound}]" if ":" in bound else bound
        hosts += [name, f"{name}:*"]
        origins += [f"http://{name}:*", f"https://{name}:*", f"http://{name}", f"https://{name}"]
    for host in options.allowed_hosts:
        has_port = ":" in host.rsplit("]", 1)[-1] if host.startswith("[") else ":" in host
        hosts += [host] if has_port else [host, f"{host}:*"]
    origins += list(options.allowed_origins)
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


def _unauthorized(token_sent: bool) -> Response:
    return JSONResponse(
        {"error": "unauthorized", "message": "Send Authorization: Bearer <MCP_ASSISTANT_FILES_AUTH_TOKEN>."},
        status_code=401,
        headers={"www-authenticate": 'Bearer realm="mcp-assistant-files"'},
    )


def _not_health(path: str) -> bool:
    return path != HEALTH_PATH


def require_bearer_token(app: Starlette, token: str) -> None:
    """Every request but the health check must carry ``Authorization: Bearer <token>``."""
    app.add_middleware(BearerAuth, tokens=[token], reject=_unauthorized, protects=_not_health)


async def _healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "version": __version__})


def build_http_app(server: MCPServer, upstream: Upstream, options: HttpOptions) -> Starlette:
    """The Starlette app for ``options.transport``, secured, closing ``upstream`` on shutdown."""
    security = security_settings(options)
    if options.transport == "sse":
        app = server.sse_app(transport_security=security, host=options.host)
    else:
        app = server.streamable_http_app(
            json_response=options.json_response,
            stateless_http=options.stateless,
            transport_security=security,
            host=options.host,
        )
    app.router.add_route(HEALTH_PATH, _healthz, methods=["GET"])
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_: Starlette) -> AsyncIterator[None]:
        try:
            async with inner(app_):
                yield
        finally:
            await upstream.aclose()

    app.router.lifespan_context = lifespan
    if options.auth_token:
        app.add_middleware(
            BearerAuth, tokens=[options.auth_token], reject=_unauthorized, protects=_not_health
        )
    return app
