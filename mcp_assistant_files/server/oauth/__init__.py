"""``serve`` as an OAuth 2.1 resource server (the MCP authorization spec).

- :mod:`.settings`: issuer, audience, the scope each tool needs, where the metadata lives;
- :mod:`.keys`: the issuer's signing keys, discovered, cached and refreshed;
- :mod:`.verifier`: JWT access tokens (and the static token) checked as the SDK's ``TokenVerifier``;
- :mod:`.layer`: the HTTP layer (401/403/503 and RFC 9728 metadata) from the SDK's auth parts.

The tools/list and tools/call side (a token sees and calls only the tools its scopes allow) is
``server.handlers.serve_tools_by_scope``. Tokens are never passed upstream: the upstream key is the
server's own. Only :mod:`.settings` is imported with this package: the JOSE library and the
cryptography behind it load in :func:`protect`, so a server without OAuth (stdio above all,
where start-up time is the host's wait) never pays for them.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette

from .settings import DEFAULT_LEEWAY, METADATA_PATH, ResourceServer

__all__ = ["DEFAULT_LEEWAY", "METADATA_PATH", "ResourceServer", "protect"]


def protect(
    app: Starlette,
    resource: ResourceServer,
    *,
    name: str,
    static_token: str | None,
    mcp_path: str,
    public: Callable[[str], bool],
) -> None:
    """Serve ``resource``'s metadata on ``app`` and require its access tokens (or ``static_token``,
    with every scope) on every path but the ``public`` ones, each tool call its scope."""
    # Imported here, not above: see the module's docstring.
    from .keys import KeySet
    from .layer import OAuthLayer, metadata_routes
    from .verifier import JwtVerifier, StaticTokenOr

    app.router.routes.extend(metadata_routes(resource, name))
    jwts = JwtVerifier(resource, KeySet(resource.issuer, resource.jwks_url))
    verifier = StaticTokenOr(static_token, resource.scopes_supported, jwts) if static_token else jwts
    app.add_middleware(OAuthLayer, resource=resource, verifier=verifier, mcp_path=mcp_path, public=public)
