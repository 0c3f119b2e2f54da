"""When ``CancelOnDisconnect`` watches for a hang-up (``server/disconnect.py``).

A request answered within ``watch_after`` never starts a watcher (it cost ~10 % of the server's
CPU per call); one that runs longer is watched, and a hang-up then cancels it; the watcher ends
with its request. Hang-ups against real servers, on every HTTP flavour, are in
``tests/transports/test_hangup.py``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import anyio
import pytest
from starlette.types import Message, Receive, Scope, Send

from mcp_assistant_files.server.disconnect import CancelOnDisconnect, _Exchange

pytestmark = pytest.mark.anyio

SCOPE: Scope = {"type": "http", "path": "/mcp", "method": "POST", "headers": []}
HANG_GUARD = 10.0  # seconds; each test takes well under one


class Peer:
    """The server's side of one request, as uvicorn gives it: the body, then ``http.disconnect``
    once the answer is complete (unless ``reports_end`` is false) or the client has hung up."""

    def __init__(self, *, reports_end: bool = True) -> None:
        self.reports_end = reports_end
        self.receives = 0
        self.sent: list[Message] = []
        self._over = anyio.Event()
        self._body: list[Message] = [{"type": "http.request", "body": b"{}", "more_body": False}]

    async def receive(self) -> Message:
        self.receives += 1
        if self._body:
            return self._body.pop(0)
        await self._over.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        self.sent.append(message)
        if (
            message["type"] == "http.response.body"
            and not message.get("more_body", False)
            and self.reports_end
        ):
            self._over.set()

    def hang_up(self) -> None:
        self._over.set()


async def _answer(send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def _quick(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await anyio.sleep(0.05)  # a few turns of the loop: time for a watcher to start, were one due
    await _answer(send)


def _others() -> set[asyncio.Task[object]]:
    return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}


async def test_a_request_answered_within_the_delay_never_asks_for_the_disconnect() -> None:
    peer, before = Peer(), _others()
    with anyio.fail_after(HANG_GUARD):
        await CancelOnDisconnect(_quick, path="/mcp", watch_after=60)(SCOPE, peer.receive, peer.send)
    assert peer.receives == 1, "only the body was read: no watcher started"
    assert [m["type"] for m in peer.sent] == ["http.response.start", "http.response.body"]
    assert _others() == before


async def test_a_hang_up_during_a_longer_call_cancels_it() -> None:
    peer, started = Peer(), anyio.Event()
    cancelled = False

    async def held(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal cancelled
        await receive()
        started.set()
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            cancelled = True
            raise

    async def hang_up_once_started() -> None:
        await started.wait()
        peer.hang_up()

    with anyio.fail_after(HANG_GUARD):
        async with anyio.create_task_group() as tg:
            tg.start_soon(hang_up_once_started)
            await CancelOnDisconnect(held, path="/mcp", watch_after=0.05)(SCOPE, peer.receive, peer.send)
    assert cancelled and peer.sent == []


async def test_a_watcher_started_for_a_long_answer_ends_with_its_request() -> None:
    # A server that reports only a real hang-up: the watcher is still waiting when the answer ends.
    peer, before = Peer(reports_end=False), _others()

    async def late(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await anyio.sleep(0.3)
        await _answer(send)

    with anyio.fail_after(HANG_GUARD):
        await CancelOnDisconnect(late, path="/mcp", watch_after=0.01)(SCOPE, peer.receive, peer.send)
        assert peer.receives == 2, "the watcher asked for the disconnect while the answer was pending"
        while _others() != before:  # noqa: ASYNC110 - the cancelled watcher ends on a later turn
            await anyio.sleep(0.01)
    assert len(peer.sent) == 2


async def test_off_asyncio_the_watch_runs_from_the_start_in_a_task_group() -> None:
    peer, started = Peer(), anyio.Event()

    async def held(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        started.set()
        await anyio.sleep_forever()

    async def hang_up_once_started() -> None:
        await started.wait()
        peer.hang_up()

    middleware = CancelOnDisconnect(held, path="/mcp", watch_after=60)
    exchange = _Exchange(peer.receive, peer.send, keep_body=False)
    with anyio.fail_after(HANG_GUARD):
        async with anyio.create_task_group() as tg:
            tg.start_soon(hang_up_once_started)
            assert await middleware._in_task_group(SCOPE, exchange) is True


class RecordingLoop:
    """The running loop, recording the timers ``call_later`` hands out."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.timers: list[asyncio.TimerHandle] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loop, name)

    def call_later(self, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        handle = self.loop.call_later(*args, **kwargs)
        self.timers.append(handle)
        return handle


async def test_a_quick_answer_leaves_no_pending_timer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Else every quick request would still start a watcher a second later."""
    recording = RecordingLoop(asyncio.get_running_loop())
    monkeypatch.setattr(asyncio, "get_running_loop", lambda: recording)
    peer = Peer()
    await CancelOnDisconnect(_quick, path="/mcp", watch_after=60)(SCOPE, peer.receive, peer.send)
    monkeypatch.undo()
    assert len(recording.timers) == 1
    assert recording.timers[0].cancelled(), "the quick request left its watch timer pending"


async def test_a_watcher_that_fails_fails_its_request_instead_of_leaving_it_waiting() -> None:
    calls = 0

    async def receive() -> Message:
        nonlocal calls
        calls += 1
        if calls == 1:
            return {"type": "http.request", "body": b"{}", "more_body": False}
        raise RuntimeError("the server's receive failed")

    async def send(message: Message) -> None:
        raise AssertionError("nothing is answered")

    async def listens(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await receive()  # as a streaming response listens for the client's hang-up

    with anyio.fail_after(HANG_GUARD), pytest.raises(RuntimeError, match="receive failed"):
        await CancelOnDisconnect(listens, path="/mcp", watch_after=0.05)(SCOPE, receive, send)
