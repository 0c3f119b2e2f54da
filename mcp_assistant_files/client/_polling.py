"""The poll helpers' waiting, written once for sync and async (as ``_flow`` is for one request).

``poll_flow`` is a generator that decides; the drivers (``run_poll_sync``, ``run_poll_async``)
do the I/O it asks for: ``Fetch`` (retrieve the object once more; the driver stores it and the
response headers on the action) or ``Wait`` (sleep, through the ``skip_poll_pauses`` seam).

The rules, openai-python 3.57's unless said otherwise:

* The first retrieve comes at once; the helper returns as soon as the object is done (a file no
  longer ``in_progress``, whether completed, failed or cancelled; a batch with no file
  ``in_progress``), without raising for a failure.
* Between polls it waits ``poll_interval_ms``, else what the first ``in_progress`` answer's
  ``openai-poll-after-ms`` header said (kept for every later wait), else 1000 ms.
* ``max_wait_seconds`` (finite, >= 0, else ``ValueError``) caps the polling: each wait is cut to
  what remains, and ``TimeoutError`` is raised once none does (``0``: before any request).
* Ours: no wait ends past the client's ``total_timeout``, counted from the helper's start: if
  the next poll would start later than that, ``TimeoutError`` is raised at once, saying so.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

from ._drive import Steps
from ._pause import now, pause_async, pause_sync
from ._response import APIResponse, AsyncAPIResponse
from ._types import NotGiven

__all__ = [
    "DEFAULT_POLL_INTERVAL_MS",
    "Fetch",
    "PollPlan",
    "Wait",
    "check_interval",
    "check_max_wait",
    "poll_after_ms",
    "poll_flow",
    "run_poll_async",
    "run_poll_sync",
    "start_polling",
]

logger = logging.getLogger("mcp_assistant_files.client")

M = TypeVar("M")

DEFAULT_POLL_INTERVAL_MS = 1000
POLL_AFTER_HEADER = "openai-poll-after-ms"


def check_max_wait(max_wait_seconds: float | NotGiven) -> None:
    """``ValueError`` unless ``max_wait_seconds`` is left out or finite and >= 0 (checked before any request)."""
    if isinstance(max_wait_seconds, NotGiven):
        return
    number = isinstance(max_wait_seconds, int | float) and not isinstance(max_wait_seconds, bool)
    if not number or not math.isfinite(max_wait_seconds) or max_wait_seconds < 0:
        raise ValueError(
            f"Expected a finite, non-negative value for `max_wait_seconds`, not {max_wait_seconds!r}"
        )


def check_interval(poll_interval_ms: int | NotGiven) -> None:
    """``ValueError`` unless ``poll_interval_ms`` is left out or a whole number >= 0."""
    if isinstance(poll_interval_ms, NotGiven):
        return
    if isinstance(poll_interval_ms, bool) or not isinstance(poll_interval_ms, int) or poll_interval_ms < 0:
        raise ValueError(
            f"`poll_interval_ms` must be a whole number of milliseconds, 0 or more, not {poll_interval_ms!r}"
        )


def start_polling(poll_interval_ms: int | NotGiven, max_wait_seconds: float | NotGiven) -> float:
    """When a helper began, for its ``PollPlan``; its settings are checked first, before any request."""
    check_interval(poll_interval_ms)
    check_max_wait(max_wait_seconds)
    return now()


def poll_after_ms(headers: Mapping[str, str]) -> int:
    """The server's ``openai-poll-after-ms`` hint, or 1000 when absent or not a whole number >= 0."""
    raw = headers.get(POLL_AFTER_HEADER, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_POLL_INTERVAL_MS


@dataclass
class PollPlan:
    """One helper's polling: what is polled, the caller's settings, and when the helper began."""

    what: str
    """What is polled, for messages: ``vector store file 'file-abc'``."""
    poll_interval_ms: int | NotGiven
    max_wait_seconds: float | NotGiven
    total_timeout: float | None
    started: float = field(default_factory=now)

    def __post_init__(self) -> None:
        check_max_wait(self.max_wait_seconds)
        interval = self.poll_interval_ms
        if not isinstance(interval, NotGiven) and (
            isinstance(interval, bool) or not isinstance(interval, int) or interval < 0
        ):
            raise ValueError(
                f"`poll_interval_ms` must be a whole number of milliseconds, 0 or more, not {interval!r}"
            )

    def headers(self) -> dict[str, str]:
        """The headers of each poll (openai-python's: they tell the API a helper is polling)."""
        headers = {"X-Stainless-Poll-Helper": "true"}
        if not isinstance(self.poll_interval_ms, NotGiven):
            headers["X-Stainless-Custom-Poll-Interval"] = str(self.poll_interval_ms)
        return headers


@dataclass
class Fetch:
    """Retrieve the object once more; the driver stores it and its response's headers here."""

    polled: object = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Wait:
    """Wait ``seconds`` before the next poll."""

    seconds: float


PollFlow = Generator[Fetch | Wait, None, M]


def _remaining(deadline: float, plan: PollPlan) -> float:
    remaining = deadline - now()
    if remaining <= 0:
        logger.info("gave up polling %s after max_wait_seconds=%s", plan.what, plan.max_wait_seconds)
        raise TimeoutError(
            f"Timed out waiting for {plan.what} to finish processing (max_wait_seconds={plan.max_wait_seconds}); "
            "processing goes on on the server: poll again later."
        )
    return remaining


def _check_budget(plan: PollPlan, seconds: float) -> None:
    if plan.total_timeout is None:
        return
    next_poll = now() - plan.started + seconds
    if next_poll > plan.total_timeout:
        logger.info("gave up polling %s: the next poll would pass total_timeout", plan.what)
        raise TimeoutError(
            f"Stopped waiting for {plan.what} to finish processing: the next poll would start "
            f"{next_poll:.1f} s after the call began, past the client's total_timeout of {plan.total_timeout} s; "
            "processing goes on on the server: poll again later."
        )


def poll_flow(plan: PollPlan, done: Callable[[M], bool]) -> PollFlow[M]:
    """Poll until ``done(polled)``; return the last object polled (see the module's rules)."""
    deadline = None if isinstance(plan.max_wait_seconds, NotGiven) else now() + plan.max_wait_seconds
    interval_ms = plan.poll_interval_ms
    while True:
        if deadline is not None:
            _remaining(deadline, plan)
        fetch = Fetch()
        yield fetch
        polled = cast(M, fetch.polled)
        if done(polled):
            return polled
        if isinstance(interval_ms, NotGiven):
            interval_ms = poll_after_ms(fetch.headers)
        seconds = interval_ms / 1000
        if deadline is not None:
            seconds = min(seconds, _remaining(deadline, plan))
        _check_budget(plan, seconds)
        logger.debug("%s is still in progress: polling again in %.3f s", plan.what, seconds)
        yield Wait(seconds)


def run_poll_sync(flow: PollFlow[M], fetch: Callable[[], APIResponse[M]]) -> M:
    """Drive ``flow`` with blocking I/O; ``fetch`` retrieves the object once (a raw response)."""
    with Steps(flow) as steps:
        for action in steps:
            if isinstance(action, Wait):
                pause_sync(action.seconds, "poll")
            else:
                response = fetch()
                action.polled, action.headers = response.parse(), response.headers
    return steps.finished()


async def run_poll_async(flow: PollFlow[M], fetch: Callable[[], Awaitable[AsyncAPIResponse[M]]]) -> M:
    """Async twin of ``run_poll_sync``."""
    with Steps(flow) as steps:
        for action in steps:
            if isinstance(action, Wait):
                await pause_async(action.seconds, "poll")
            else:
                response = await fetch()
                action.polled, action.headers = await response.parse(), response.headers
    return steps.finished()
