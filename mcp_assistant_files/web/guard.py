"""Which ``Host`` and ``Origin`` an HTTP app answers, checked before anything else, and CORS.

:class:`HttpGuard` is the outermost layer of the MCP server's and the standalone backend's app: a
request naming a foreign ``Host`` gets 421 and one from a foreign ``Origin`` 403 before any
routing (so nothing, not even a redirect, ever names a host we do not serve, and a web page
elsewhere can neither read nor write through a browser, DNS rebinding included). Browsers on an
allowed origin get CORS (:class:`Cors`: what each app lets them send and read): preflights are
answered here, without the bearer token (browsers never send one with them). Other origins get
no CORS header at all. Exempt paths (``/healthz``) pass, for probes that name the pod's address.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["LOOPBACK_NAMES", "Allowlist", "Cors", "HttpGuard", "Refusal", "is_loopback", "plain_refusal"]

logger = logging.getLogger("mcp_assistant_files.http")

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
PREFLIGHT_MAX_AGE = "600"


@dataclass(frozen=True)
class Cors:
    """What a page on an allowed origin may send (methods, headers) and read (exposed headers)."""

    methods: str  # "GET, POST, DELETE"
    headers: tuple[str, ...]
    exposed: str
    header_prefixes: tuple[str, ...] = ()  # requested headers with one of these prefixes are allowed too


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` exposes the server to this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_port(authority: str) -> tuple[str, str | None]:
    """``name[:port]`` -> (lower-case name, port or None); IPv6 names keep their brackets."""
    if authority.startswith("["):
        name, _, rest = authority.partition("]")
        if rest and not rest.startswith(":"):
            return authority.lower(), "?"  # "[::1]evil.com": neither a name nor a port we know
        return name.lower() + "]", rest[1:] if rest.startswith(":") else None
    name, colon, port = authority.rpartition(":")
    return (name.lower(), port) if colon else (authority.lower(), None)


@dataclass(frozen=True)
class Allowlist:
    """Names allowed with any port (or none), and exact ``name:port`` hosts and origins."""

    names: tuple[str, ...]  # "localhost", "[::1]", "mcp.example.com"
    hosts: tuple[str, ...]  # "mcp.example.com:8443"
    origin_sites: tuple[str, ...]  # "http://localhost": that scheme and name, any port or none
    origins: tuple[str, ...]  # exact origins, as configured

    @classmethod
    def build(cls, bound: str, hosts: Iterable[str] = (), origins: Iterable[str] = ()) -> Allowlist:
        """Loopback, the bound host (unless a wildcard address), and what was allowed explicitly."""
        names = list(LOOPBACK_NAMES)
        sites = [f"http://{name}" for name in LOOPBACK_NAMES]
        name = (f"[{bound}]" if ":" in bound else bound).lower()
        if name not in names and bound not in ("0.0.0.0", "::", ""):  # noqa: S104 - comparing, not binding
            names.append(name)  # the bound address, loopback ones too (127.0.0.2)
            sites += [f"http://{name}"] if is_loopback(bound) else [f"http://{name}", f"https://{name}"]
        exact: list[str] = []
        for host in hosts:
            name, port = _split_port(host)
            if port is None or port == "*":  # "name:*": any port, as for origins
                names.append(name)
            else:
                exact.append(host.lower())
        exact_origins: list[str] = []
        for origin in origins:
            if origin.endswith(":*"):
                sites.append(origin[:-2].lower())
            else:
                exact_origins.append(origin.lower())
        return cls(tuple(names), tuple(exact), tuple(sites), tuple(exact_origins))

    def allows_host(self, host: str) -> bool:
        """Whether a request's ``Host`` header names us."""
        name, port = _split_port(host)
        if port is not None and not port.isdigit():
            return False
        return name in self.names or host.lower() in self.hosts

    def allows_origin(self, origin: str) -> bool:
        """Whether a browser page at ``origin`` may call us."""
        origin = origin.lower()
        scheme, sep, authority = origin.partition("://")
        if not sep or not authority:
            return False
        name, port = _split_port(authority)
        if port is not None and not port.isdigit():
            return False
        return f"{scheme}://{name}" in self.origin_sites or origin in self.origins


Refusal = Callable[[int, str, str], Response]
"""The answer to a refused request: ``(status, "Host" or "Origin", the header's value)``."""


def plain_refusal(status: int, header: str, value: str) -> Response:
    """``Invalid Host header`` (421) or ``Invalid Origin header`` (403), as the MCP SDK answers."""
    return PlainTextResponse(f"Invalid {header} header", status_code=status)


class HttpGuard:
    """Host and Origin checks, then CORS for allowed origins; ``exempt`` paths pass untouched."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowlist: Allowlist,
        cors: Cors,
        exempt: Iterable[str] = (),
        refusal: Refusal | None = None,
    ) -> None:
        self.app = app
        self.allowlist = allowlist
        self.cors = cors
        self.exempt = frozenset(exempt)
        self.refusal = refusal or plain_refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host, origin = headers.get("host", ""), headers.get("origin")
        if not self.allowlist.allows_host(host):
            logger.warning(
                "refused a request for Host %r: not an allowed host (see --allowed-host)", host[:100]
            )
            await self.refusal(421, "Host", host)(scope, receive, send)
            return
        if origin is not None and not self.allowlist.allows_origin(origin):
            logger.warning(
                "refused a request from Origin %r: not an allowed origin (see --allowed-origin)", origin[:100]
            )
            await self.refusal(403, "Origin", origin)(scope, receive, send)
            return
        if host != host.lower():  # names are case-insensitive; the SDK's own check is not
            scope = {**scope, "headers": [(k, v.lower() if k == b"host" else v) for k, v in scope["headers"]]}
        if origin is None:
            await self.app(scope, receive, send)
        elif scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await _preflight(self.cors, origin, headers)(scope, receive, send)
        else:
            await self.app(scope, receive, _with_cors(self.cors, send, origin))


def _preflight(cors: Cors, origin: str, headers: Headers) -> Response:
    """The answer to a CORS preflight from an allowed origin."""
    requested = [h.strip() for h in headers.get("access-control-request-headers", "").split(",")]
    prefixed = [h for h in requested if cors.header_prefixes and h.lower().startswith(cors.header_prefixes)]
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": cors.methods,
            "Access-Control-Allow-Headers": ", ".join((*cors.headers, *prefixed)),
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        },
    )


def _with_cors(cors: Cors, send: Send, origin: str) -> Send:
    """``send``, adding the CORS headers for ``origin`` to the response."""

    async def send_with_cors(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers["Access-Control-Allow-Origin"] = origin
            headers["Access-Control-Expose-Headers"] = cors.exposed
            headers.add_vary_header("Origin")
        await send(message)

    return send_with_cors
