"""The client's waits and its clock, and their public test seams (as stamina's ``set_testing``).

A client waits in two places: between the attempts of one request (a retry pause) and between
the polls of a poll helper (``poll``, ``create_and_poll``, ``upload_and_poll``). Each kind has a
seam that tests use instead of patching anything:

* ``with skip_retry_pauses() as pauses:`` no client (sync or async, any thread) waits between
  attempts; each pause it would have made is appended to ``pauses`` (seconds).
* ``with skip_poll_pauses() as waits:`` poll helpers poll again at once; each wait they would
  have made is appended to ``waits`` (seconds).

While a seam is active the client's clock (``now()``) stands still but for the waits (skipped
or not), each moving it on by its length: deadlines (``max_wait_seconds``, ``total_timeout``)
expire in a test as they would in real time, and depend on nothing but those waits (not on how
fast the machine runs the test). Outside the seams ``now()`` is ``time.monotonic()``, never
going back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import anyio

__all__ = ["PauseKind", "now", "pause_async", "pause_sync", "skip_poll_pauses", "skip_retry_pauses"]

PauseKind = Literal["retry", "poll"]


@dataclass(eq=False)
class _Recorder:
    kind: PauseKind
    pauses: list[float]


_lock = threading.Lock()
_recorders: list[_Recorder] = []
# The clock: real (monotonic + _offset) outside the seams, _virtual inside them.
_offset = 0.0
_virtual = 0.0


@contextmanager
def _skipping(kind: PauseKind) -> Iterator[list[float]]:
    global _offset, _virtual
    recorder = _Recorder(kind, [])
    with _lock:
        if not _recorders:
            _virtual = time.monotonic() + _offset
        _recorders.append(recorder)
    try:
        yield recorder.pauses
    finally:
        with _lock:
            _recorders.remove(recorder)
            if not _recorders:
                _offset = max(_offset, _virtual - time.monotonic())


@contextmanager
def skip_retry_pauses() -> Iterator[list[float]]:
    """Within the block, retries happen at once; the list yielded collects the pauses skipped."""
    with _skipping("retry") as pauses:
        yield pauses


@contextmanager
def skip_poll_pauses() -> Iterator[list[float]]:
    """Within the block, poll helpers poll again at once; the list yielded collects the waits skipped.

    The client's clock still moves on by each skipped wait, so ``max_wait_seconds`` and the
    client's ``total_timeout`` end a poll in a test as they would in real time.
    """
    with _skipping("poll") as waits:
        yield waits


def now() -> float:
    """The clock of the client's deadlines (seconds): monotonic, and virtual inside a seam."""
    with _lock:
        return _virtual if _recorders else time.monotonic() + _offset


def _skipped(kind: PauseKind, seconds: float) -> bool:
    """Whether the seam of ``kind`` skips this wait; inside any seam the clock moves on by it either way."""
    global _virtual
    with _lock:
        _virtual += max(seconds, 0.0)
        recorder = next((r for r in reversed(_recorders) if r.kind == kind), None)
        if recorder is None:
            return False
        recorder.pauses.append(seconds)
        return True


def pause_sync(seconds: float, kind: PauseKind = "retry") -> None:
    """Wait ``seconds`` (unless the seam of ``kind`` is active)."""
    if not _skipped(kind, seconds):
        time.sleep(seconds)


async def pause_async(seconds: float, kind: PauseKind = "retry") -> None:
    """Async twin of ``pause_sync``."""
    if not _skipped(kind, seconds):
        await anyio.sleep(seconds)
