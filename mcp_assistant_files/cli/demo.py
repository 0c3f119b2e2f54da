"""``mcp-assistant-files demo``: an agent's session against a throw-away local backend.

Seeds a temporary database with one assistant and some attached files, starts
``mcp-assistant-files serve`` as a real stdio subprocess, connects with the MCP SDK's client and
makes the calls an agent would, printing each call and a readable result. Needs no key and no
network; the database is deleted at the end.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

import anyio
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp_types import CallToolResult, TextContent

from ..backend import Store
from .demo_vector_stores import VectorStoreDemo, seed_vector_store

__all__ = ["run_demo"]


def _say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _text(result: CallToolResult) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, TextContent))


def _summary(result: CallToolResult) -> str:
    """What an agent reads first: the error's sentence, or the result's ids and next step."""
    content = result.structured_content
    if result.is_error or not content:
        return _text(result)
    items = next((v for v in content.values() if isinstance(v, list)), None)
    if items is not None:
        ids = ", ".join(str(item.get("id")) for item in items[:3]) + (", …" if len(items) > 3 else "")
        return f"{len(items)} item(s) [{ids}]. {content['next_step']}"
    return str(content["next_step"])


def _short(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class DemoAgent:
    """Makes the agent's calls and shows each one and what came back."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.calls = 0

    async def call(
        self, tool: str, arguments: dict[str, Any], *, expect_error: bool = False, progress: bool = False
    ) -> CallToolResult:
        self.calls += 1
        shown = {k: (v[:24] + "…" if isinstance(v, str) and len(v) > 28 else v) for k, v in arguments.items()}
        _say(f"→ {tool}({json.dumps(shown, ensure_ascii=False)})")

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            _say(f"  … progress {progress:g}/{total:g} s: {message}")

        result = await self.client.call_tool(
            tool, arguments, progress_callback=on_progress if progress else None
        )
        if bool(result.is_error) != expect_error:
            raise RuntimeError(
                f"{tool} {'succeeded' if expect_error else 'failed'} unexpectedly: {_text(result)}"
            )
        _say(f"  {'✗ refused' if result.is_error else '✓'} {_short(_summary(result))}")
        return result


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r  walked {done}/{total} files")
        sys.stderr.flush()
        if done >= total:
            sys.stderr.write("\n")


async def _session(
    tmp: Path, assistant_id: str, spare_file: str, store_id: str, total: int, limit: int, errlog: TextIO
) -> int:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL",)}
    serve = ["serve", "--db", str(tmp / "demo.sqlite3"), "--upload-root", str(tmp / "uploads")]
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "mcp_assistant_files", *serve], env=env
    )
    async with Client(stdio_client(params, errlog=errlog)) as client:
        agent = DemoAgent(client)
        tools = await client.list_tools()
        _say(f"Connected over stdio; the server offers: {', '.join(t.name for t in tools.tools)}.\n")
        await VectorStoreDemo(agent, store_id, total, limit).run(_say)

        _say("5. v1 assistant files: list the first page, then follow next_cursor to the end:")
        args: dict[str, Any] = {"assistant_id": assistant_id, "limit": limit}
        page = await agent.call("list_assistant_files", args)
        seen = [f["id"] for f in (page.structured_content or {})["files"]]
        pages = [page]
        while (page.structured_content or {}).get("next_cursor"):
            cursor = (page.structured_content or {}).get("next_cursor")
            page = await agent.call("list_assistant_files", {**args, "cursor": cursor})
            seen += [f["id"] for f in (page.structured_content or {})["files"]]
            pages.append(page)
            _progress(len(seen), total)
        if len(seen) != total or len(set(seen)) != total:
            raise RuntimeError(f"the walk saw {len(seen)} ids ({len(set(seen))} distinct), expected {total}")
        _say(f"  Every one of the {total} files seen exactly once, in {len(pages)} pages.\n")

        _say("6. Walk back one page with previous_cursor:")
        previous = (page.structured_content or {}).get("previous_cursor")
        if previous is None:
            _say("  (a single page: there is nothing to walk back to)")
        else:
            back = await agent.call("list_assistant_files", {**args, "cursor": previous})
            if (back.structured_content or {})["files"] != (pages[-2].structured_content or {})["files"]:
                raise RuntimeError("previous_cursor did not lead back to the previous page")
            _say("  The same files as the previous page.")
        _say()

        _say("7. Get one file, attach a new one, detach it again:")
        await agent.call("get_assistant_file", {"assistant_id": assistant_id, "file_id": seen[0]})
        await agent.call("attach_assistant_file", {"assistant_id": assistant_id, "file_id": spare_file})
        await agent.call("detach_assistant_file", {"assistant_id": assistant_id, "file_id": spare_file})
        _say()

        _say("8. A refused call: a tampered cursor is rejected with advice:")
        cursor = (pages[0].structured_content or {}).get("next_cursor") or "x" * 40
        tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
        await agent.call("list_assistant_files", {**args, "cursor": tampered}, expect_error=True)
        _say()
        _say(f"Done: {agent.calls} tool calls over stdio, no key and no network needed.")
    return 0


def run_demo(*, files: int = 45, limit: int = 20) -> int:
    """Seed, serve, play the session; 0 on success."""
    if not 1 <= limit <= 100 or files < 1:
        sys.stderr.write("demo: --files must be at least 1 and --limit from 1 to 100\n")
        return 2
    with tempfile.TemporaryDirectory(prefix="mcp-assistant-files-demo-") as folder:
        tmp = Path(folder)
        db = tmp / "demo.sqlite3"
        with Store.open(db, max_files_per_assistant=0) as store:
            assistant_id = store.create_assistant(name="Demo assistant")["id"]
            store.seed_attachments(assistant_id, files, filename="report.pdf")
            spare_file = store.create_file("new-notes.md", b"# notes\n", "assistants")["id"]
        store_id = seed_vector_store(db, tmp / "uploads", files)
        _say(
            f"Seeded a throw-away local backend: vector store {store_id} with {files} processed files, and "
            f"assistant {assistant_id} with {files} attached files."
        )
        with (tmp / "server.log").open("w+", encoding="utf-8") as errlog:
            try:
                return anyio.run(_session, tmp, assistant_id, spare_file, store_id, files, limit, errlog)
            except Exception:
                errlog.seek(0)
                sys.stderr.write("demo failed; the server's log follows:\n" + errlog.read())
                raise
