"""Shared helpers: an MCP server in memory over any upstream client, recorded backoff, error checks."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import httpx2
import pytest
from mcp import Client
from mcp_types import CallToolResult, TextContent

from mcp_assistant_files import AsyncAssistantsClient
from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.service.aio_transport import AiohttpTransport
from mcp_assistant_files.service.assistant_files import AssistantFilesTools
from mcp_assistant_files.service.cursors import CursorCodec

SECRET = b"reliability-secret-0123456789abcdef"
API_KEY = "sk-reliability-KEY-3f9c2a7d51e84b6f"


def text_of(result: CallToolResult) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, TextContent))


def assert_one_sentence_error(result: CallToolResult) -> str:
    """An ``isError`` result whose text is one line an agent can read: no traceback, no SDK prefix."""
    assert result.is_error, result.structured_content
    text = text_of(result)
    assert text.strip(), "an error result says something"
    assert "\n" not in text
    assert "Traceback" not in text
    assert "Error executing tool" not in text
    assert API_KEY not in text
    return text


def assert_backoff(delays: list[float]) -> None:
    """Each pause is ``min(0.5 * 2**n, 8)`` seconds times a jitter in (0.75, 1]."""
    for n, delay in enumerate(delays):
        full = min(0.5 * 2**n, 8.0)
        assert 0.75 * full < delay <= full, (n, delay)


def service_for(client: AsyncAssistantsClient, **kwargs: Any) -> AssistantFilesTools:
    kwargs.setdefault("codec", CursorCodec(SECRET))
    return AssistantFilesTools(client=client, upstream_label=f"the upstream at {client.base_url}", **kwargs)


@asynccontextmanager
async def mcp_over(
    client: AsyncAssistantsClient, mode: Literal["auto", "legacy"] = "auto", **kwargs: Any
) -> AsyncIterator[Client]:
    """An in-memory MCP client of a server whose tools use ``client``."""
    async with Client(build_server(service_for(client, **kwargs)), mode=mode) as mcp_client:
        yield mcp_client


@asynccontextmanager
async def upstream_client(
    base_url: str, *, via: str = "httpx2", **kwargs: Any
) -> AsyncIterator[AsyncAssistantsClient]:
    """A client with its own pool (``client._http``), closed on exit: httpx2's transport (what the
    client library uses), or with ``via="aiohttp"`` the server's (``service/aio_transport.py``)."""
    kwargs.setdefault("api_key", API_KEY)
    http = httpx2.AsyncClient(transport=transport_via(via))
    client = AsyncAssistantsClient(base_url=base_url, http_client=http, **kwargs)
    try:
        yield client
    finally:
        await http.aclose()


def transport_via(via: str) -> httpx2.AsyncBaseTransport:
    """httpx2's own transport (``"httpx2"``) or the server's upstream transport (``"aiohttp"``)."""
    if via == "aiohttp":
        return AiohttpTransport(httpx2.Limits(max_connections=20, max_keepalive_connections=20))
    assert via == "httpx2", via
    return httpx2.AsyncHTTPTransport()


def pool_connections(client: AsyncAssistantsClient) -> list[Any]:
    """The connections the client's pool holds (httpcore2 objects)."""
    transport = client._http._transport
    assert isinstance(transport, httpx2.AsyncHTTPTransport)
    return list(transport._pool.connections)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
