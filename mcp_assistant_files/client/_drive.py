"""The drivers of :func:`._flow.request_flow`: they perform each action it yields, sync and async.

Each ``Send`` and ``Read`` gets the time left before the call's deadline: async, as one
``anyio.fail_after`` around the I/O; sync (blocking I/O cannot be interrupted), as the request's
timeouts capped at it and a check after each chunk read. An I/O failure is stored on the action
for the flow to raise where it handles it (:func:`_outcome_of`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator
from typing import Generic, TypeVar

import anyio
import httpx2

from ._bodies import read_async, read_sync
from ._flow import DeadlineExceeded, Flow, Pause, Read, ResponseTooLargeError, Result, Send
from ._pause import now, pause_async, pause_sync

__all__ = ["Steps", "run_async", "run_sync"]

A = TypeVar("A")
T = TypeVar("T")


class Steps(Generic[A, T]):
    """Iterate a generator's actions (closing it on exit); ``finished()`` is its return value.

    The drivers of ``request_flow`` here and of ``poll_flow`` (``_polling``) share it.
    """

    def __init__(self, flow: Generator[A, None, T]) -> None:
        self._flow = flow
        self._result: list[T] = []

    def __iter__(self) -> Generator[A, None, None]:
        self._result.append((yield from self._flow))

    def __enter__(self) -> Steps[A, T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._flow.close()

    def finished(self) -> T:
        assert self._result, "the flow ended without a result"
        return self._result[0]


@contextlib.contextmanager
def _outcome_of(action: Send | Read) -> Iterator[None]:
    """Store an I/O failure on the action, for the flow to raise where it handles it."""
    try:
        yield
    except (httpx2.HTTPError, ResponseTooLargeError, DeadlineExceeded) as exc:
        action.error = exc


def _time_left(action: Send | Read) -> float | None:
    """Seconds until the action's deadline (``DeadlineExceeded`` when none is left); ``None``: no deadline."""
    if action.until is None:
        return None
    left = action.until - now()
    if left <= 0:
        raise DeadlineExceeded
    return left


def _capped(request: httpx2.Request, left: float | None) -> httpx2.Request:
    """``request`` with each of its timeouts at most ``left`` seconds."""
    if left is not None:
        timeouts = request.extensions.get("timeout") or {}
        request.extensions["timeout"] = {
            k: (left if v is None else min(v, left)) for k, v in timeouts.items()
        }
    return request


def run_sync(http: httpx2.Client, flow: Flow) -> Result:
    """Drive ``flow`` with blocking I/O."""
    with Steps(flow) as steps:
        for action in steps:
            if isinstance(action, Pause):
                pause_sync(action.seconds)
                continue
            with _outcome_of(action):
                if isinstance(action, Send):
                    action.response = http.send(_capped(action.request, _time_left(action)), stream=True)
                else:
                    action.content = read_sync(action.response, action.limit, action.until)
    return steps.finished()


async def run_async(http: httpx2.AsyncClient, flow: Flow) -> Result:
    """Drive ``flow`` with async I/O; cancelling the caller cancels the request in flight."""
    with Steps(flow) as steps:
        for action in steps:
            if isinstance(action, Pause):
                await pause_async(action.seconds)
            else:
                with _outcome_of(action):
                    left = _time_left(action)
                    try:
                        with anyio.fail_after(left):
                            if isinstance(action, Read):
                                action.content = await read_async(action.response, action.limit)
                            else:
                                action.response = await http.send(_capped(action.request, left), stream=True)
                    except TimeoutError:
                        raise DeadlineExceeded from None
    return steps.finished()
