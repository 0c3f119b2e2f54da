"""How streamable HTTP answers a 2026-07-28 request (``server/answers.py``).

A read without ``progressToken`` is answered by a JSON-mode manager; everything else by the SDK's
streaming endpoint, as before: a call with a token gets its progress on a stream. A hang-up on
either path is in ``test_hangup.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from starlette.routing import Route

from mcp_assistant_files.backend.store import Store
from mcp_assistant_files.server.answers import JsonForQuickReads, quick_read
from mcp_assistant_files.server.http import HttpOptions, build_http_app
from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.server.sdk import lowlevel_server
from mcp_assistant_files.service.assistant_files import AssistantFilesTools
from mcp_assistant_files.service.cursors import CursorCodec
from mcp_assistant_files.service.upstream import open_upstream

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


READS = frozenset({"list_files", "get_assistant_file"})


def _request(method: str, **params: Any) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()


def test_only_one_request_for_a_read_without_progress_token_is_a_quick_read() -> None:
    assert quick_read(_request("tools/list"), READS)
    assert quick_read(_request("resources/read", uri="x"), READS)
    assert quick_read(_request("tools/call", name="list_files", arguments={}), READS)
    assert not quick_read(_request("tools/call", name="attach_vector_store_file", arguments={}), READS)
    assert not quick_read(_request("tools/call", name="list_files", _meta={"progressToken": 1}), READS)
    escaped = b'{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"\\u0070rogressToken":1}}}'
    assert json.loads(escaped)["params"]["_meta"] == {"progressToken": 1}
    assert not quick_read(escaped, READS)
    assert not quick_read(_request("subscriptions/listen"), READS)
    assert not quick_read(b'{"jsonrpc":"2.0","method":"notifications/initialized"}', READS)
    assert not quick_read(b"[" + _request("tools/list") + b"]", READS)
    assert not quick_read(b"{not json", READS)
    assert not quick_read(b"[" * 100_000, READS)


class _Recorder:
    """An ASGI app that records the body it reads through ``receive``, and what ended it."""

    def __init__(self) -> None:
        self.bodies: list[tuple[bytes, str]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        self.bodies.append((body, message["type"]))


def _dispatcher(limit: int = 1_000) -> tuple[JsonForQuickReads, _Recorder, _Recorder]:
    server = MCPServer("answers-test")
    app = server.streamable_http_app(max_request_body_size=limit)
    (route,) = (r for r in app.router.routes if isinstance(r, Route) and r.path == "/mcp")
    assert isinstance(route.app, StreamableHTTPASGIApp)
    dispatcher = JsonForQuickReads(route.app, lowlevel_server(server), None, read_tools=READS)
    streaming, json_mode = _Recorder(), _Recorder()
    dispatcher.streaming, dispatcher.json = streaming, json_mode
    return dispatcher, streaming, json_mode


async def _post(
    dispatcher: JsonForQuickReads,
    parts: list[bytes],
    *,
    version: str | None = MODERN,
    accept: str = "application/json, text/event-stream",
    length: int | None = None,
    hang_up: bool = False,
) -> None:
    headers = [(b"accept", accept.encode())]
    if version is not None:
        headers.append((b"mcp-protocol-version", version.encode()))
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    scope = {"type": "http", "method": "POST", "path": "/mcp", "headers": headers}
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": p, "more_body": hang_up or i < len(parts) - 1}
        for i, p in enumerate(parts)
    ]
    if hang_up:
        messages.append({"type": "http.disconnect"})

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: Any) -> None:
        raise AssertionError("the recorders answer nothing")

    await dispatcher(scope, receive, send)


async def test_only_quick_reads_of_the_modern_path_go_to_the_json_manager_with_their_body_intact() -> None:
    dispatcher, streaming, json_mode = _dispatcher()
    listing = _request("tools/list")
    await _post(dispatcher, [listing[:10], listing[10:]])
    await _post(dispatcher, [_request("tools/call", name="upload_file")])
    await _post(dispatcher, [listing], version=LEGACY)
    await _post(dispatcher, [listing], version=None)
    await _post(dispatcher, [listing], accept="application/json")  # the SDK's 406 stays the SDK's
    await _post(dispatcher, [b"x" * 600, b"y" * 600, b"z"])  # past the limit: passed on as it came
    await _post(dispatcher, [b"q" * 10], length=5_000)  # declared past the limit: not even read
    await _post(dispatcher, [listing[:10]], hang_up=True)
    assert json_mode.bodies == [(listing, "http.request")]
    assert streaming.bodies == [
        (_request("tools/call", name="upload_file"), "http.request"),
        (listing, "http.request"),
        (listing, "http.request"),
        (listing, "http.request"),
        (b"x" * 600 + b"y" * 600 + b"z", "http.request"),
        (b"q" * 10, "http.request"),
        (listing[:10], "http.disconnect"),
    ]


def test_the_json_manager_takes_the_sdk_endpoints_body_limit() -> None:
    dispatcher, _, _ = _dispatcher(limit=12_345)
    assert dispatcher.limit == dispatcher.manager.max_request_body_size == 12_345


@pytest.mark.parametrize(
    ("options", "installed"),
    [
        (HttpOptions(), True),
        (HttpOptions(stateless=True), True),
        (HttpOptions(json_response=True), False),
        (HttpOptions(transport="sse"), False),
    ],
    ids=["stateful", "stateless", "json-response", "sse"],
)
def test_the_app_answers_quick_reads_with_json_unless_every_answer_is_json_already(
    options: HttpOptions, installed: bool, tmp_path: Path
) -> None:
    upstream = open_upstream(base_url=None, db=str(tmp_path / "db.sqlite3"))
    try:
        server = build_server(AssistantFilesTools(client=upstream.client, codec=CursorCodec(b"k" * 32)))
        app = build_http_app(server, upstream, options)
        endpoints = [r.app for r in app.router.routes if isinstance(r, Route) and r.path in ("/mcp", "/sse")]
        assert any(isinstance(e, JsonForQuickReads) for e in endpoints) is installed
        if installed:
            (endpoint,) = endpoints
            assert isinstance(endpoint, JsonForQuickReads) and endpoint.read_tools == {
                "list_assistant_files",
                "get_assistant_file",
            }
    finally:
        assert upstream.store is not None
        upstream.store.close()
