"""Who may use ``serve`` over HTTP: the static token, OAuth access tokens, and the bind-address rule.

- ``MCP_ASSISTANT_FILES_AUTH_TOKEN`` alone: clients send that bearer token.
- ``--auth-issuer`` (with ``--auth-audience``): clients send access tokens of that issuer, each
  calling only the tools its scopes allow; the static token, if also set, is still accepted,
  with every scope (for your own scripts and checks).
- Binding anything but loopback needs one of them, or ``--insecure-no-auth``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..service.declaration import ToolSpec
from ..service.scopes import ScopeMap
from ..web.guard import is_loopback

if TYPE_CHECKING:  # imported only when OAuth is configured: a stdio server never needs it
    from ..server.oauth import ResourceServer

__all__ = ["AUTH_TOKEN_ENV", "Access", "UsageError", "http_access", "secret_from_environment"]

AUTH_TOKEN_ENV = "MCP_ASSISTANT_FILES_AUTH_TOKEN"  # noqa: S105 - the variable's name
_OAUTH_DETAILS = ("--auth-audience", "--auth-jwks-url", "--auth-read-scope", "--auth-write-scope")


class UsageError(Exception):
    """A command line that cannot work; the message says how to fix it."""


def secret_from_environment(name: str) -> str | None:
    """The variable's value without surrounding whitespace; unset or empty is ``None``.

    A value of only whitespace is refused: it would lock every client out (or, for a token,
    look like one while protecting nothing).
    """
    value = os.environ.get(name)
    if not value:
        return None
    if not value.strip():
        raise UsageError(f"{name} is set but blank: set it to a real value, or unset it")
    return value.strip()


@dataclass(frozen=True)
class Access:
    """How HTTP clients authenticate: the static token, and OAuth (its scopes per family and verb)."""

    token: str | None = None
    oauth: ResourceServer | None = None
    scopes: ScopeMap | None = None

    def resource_server(self, specs: Iterable[ToolSpec]) -> ResourceServer | None:
        """The OAuth settings with the scope each of ``specs`` (the served tools) needs."""
        if self.oauth is None or self.scopes is None:
            return None
        return replace(self.oauth, needs=self.scopes.needs(specs))


def http_access(args: argparse.Namespace, *, http: bool) -> Access:
    """The token and the ``--auth-*`` flags of ``serve``, checked; ``UsageError`` says what is wrong."""
    token = secret_from_environment(AUTH_TOKEN_ENV)
    given = [flag for flag in _OAUTH_DETAILS if getattr(args, flag[2:].replace("-", "_"))]
    if not args.auth_issuer:
        if given:
            raise UsageError(f"{given[0]} applies only with --auth-issuer (the authorization server): add it")
        access = Access(token)
    elif not http:
        raise UsageError("--auth-issuer applies to HTTP: add --transport streamable-http (or sse)")
    elif not args.auth_audience:
        raise UsageError(
            "--auth-issuer needs --auth-audience, this server's canonical URL as clients reach it, "
            "e.g. https://mcp.example.com/mcp"
        )
    else:
        from ..server.oauth import ResourceServer

        try:
            scopes = ScopeMap.parse(args.auth_read_scope, args.auth_write_scope)
            oauth = ResourceServer.checked(
                issuer=args.auth_issuer, audience=args.auth_audience, needs={}, jwks_url=args.auth_jwks_url
            )
        except ValueError as err:
            raise UsageError(str(err)) from None
        access = Access(token, oauth, scopes)
    if http and not is_loopback(args.host) and not token and not access.oauth and not args.insecure_no_auth:
        raise UsageError(
            f"binding {args.host} exposes the server beyond this machine: set {AUTH_TOKEN_ENV} to a bearer "
            "token clients must send, or --auth-issuer and --auth-audience for OAuth, or pass "
            "--insecure-no-auth if something in front of it authenticates"
        )
    return access
