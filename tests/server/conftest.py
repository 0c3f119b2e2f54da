"""Fixtures for in-memory MCP tests: a server over the embedded backend, seeded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from mcp import Client
from mcp_types import CallToolResult, TextContent

from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.service.assistant_files import AssistantFilesTools
from mcp_assistant_files.service.cursors import CursorCodec
from mcp_assistant_files.service.declaration import ToolPolicy
from mcp_assistant_files.service.upstream import Upstream, open_upstream

SECRET = b"test-secret-0123456789abcdef-xyz"
MODES = ("auto", "legacy")


def text_of(result: CallToolResult) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, TextContent))


@dataclass
class World:
    """A local backend with one seeded assistant, and a way to connect MCP clients to it."""

    upstream: Upstream
    assistant_id: str
    file_ids: list[str]

    def service(self, **kwargs: Any) -> AssistantFilesTools:
        kwargs.setdefault("codec", CursorCodec(SECRET))
        return AssistantFilesTools(client=self.upstream.client, upstream_label=self.upstream.label, **kwargs)

    @asynccontextmanager
    async def connect(self, mode: str = "auto", **kwargs: Any) -> AsyncIterator[Client]:
        async with Client(build_server(self.service(**kwargs)), mode=mode) as client:
            yield client

    def seed(self, count: int) -> list[str]:
        assert self.upstream.store is not None
        return self.upstream.store.seed_attachments(self.assistant_id, count)

    def new_assistant(self) -> str:
        assert self.upstream.store is not None
        assistant_id: str = self.upstream.store.create_assistant()["id"]
        return assistant_id

    def new_file(self) -> str:
        assert self.upstream.store is not None
        file_id: str = self.upstream.store.create_file("x.txt", b"x", "assistants")["id"]
        return file_id


@pytest.fixture
def world() -> Iterator[World]:
    upstream = open_upstream(base_url=None, db=":memory:")
    assert upstream.store is not None
    assistant_id = upstream.store.create_assistant(name="test")["id"]
    yield World(upstream, assistant_id, [])
    upstream.store.close()


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """Both protocol revisions the SDK serves: 2026-07-28 (auto) and the 2025-11-25 handshake."""
    value: str = request.param
    return value


__all__ = ["MODES", "SECRET", "ToolPolicy", "World", "text_of"]
