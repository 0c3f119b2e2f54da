"""MCP clients for a served process: one ``connect`` for every HTTP transport, a cursor walk, and
a host's stdio start (``tool_names_over_stdio``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult, TextContent

from mcp_assistant_files.service.catalog import TOOL_NAMES as ALL_TOOLS

from .serving import Served

__all__ = ["MODES", "PROTOCOL", "TOOL_NAMES", "connect", "text_of", "tool_names_over_stdio", "walk"]

MODES = ("auto", "legacy")
PROTOCOL = {"auto": "2026-07-28", "legacy": "2025-11-25"}
# Every tool a default `serve` offers (upload_file needs --upload-root).
TOOL_NAMES = set(ALL_TOOLS) - {"upload_file"}
MAX_PAGES = 20


def text_of(result: CallToolResult) -> str:
    """The result's text content, joined."""
    return " ".join(c.text for c in result.content if isinstance(c, TextContent))


@asynccontextmanager
async def connect(
    served: Served,
    transport: str,
    mode: str = "auto",
    *,
    headers: Mapping[str, str] | None = None,
    **client_options: Any,
) -> AsyncIterator[Client]:
    """A connected ``Client`` for ``served`` over ``transport`` ("sse" or streamable HTTP)."""
    if transport == "sse":
        async with Client(
            sse_client(f"{served.base}/sse", headers=dict(headers or {})), mode=mode, **client_options
        ) as client:
            yield client
        return
    async with (
        httpx2.AsyncClient(headers=dict(headers or {}), timeout=10.0) as http,
        Client(
            streamable_http_client(f"{served.base}/mcp", http_client=http), mode=mode, **client_options
        ) as client,
    ):
        yield client


async def walk(client: Client, assistant_id: str, *, limit: int) -> tuple[list[str], int]:
    """Follow ``next_cursor`` from the first page to the end: every id seen, and the page count."""
    seen: list[str] = []
    cursor: str | None = None
    for page in range(1, MAX_PAGES + 1):
        arguments: dict[str, Any] = {"assistant_id": assistant_id, "limit": limit}
        if cursor is not None:
            arguments["cursor"] = cursor
        result = await client.call_tool("list_assistant_files", arguments)
        assert not result.is_error, text_of(result)
        assert result.structured_content is not None
        seen += [f["id"] for f in result.structured_content["files"]]
        cursor = result.structured_content.get("next_cursor")
        if cursor is None:
            return seen, page
    raise AssertionError(f"the walk did not end within {MAX_PAGES} pages")


async def tool_names_over_stdio(
    command: str, args: Sequence[str], env: Mapping[str, str], *, timeout: float = 120.0
) -> set[str]:
    """Start ``command args`` over stdio as a host does, initialize, and list the tools' names."""
    params = StdioServerParameters(command=command, args=list(args), env=dict(env))
    with anyio.fail_after(timeout):
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            result = await session.list_tools()
    return {tool.name for tool in result.tools}
