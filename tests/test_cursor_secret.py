"""Without MCP_ASSISTANT_FILES_CURSOR_SECRET, cursors still survive a server restart on this machine."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from mcp_assistant_files.backend import Store
from mcp_assistant_files.service.cursor_secret import secret_from_file


def test_the_secret_file_is_created_private_and_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "cursor-secret"
    first = secret_from_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_from_file(path) == first
    assert len(first) == 32
    assert list(path.parent.iterdir()) == [path], "no temporary file is left behind"


def test_a_secret_file_that_is_too_short_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cursor-secret"
    path.write_text("short")
    with pytest.raises(OSError, match="too short"):
        secret_from_file(path)


async def _page(db: Path, assistant_id: str, cursor: str | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MCP_ASSISTANT_FILES_"))}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "mcp_assistant_files", "serve", "--db", str(db)], env=env
    )
    async with Client(params) as client:
        args: dict[str, Any] = {"assistant_id": assistant_id, "limit": 5}
        result = await client.call_tool(
            "list_assistant_files", {**args, **({"cursor": cursor} if cursor else {})}
        )
    assert not result.is_error, result.content
    assert result.structured_content is not None
    content: dict[str, Any] = result.structured_content
    return content


@pytest.mark.slow
def test_a_cursor_from_one_stdio_server_works_in_the_next(tmp_path: Path) -> None:
    db = tmp_path / "backend.sqlite3"
    with Store.open(db, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        seeded = store.seed_attachments(assistant_id, 8)
    first = anyio.run(_page, db, assistant_id, None)
    second = anyio.run(_page, db, assistant_id, first.get("next_cursor"))
    assert [f["id"] for f in first["files"] + second["files"]] == seeded[::-1]
    assert (tmp_path / "cursor-secret").exists()
