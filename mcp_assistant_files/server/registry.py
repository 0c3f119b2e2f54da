"""The MCP server: every declared tool the policy allows, registered through ``sdk.make_tool``;
with OAuth, each callable only with the scope its family and verb need (``service.scopes``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool

from .._version import __version__
from ..service.declaration import ToolFamily, ToolSpec
from .sdk import advertise_only_what_exists, make_tool, serve_tools_by_scope

__all__ = ["INSTRUCTIONS", "build_server", "served"]

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
    has the scope for. Capabilities follow what is registered: tools now; resources or prompts
    once some exist.
    """
    tools: list[Tool] = []
    guides = []
    for family, spec in served(families):
        secrets = (*redact, family.client.api_key or "")
        tools.append(make_tool(spec, getattr(family, spec.method), secrets=secrets))
        if family.instructions not in guides:
            guides.append(family.instructions)
    server = MCPServer(
        "mcp-assistant-files",
        title="Assistant files",
        description="List, get, attach and detach the files an assistant searches: vector stores, uploaded files "
        "and v1 assistants.",
        instructions=INSTRUCTIONS + "\n".join(guides) + "\n",
        version=__version__,
        log_level="WARNING",
        tools=tools,
    )
    if needs is not None:
        serve_tools_by_scope(server, needs)
    return advertise_only_what_exists(server)
