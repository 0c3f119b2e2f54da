"""The MCP server: every declared tool the policy allows, registered through ``sdk.make_tool``."""

from __future__ import annotations

from collections.abc import Sequence

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool

from .._version import __version__
from ..service.declaration import ToolFamily
from .sdk import advertise_only_what_exists, make_tool

__all__ = ["INSTRUCTIONS", "build_server"]

INSTRUCTIONS = """\
Manage the files attached to OpenAI-style (v1) assistants.
- list_assistant_files returns one page. When the result has next_cursor, call it again with the same \
assistant_id, order and limit and cursor=next_cursor to get the next page; previous_cursor goes back. \
Cursors are opaque: pass them exactly as returned; omit cursor (or send "") to start from the first page.
- get_assistant_file checks one attachment; attach_assistant_file and detach_assistant_file change \
them (attach is idempotent; detach keeps the file itself).
- Errors say what to do next: follow them.
"""


def build_server(*families: ToolFamily, redact: Sequence[str] = ()) -> MCPServer:
    """The MCP server exposing the tools each family's ``policy`` allows.

    ``redact`` lists secrets (besides each upstream key) that must never appear in a result.
    Capabilities follow what is registered: tools now; resources or prompts once some exist.
    """
    tools: list[Tool] = []
    for family in families:
        secrets = (*redact, family.client.api_key or "")
        for spec in family.specs():
            if family.policy.allows(spec):
                tools.append(make_tool(spec, getattr(family, spec.method), secrets=secrets))
    server = MCPServer(
        "mcp-assistant-files",
        title="Assistant files",
        description="List, get, attach and detach the files of OpenAI-style (v1) assistants.",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
        tools=tools,
    )
    return advertise_only_what_exists(server)
