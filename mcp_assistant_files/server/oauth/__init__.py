"""``serve`` as an OAuth 2.1 resource server (the MCP authorization spec).

- :mod:`.settings`: issuer, audience, the scope each tool needs, where the metadata lives;
- :mod:`.keys`: the issuer's signing keys, discovered, cached and refreshed;
- :mod:`.verifier`: JWT access tokens (and the static token) checked as the SDK's ``TokenVerifier``;
- :mod:`.layer`: the HTTP layer (401/403/503 and RFC 9728 metadata) from the SDK's auth parts.

The tools/list and tools/call side (a token sees and calls only the tools its scopes allow) is
``server.sdk.serve_tools_by_scope``. Tokens are never passed upstream: the upstream key is the
server's own.
"""

from __future__ import annotations

from mcp.server.auth.provider import TokenVerifier

from .keys import KeySet, KeysUnavailable
from .layer import OAuthLayer, metadata_routes
from .settings import DEFAULT_LEEWAY, METADATA_PATH, ResourceServer
from .verifier import JwtVerifier, StaticTokenOr

__all__ = [
    "DEFAULT_LEEWAY",
    "METADATA_PATH",
    "JwtVerifier",
    "KeySet",
    "KeysUnavailable",
    "OAuthLayer",
    "ResourceServer",
    "StaticTokenOr",
    "metadata_routes",
    "verifier_for",
]


def verifier_for(resource: ResourceServer, static_token: str | None = None) -> TokenVerifier:
    """The verifier of ``serve``: the issuer's JWTs, and the static token too when one is set."""
    jwts = JwtVerifier(resource, KeySet(resource.issuer, resource.jwks_url))
    return StaticTokenOr(static_token, resource.scopes_supported, jwts) if static_token else jwts
