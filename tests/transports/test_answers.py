"""How streamable HTTP answers a 2026-07-28 request: JSON unless it asks for progress.

A request without ``progressToken`` gets plain JSON from a JSON-mode manager
(``server/answers.py``); one with a token keeps the stream that carries its progress. The
2025 revisions, a hang-up and the body limit are covered by the other transport tests, which
run against the same servers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp.server.mcpserver import MCPServer

from mcp_assistant_files.backend.store import Store
from mcp_assistant_files.server.answers import JsonUnlessProgress, asks_for_progress
from mcp_assistant_files.server.sdk import lowlevel_server

from .conftest import Fleet
from .serving import Served, seed_db, spawn, stop_all
from .wire import LEGACY, MODERN, call_body, call_headers

pytestmark = pytest.mark.anyio


def _events(body: str) -> list[dict[str, Any]]:
    return [json.loads(line[len("data: ") :]) for line in body.splitlines() if line.startswith("data: ")]


async def test_a_call_that_asks_for_no_progress_is_answered_with_plain_json(fleet: Fleet) -> None:
    served = fleet.ready("streamable-http")
    seeded = fleet.seeds["streamable-http"]
    body = call_body(
        7, "list_assistant_files", {"assistant_id": seeded.assistant_id, "limit": 3}, protocol=MODERN
    )
    async with httpx2.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{served.base}/mcp", headers=call_headers("list_assistant_files", protocol=MODERN), json=body
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert answer["id"] == 7 and len(answer["result"]["structuredContent"]["files"]) == 3


@pytest.fixture
def attaching(tmp_path: Path) -> Iterator[tuple[Served, str, str]]:
    """A server whose database holds a vector store and a file to attach to it."""
    seeded = seed_db(tmp_path / "vs.sqlite3", 1)
    with Store.open(seeded.db, max_files_per_assistant=0) as store:
        store_id = store.create_vector_store("docs")["id"]
        file_id = store.create_file("notes.md", b"# notes\n" * 50, "assistants")["id"]
    served = spawn(tmp_path, "--db", str(seeded.db))
    try:
        served.wait_ready()
        yield served, store_id, file_id
    finally:
        stop_all([served])


async def test_a_call_that_asks_for_progress_gets_it_on_a_stream(attaching: tuple[Served, str, str]) -> None:
    served, store_id, file_id = attaching
    body = call_body(
        8, "attach_vector_store_file", {"vector_store_id": store_id, "file_id": file_id}, protocol=MODERN
    )
    body["params"]["_meta"]["progressToken"] = "attach-1"
    async with httpx2.AsyncClient(timeout=60) as http:
        response = await http.post(
            f"{served.base}/mcp", headers=call_headers("attach_vector_store_file", protocol=MODERN), json=body
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    progress = [e for e in events if e.get("method") == "notifications/progress"]
    assert progress and all(e["params"]["progressToken"] == "attach-1" for e in progress)
    assert progress[-1]["params"]["message"] == f"file {file_id}: completed"
    assert events[-1]["id"] == 8 and events[-1]["result"]["structuredContent"]["status"] == "completed"


def test_only_a_body_naming_progress_token_keeps_the_stream() -> None:
    assert asks_for_progress(b'{"params":{"_meta":{"progressToken":1}}}')
    assert not asks_for_progress(b'{"params":{"name":"list_files","arguments":{}}}')


class _Recorder:
    """An ASGI app that records the body it reads through ``receive``."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies.append(body)


def _dispatcher(limit: int = 1_000) -> tuple[JsonUnlessProgress, _Recorder, _Recorder]:
    streaming, json_mode = _Recorder(), _Recorder()
    dispatcher = JsonUnlessProgress(streaming, lowlevel_server(MCPServer("answers-test")), None)
    dispatcher.manager.max_request_body_size = limit
    dispatcher.json = json_mode
    return dispatcher, streaming, json_mode


async def _post(dispatcher: JsonUnlessProgress, version: str | None, parts: list[bytes]) -> None:
    headers = [] if version is None else [(b"mcp-protocol-version", version.encode())]
    scope = {"type": "http", "method": "POST", "path": "/mcp", "headers": headers}
    messages = [
        {"type": "http.request", "body": p, "more_body": i < len(parts) - 1} for i, p in enumerate(parts)
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: Any) -> None:
        raise AssertionError("the recorders answer nothing")

    await dispatcher(scope, receive, send)


async def test_only_modern_requests_without_progress_token_go_to_the_json_manager_with_their_body_intact() -> (
    None
):
    dispatcher, streaming, json_mode = _dispatcher()
    await _post(dispatcher, MODERN, [b'{"id":1,', b'"method":"tools/list"}'])
    await _post(dispatcher, MODERN, [b'{"id":2,"params":{"_meta":{"progressToken":"t"}}}'])
    await _post(dispatcher, LEGACY, [b'{"id":3}'])
    await _post(dispatcher, None, [b'{"id":4}'])
    await _post(dispatcher, MODERN, [b"x" * 600, b"y" * 600, b"z"])  # past the limit: as it came
    assert json_mode.bodies == [b'{"id":1,"method":"tools/list"}']
    assert streaming.bodies == [
        b'{"id":2,"params":{"_meta":{"progressToken":"t"}}}',
        b'{"id":3}',
        b'{"id":4}',
        b"x" * 600 + b"y" * 600 + b"z",
    ]
