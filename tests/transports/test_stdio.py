"""``serve`` over stdio as a real subprocess: both protocol modes, and a clean stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.streams.buffered import BufferedByteReceiveStream
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from .clients import MODES, PROTOCOL, TOOL_NAMES, text_of, walk
from .serving import Seeded, clean_env, serve_command

pytestmark = pytest.mark.anyio

ANNOUNCEMENT = "upstream is the embedded local backend"


@pytest.mark.parametrize("mode", MODES)
async def test_stdio_subprocess_serves_tools_instructions_and_a_complete_walk(
    mode: str, seeded: Seeded, tmp_path: Path
) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mcp_assistant_files", "serve", "--db", str(seeded.db)],
        env=clean_env(),
    )
    errlog = tmp_path / "stderr.txt"
    with errlog.open("w") as err, anyio.fail_after(30):
        async with Client(stdio_client(params, errlog=err), mode=mode) as client:
            assert client.protocol_version == PROTOCOL[mode]
            assert client.instructions and "list_assistant_files" in client.instructions
            tools = await client.list_tools()
            assert {t.name for t in tools.tools} == TOOL_NAMES
            seen, pages = await walk(client, seeded.assistant_id, limit=25)
            got = await client.call_tool(
                "get_assistant_file", {"assistant_id": seeded.assistant_id, "file_id": seeded.file_ids[0]}
            )
    assert sorted(seen) == sorted(seeded.file_ids) and len(seen) == 60
    assert pages == 3
    assert not got.is_error, text_of(got)
    assert got.structured_content is not None and got.structured_content["id"] == seeded.file_ids[0]
    assert ANNOUNCEMENT in errlog.read_text()


def _request(request_id: int | None, method: str, params: dict[str, Any] | None = None) -> bytes:
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if request_id is not None:
        message["id"] = request_id
    if params is not None:
        message["params"] = params
    return json.dumps(message).encode() + b"\n"


async def test_stdio_stdout_carries_only_json_rpc_and_the_announcement_goes_to_stderr(
    seeded: Seeded, tmp_path: Path
) -> None:
    errlog = tmp_path / "stderr.txt"
    lines: list[bytes] = []
    with errlog.open("wb") as err:
        process = await anyio.open_process(
            serve_command(["--db", str(seeded.db), "--log-level", "DEBUG"]),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            env=clean_env(),
        )
        try:
            assert process.stdin is not None and process.stdout is not None
            stdout = BufferedByteReceiveStream(process.stdout)
            with anyio.fail_after(20):
                initialize = {
                    "protocolVersion": PROTOCOL["legacy"],
                    "capabilities": {},
                    "clientInfo": {"name": "raw-test", "version": "0"},
                }
                await process.stdin.send(_request(1, "initialize", initialize))
                lines.append(await stdout.receive_until(b"\n", 1 << 20))
                await process.stdin.send(_request(None, "notifications/initialized"))
                await process.stdin.send(_request(2, "tools/list", {}))
                lines.append(await stdout.receive_until(b"\n", 1 << 20))
                call = {"name": "list_assistant_files", "arguments": {"assistant_id": seeded.assistant_id}}
                await process.stdin.send(_request(3, "tools/call", call))
                lines.append(await stdout.receive_until(b"\n", 1 << 20))
                # Closing stdin ends the session: whatever else the process writes until it exits counts.
                await process.stdin.aclose()
                rest = b""
                while True:
                    try:
                        rest += await stdout.receive()
                    except anyio.EndOfStream:
                        break
                lines += rest.splitlines()
                assert await process.wait() == 0
        finally:
            if process.returncode is None:
                process.kill()
                with anyio.move_on_after(5):
                    await process.wait()
            await process.aclose()
    messages = [json.loads(line) for line in lines if line.strip()]
    assert len(messages) == len([line for line in lines if line.strip()])
    assert all(m.get("jsonrpc") == "2.0" for m in messages), messages
    responses = {m["id"]: m for m in messages if "id" in m}
    assert set(responses) == {1, 2, 3}
    assert responses[1]["result"]["protocolVersion"] == PROTOCOL["legacy"]
    assert {t["name"] for t in responses[2]["result"]["tools"]} == TOOL_NAMES
    assert len(responses[3]["result"]["structuredContent"]["files"]) == 20
    assert ANNOUNCEMENT in errlog.read_text()
