"""``InProcessTransport`` (how the server reaches its embedded backend) against ``httpx2.ASGITransport``:
the app sees the same scope and request messages, and the client gets the same answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from starlette.types import Message, Receive, Scope, Send

from mcp_assistant_files.backend import Store, create_app
from mcp_assistant_files.service.in_process import InProcessTransport

pytestmark = pytest.mark.anyio

BASE_URL = "http://backend.test/v1"
BETA = {"OpenAI-Beta": "assistants=v1"}


class Recorder:
    """An ASGI app that records what it is given and answers 201 in two body messages."""

    def __init__(self) -> None:
        self.scope: Scope | None = None
        self.received: list[Message] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = scope
        while True:
            message = await receive()
            self.received.append(message)
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 201, "headers": [(b"x-seen", b"yes")]})
        await send({"type": "http.response.body", "body": b"first,", "more_body": True})
        await send({"type": "http.response.body", "body": b"second"})


async def chunked_body() -> AsyncIterator[bytes]:
    yield b"one"
    yield b"two"


def requests() -> list[httpx2.Request]:
    return [
        httpx2.Request("GET", BASE_URL + "/assistants/asst_a%2Fb/files?limit=2&order=asc", headers=BETA),
        httpx2.Request("POST", BASE_URL + "/assistants/asst_a/files", json={"file_id": "file-1"}),
        httpx2.Request("POST", BASE_URL + "/files", content=chunked_body()),
        httpx2.Request("HEAD", "http://backend.test:8765/healthz"),
    ]


@pytest.mark.parametrize("index", range(len(requests())))
async def test_the_app_gets_the_scope_and_messages_asgi_transport_gives_it(index: int) -> None:
    seen: list[tuple[Scope | None, list[Message]]] = []
    answers = []
    for make in (lambda app: httpx2.ASGITransport(app=app), InProcessTransport):
        recorder = Recorder()
        async with httpx2.AsyncClient(transport=make(recorder)) as http:
            response = await http.send(requests()[index])
        seen.append((recorder.scope, recorder.received))
        answers.append((response.status_code, response.headers.multi_items(), response.content))
    assert seen[0] == seen[1]
    assert answers[0] == answers[1]
    assert answers[1][0] == 201
    assert answers[1][2] == (b"" if requests()[index].method == "HEAD" else b"first,second")


def without_request_id(response: httpx2.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(k, v) for k, v in response.headers.multi_items() if k != "x-request-id"]
    assert response.headers["x-request-id"].startswith("req_")
    return response.status_code, headers, response.content


async def test_the_backend_answers_alike_over_both_transports_errors_included() -> None:
    with Store.open(":memory:") as store:
        assistant = store.create_assistant("t")["id"]
        attached = store.seed_attachments(assistant, 3)
        uploaded = store.create_file("a.txt", b"hello world", "assistants")["id"]
        app = create_app(store)
        calls: list[tuple[str, str, dict[str, Any]]] = [
            ("GET", f"/assistants/{assistant}/files", {"params": {"limit": 2}}),
            ("GET", f"/assistants/{assistant}/files/{attached[0]}", {}),
            ("GET", f"/assistants/{assistant}/files/file-missing", {}),
            ("GET", f"/assistants/{assistant}/files", {"params": {"limit": 0}}),
            ("GET", f"/assistants/{assistant}/files", {"headers": {"OpenAI-Beta": "assistants=v2"}}),
            ("PUT", f"/assistants/{assistant}/files", {}),
            ("POST", f"/assistants/{assistant}/files", {"content": b"{not json"}),
            ("GET", "/nowhere", {}),
            ("GET", f"/files/{uploaded}/content", {}),
        ]
        clients = [
            httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=BETA)
            for transport in (httpx2.ASGITransport(app=app), InProcessTransport(app))
        ]
        for method, path, options in calls:
            asgi, ours = [without_request_id(await c.request(method, path, **options)) for c in clients]
            assert ours == asgi, (method, path)
        for client in clients:
            await client.aclose()
        assert asgi[2] == b"hello world"  # the streamed content, the last call


async def test_an_exception_escaping_the_app_reaches_the_caller() -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise LookupError("broken app")

    async with httpx2.AsyncClient(transport=InProcessTransport(broken)) as http:
        with pytest.raises(LookupError, match="broken app"):
            await http.get("http://backend.test/")


async def test_an_app_that_returns_without_answering_is_an_error() -> None:
    async def mute(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async with httpx2.AsyncClient(transport=InProcessTransport(mute)) as http:
        with pytest.raises(RuntimeError, match="without completing its response"):
            await http.get("http://backend.test/")
