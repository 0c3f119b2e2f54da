"""``--read-only``, ``--tools`` and ``--allow-assistant`` as served over HTTP."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from mcp_assistant_files.service.catalog import READ_ONLY_TOOLS

from .clients import MODES, connect, text_of
from .conftest import Fleet
from .serving import free_port, run_to_exit

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", MODES)
async def test_read_only_serves_list_and_get_and_has_no_attach(mode: str, fleet: Fleet) -> None:
    served, seeded = fleet.ready("read-only"), fleet.seeds["read-only"]
    with anyio.fail_after(15):
        async with connect(served, "streamable-http", mode) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            attach = await client.call_tool(
                "attach_assistant_file", {"assistant_id": seeded.assistant_id, "file_id": seeded.file_ids[0]}
            )
    assert names == set(READ_ONLY_TOOLS)
    assert attach.is_error
    assert text_of(attach) == (
        "attach_assistant_file is not served here (the server was started without it: --read-only, --tools or "
        "--toolsets): call tools/list for the tools you can call."
    )


async def test_tools_flag_serves_only_the_named_tool(
    fleet: Fleet,
) -> None:
    served, seeded = fleet.ready("one-tool"), fleet.seeds["one-tool"]
    with anyio.fail_after(15):
        async with connect(served, "streamable-http") as client:
            tools = (await client.list_tools()).tools
            listed = await client.call_tool("list_assistant_files", {"assistant_id": seeded.assistant_id})
    assert [t.name for t in tools] == ["list_assistant_files"]
    assert not listed.is_error, text_of(listed)


@pytest.mark.parametrize("tool", ["list_assistant_files", "get_assistant_file", "detach_assistant_file"])
async def test_allow_assistant_refuses_other_assistants_naming_the_allowlist(tool: str, fleet: Fleet) -> None:
    served, seeded, other = fleet.ready("allowlist"), fleet.seeds["allowlist"], fleet.others["allowlist"]
    file_args = {} if tool == "list_assistant_files" else {"file_id": seeded.file_ids[0]}
    with anyio.fail_after(15):
        async with connect(served, "streamable-http") as client:
            refused = await client.call_tool(tool, {"assistant_id": other, **file_args})
            allowed = await client.call_tool(
                "list_assistant_files", {"assistant_id": seeded.assistant_id, "limit": 100}
            )
    assert refused.is_error
    text = text_of(refused)
    assert other in text and "--allow-assistant" in text and seeded.assistant_id in text
    # The refusal happened before the upstream: nothing was detached.
    assert not allowed.is_error and allowed.structured_content is not None
    assert len(allowed.structured_content["files"]) == 3


def test_unknown_tool_name_in_tools_flag_exits_2_listing_the_choices(tmp_path: Path) -> None:
    done = run_to_exit(
        "--transport", "streamable-http", "--port", str(free_port()), "--db", str(tmp_path / "db.sqlite3"),
        "--tools", "list_assistant_files,bogus",
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "--tools" in done.stderr and "bogus" in done.stderr and "get_assistant_file" in done.stderr
