"""Fixtures for in-memory MCP tests: a server over the embedded backend, seeded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp_types import CallToolResult, TextContent

from mcp_assistant_files.backend import Store
from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.service.assistant_files import AssistantFilesTools
from mcp_assistant_files.service.cursors import CursorCodec
from mcp_assistant_files.service.declaration import ToolFamily, ToolPolicy
from mcp_assistant_files.service.files import FilesTools
from mcp_assistant_files.service.upstream import Upstream, open_upstream
from mcp_assistant_files.service.vector_store_files import VectorStoreFilesTools

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
    uploads: Path
    """The upload folder servers built by ``connect`` offer ``upload_file`` for."""

    def service(self, **kwargs: Any) -> AssistantFilesTools:
        kwargs.setdefault("codec", CursorCodec(SECRET))
        return AssistantFilesTools(client=self.upstream.client, upstream_label=self.upstream.label, **kwargs)

    def families(self, *, upload_root: Path | bool | None = True, **kwargs: Any) -> list[ToolFamily]:
        """Every tool family over this backend (``kwargs``: codec, policy; ``upload_root=None``: no uploads)."""
        if upload_root is True:
            upload_root = self.uploads
        assert upload_root is None or isinstance(upload_root, Path)
        kwargs.setdefault("codec", CursorCodec(SECRET))
        kwargs["upstream_label"] = self.upstream.label
        return [
            AssistantFilesTools(client=self.upstream.client, **kwargs),
            VectorStoreFilesTools(client=self.upstream.openai, **kwargs),
            FilesTools(client=self.upstream.openai, upload_root=upload_root, **kwargs),
        ]

    @asynccontextmanager
    async def connect(self, mode: str = "auto", **kwargs: Any) -> AsyncIterator[Client]:
        """An MCP client of a server with every family, the backend's ingestion worker running."""
        server = build_server(*self.families(**kwargs))
        async with self.upstream.running(), Client(server, mode=mode) as client:
            yield client

    @property
    def store(self) -> Store:
        assert self.upstream.store is not None
        return self.upstream.store

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
def world(tmp_path: Path) -> Iterator[World]:
    upstream = open_upstream(base_url=None, db=":memory:")
    assert upstream.store is not None
    assistant_id = upstream.store.create_assistant(name="test")["id"]
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    yield World(upstream, assistant_id, [], uploads)
    upstream.store.close()


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """Both protocol revisions the SDK serves: 2026-07-28 (auto) and the 2025-11-25 handshake."""
    value: str = request.param
    return value


__all__ = ["MODES", "SECRET", "ToolPolicy", "World", "text_of"]
