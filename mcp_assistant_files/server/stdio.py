"""Serving over stdin/stdout (stdout carries nothing but the protocol's messages)."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer

from ..service.upstream import Upstream

__all__ = ["run_stdio"]


async def run_stdio(server: MCPServer, upstream: Upstream) -> None:
    """Serve over stdin/stdout until the client goes away, then close the upstream."""
    try:
        await server.run_stdio_async()
    finally:
        await upstream.aclose()
