"""The MCP server: every declared tool the policy allows, registered through ``sdk.make_tool``
with its published schemas (``published``); with OAuth, each callable only with the scope its
family and verb need (``service.scopes``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from mcp.server.caching import CacheableMethod, CacheHint
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool

from .._version import __version__
from ..service.declaration import ToolFamily, ToolSpec
from .handlers import advertise_only_what_exists, answer_unserved_tools, serve_tools_by_scope
from .invalid_params import ExplainInvalidParams
from .published import published_schemas
from .resources import add_resources
from .sdk import check_param_headers_where_declared, make_tool, new_mcp_server

__all__ = ["CACHE_HINTS", "INSTRUCTIONS", "build_server", "served"]

_FIVE_MINUTES_MS = 5 * 60 * 1000
CACHE_HINTS: dict[CacheableMethod, CacheHint] = {
    # Fixed for the life of the process, and the same for every caller: shared caches may keep them.
    "server/discover": CacheHint(_FIVE_MINUTES_MS, "public"),
    "tools/list": CacheHint(_FIVE_MINUTES_MS, "public"),
    "resources/list": CacheHint(_FIVE_MINUTES_MS, "public"),
    "resources/templates/list": CacheHint(_FIVE_MINUTES_MS, "public"),
    # Upstream data, read with the server's key, that changes (a file's processing status): never cached.
    "resources/read": CacheHint(0, "private"),
}
"""Cache hints (protocol revision 2026-07-28: ``ttlMs``/``cacheScope``) of each cacheable result."""

INSTRUCTIONS = """\
Manage the files an assistant searches.
- Listing tools return one page. When next_cursor is set, call the tool again with the same arguments and \
cursor=next_cursor for the next page; previous_cursor goes back. Cursors are opaque: pass them exactly as \
returned; omit cursor (or send "") to start from the first page. Every result says its next_step.
- Errors say what to do next: follow them.
"""


def served(families: Sequence[ToolFamily]) -> Iterator[tuple[ToolFamily, ToolSpec]]:
    """Each tool the server registers, with its family: what the policy allows and the family offers."""
    for family in families:
        for spec in family.specs():
            if family.policy.allows(spec) and family.offers(spec):
                yield family, spec


def build_server(
    *families: ToolFamily, redact: Sequence[str] = (), needs: Mapping[str, str] | None = None
) -> MCPServer:
    """The MCP server exposing the tools each family's ``policy`` allows.

    ``redact`` lists secrets (besides each upstream key) that must never appear in a result.
    With ``needs`` (tool -> scope), a request sees and calls only the tools its access token
    has the scope for, and reads a family's resources only with the scope its reading tools need.
    Capabilities follow what is registered: tools; the resource template of each family with a
    registered tool, and completions of their ids; prompts once some exist. Params that break the
    protocol's schema are answered in a sentence (:mod:`.invalid_params`).
    """
    tools: list[Tool] = []
    guides = []
    families_served: list[ToolFamily] = []
    for family, spec in served(families):
        secrets = (*redact, family.client.api_key or "")
        handler = getattr(family, spec.method)
        tools.append(make_tool(spec, handler, secrets=secrets, published=published_schemas(spec.name)))
        if family.instructions not in guides:
            guides.append(family.instructions)
        if family not in families_served:
            families_served.append(family)
    server = new_mcp_server(
        "mcp-assistant-files",
        title="Assistant files",
        description="List, get, attach and detach the files an assistant searches: vector stores, uploaded files "
        "and v1 assistants.",
        instructions=INSTRUCTIONS + "\n".join(guides) + "\n",
        version=__version__,
        log_level="WARNING",
        tools=tools,
        cache_hints=CACHE_HINTS,
        middleware=[ExplainInvalidParams()],  # a sentence for params that break the schema
    )
    check_param_headers_where_declared(server)
    answer_unserved_tools(server, withheld(families))
    if needs is not None:
        serve_tools_by_scope(server, needs)
    add_resources(
        server, families_served, redact, read_scopes=None if needs is None else read_scopes(families, needs)
    )
    return advertise_only_what_exists(server)


def withheld(families: Sequence[ToolFamily]) -> dict[str, str]:
    """Each declared tool the server leaves out, with why (for the sentence a call of it gets)."""
    reasons: dict[str, str] = {}
    for family in families:
        for spec in family.specs():
            if not family.policy.allows(spec):
                reasons[spec.name] = "the server was started without it: --read-only, --tools or --toolsets"
            elif not family.offers(spec):
                reasons[spec.name] = family.not_offered_because(spec)
    return reasons


def read_scopes(families: Sequence[ToolFamily], needs: Mapping[str, str]) -> dict[str, str]:
    """Family -> the scope its reading tools need (what reading its resources needs too)."""
    return {
        spec.family: needs[spec.name]
        for family in families
        for spec in family.specs()
        if spec.hints.read_only and spec.name in needs
    }
