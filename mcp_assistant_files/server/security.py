"""The MCP server's ``Host``/``Origin`` allowlist and CORS, in :class:`~..web.guard.HttpGuard`'s terms
and in the SDK's.

The SDK checks ``Host``/``Origin`` again inside its transports; it gets the same allowlist
(:func:`sdk_settings`), so both always agree. Browsers on an allowed origin may send the MCP
headers and read ``Mcp-Session-Id``.
"""

from __future__ import annotations

from mcp.server.transport_security import TransportSecuritySettings

from ..web.guard import Allowlist, Cors

__all__ = ["MCP_CORS", "sdk_settings"]

MCP_CORS = Cors(
    methods="GET, POST, DELETE",
    headers=(
        "Authorization", "Content-Type", "Accept", "Mcp-Session-Id", "MCP-Protocol-Version",
        "Last-Event-ID", "Mcp-Method", "Mcp-Name",
    ),
    exposed="Mcp-Session-Id, WWW-Authenticate",
    header_prefixes=("mcp-param-",),  # 2026-07-28 clients send one per tool argument they route on
)  # fmt: skip


def sdk_settings(allowlist: Allowlist) -> TransportSecuritySettings:
    """``allowlist`` in the SDK's terms (``name:*`` is "any port")."""
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[h for name in allowlist.names for h in (name, f"{name}:*")] + list(allowlist.hosts),
        allowed_origins=[o for site in allowlist.origin_sites for o in (site, f"{site}:*")]
        + list(allowlist.origins),
    )
