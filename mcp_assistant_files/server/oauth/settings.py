"""This server as an OAuth 2.1 resource server: who issues its tokens, whom they must name, what
each tool needs, and where its metadata lives.

URLs are checked when the server starts (a mistake there is exit status 2, not a 401 for every
client later); whether the issuer answers is not: it may be down when we start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from mcp.server.auth.routes import build_resource_metadata_url
from pydantic import AnyHttpUrl

from ...service.scopes import supported
from ...web.guard import is_loopback

__all__ = [
    "DEFAULT_LEEWAY",
    "METADATA_PATH",
    "ResourceServer",
    "check_url",
    "metadata_urls",
]

DEFAULT_LEEWAY = 30.0  # seconds of clock skew allowed between the issuer and us (nbf, iat)
METADATA_PATH = "/.well-known/oauth-protected-resource"


def check_url(url: str, flag: str, example: str) -> str:
    """``url`` if it is ``https://host[:port]/path`` (plain ``http`` on loopback only), else ``ValueError``.

    OAuth 2.1 sends tokens and keys over TLS only; loopback is allowed for local testing, as
    the SDK allows it for issuers.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsed only to refuse an invalid port
    except ValueError:
        raise ValueError(f"{flag} {url!r} is not a URL: write it like {example}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{flag} must be an https URL like {example}, not {url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(f"{flag} must use https (plain http only on loopback): {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{flag} must not contain a user name or password")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError(f"{flag} must not contain a query or fragment ('?', '#'): write it like {example}")
    return url


def metadata_urls(issuer: str) -> list[str]:
    """Where the issuer's metadata may be, in the order tried (as MCP clients try them).

    RFC 8414 inserts ``/.well-known/oauth-authorization-server`` before the issuer's path; OpenID
    Connect Discovery appends ``/.well-known/openid-configuration`` to it (Keycloak, Auth0,
    Entra ID), and RFC 8414 section 5 names the inserted form of that as well.
    """
    parts = urlsplit(issuer)
    origin, path = f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")
    urls = [
        f"{origin}/.well-known/oauth-authorization-server{path}",
        f"{origin}/.well-known/openid-configuration{path}",
        f"{origin}{path}/.well-known/openid-configuration",
    ]
    return list(dict.fromkeys(urls))


@dataclass(frozen=True)
class ResourceServer:
    """The OAuth settings of ``serve``: checked tokens name ``issuer`` and ``audience``."""

    issuer: str
    """The authorization server's issuer identifier, exactly as its tokens' ``iss`` says it."""
    audience: str
    """This server's canonical URL (the RFC 8707 resource), which tokens' ``aud`` must name."""
    needs: Mapping[str, str]
    """Tool name -> the scope a token needs to call it (see ``service.scopes``)."""
    jwks_url: str | None = None
    """The issuer's key set; ``None``: the ``jwks_uri`` of its metadata."""
    leeway: float = DEFAULT_LEEWAY

    @classmethod
    def checked(
        cls, *, issuer: str, audience: str, needs: Mapping[str, str], jwks_url: str | None = None
    ) -> ResourceServer:
        """The settings, each URL checked (``ValueError`` names the flag at fault)."""
        check_url(issuer, "--auth-issuer", "https://login.example.com/realms/main")
        check_url(audience, "--auth-audience", "https://mcp.example.com/mcp")
        if jwks_url is not None:
            check_url(jwks_url, "--auth-jwks-url", "https://login.example.com/keys")
        return cls(issuer, audience, dict(needs), jwks_url)

    @property
    def audiences(self) -> tuple[str, ...]:
        """The ``aud`` values accepted: the audience, with and without a trailing slash."""
        bare = self.audience.rstrip("/")
        return (bare, f"{bare}/")

    @property
    def scopes_supported(self) -> list[str]:
        """Every scope some served tool needs, for the metadata."""
        return supported(self.needs)

    @property
    def metadata_url(self) -> str:
        """RFC 9728's metadata URL for the audience: the well-known path, then the audience's path."""
        return str(build_resource_metadata_url(AnyHttpUrl(self.audience)))

    @property
    def metadata_paths(self) -> tuple[str, ...]:
        """Where this server answers with its metadata: the path-suffixed form and the bare one."""
        suffixed = urlsplit(self.metadata_url).path
        return tuple(dict.fromkeys((suffixed, METADATA_PATH)))
