"""``OpenAIClient`` uploads over a real socket to the local backend (uvicorn): the multipart body
is framed right whether its length is known (a path) or not (a pipe, sent chunked); on each store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp_assistant_files import AsyncOpenAIClient, OpenAIClient
from mcp_assistant_files.backend.testing import serve_in_thread
from tests.client.harness import KINDS, Kind
from tests.stores import KINDS as STORES
from tests.stores import database

DATA = os.urandom(300 * 1024)


@pytest.fixture(scope="module", params=STORES)
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The backend on each store (SQLite in memory, a PostgreSQL schema)."""
    with database(request.param) as db, serve_in_thread(db) as url:
        yield url


def upload(kind: Kind, base_url: str, file: Any) -> Any:
    if kind == "sync":
        with OpenAIClient(base_url=base_url, api_key="") as client:
            created = client.files.create(file=file, purpose="assistants")
            return created, client.files.retrieve(created.id)

    async def go() -> Any:
        async with AsyncOpenAIClient(base_url=base_url, api_key="") as client:
            created = await client.files.create(file=file, purpose="assistants")
            return created, await client.files.retrieve(created.id)

    return anyio.run(go)


@pytest.mark.parametrize("kind", KINDS)
def test_a_path_is_streamed_with_its_length(kind: Kind, base_url: str, tmp_path: Path) -> None:
    path = tmp_path / "report.bin"
    path.write_bytes(DATA)
    created, retrieved = upload(kind, base_url, path)
    assert (created.filename, created.bytes, created.purpose) == ("report.bin", len(DATA), "assistants")
    assert retrieved == created


@pytest.mark.parametrize("kind", KINDS)
def test_a_pipe_is_sent_chunked(kind: Kind, base_url: str) -> None:
    read_end, write_end = os.pipe()
    with open(read_end, "rb") as pipe:
        with open(write_end, "wb") as writer:
            writer.write(DATA[:50_000])
        created, _ = upload(kind, base_url, ("piped.txt", pipe))
    assert (created.filename, created.bytes) == ("piped.txt", 50_000)
