"""The pause between attempts, and its public test seam (as stamina's ``set_testing``).

Inside ``with skip_retry_pauses() as pauses:`` no client (sync or async, any thread) waits
between attempts; each pause it would have made is appended to ``pauses`` (seconds), so a test
can assert the backoff without waiting for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import anyio

__all__ = ["pause_async", "pause_sync", "skip_retry_pauses"]

_lock = threading.Lock()
_recorders: list[list[float]] = []


@contextmanager
def skip_retry_pauses() -> Iterator[list[float]]:
    """Within the block, retries happen at once; the list yielded collects the pauses skipped."""
    pauses: list[float] = []
    with _lock:
        _recorders.append(pauses)
    try:
        yield pauses
    finally:
        with _lock:
            _recorders.remove(pauses)


def _skipped(seconds: float) -> bool:
    with _lock:
        if not _recorders:
            return False
        _recorders[-1].append(seconds)
        return True


def pause_sync(seconds: float) -> None:
    """Wait ``seconds`` before the next attempt (unless ``skip_retry_pauses`` is active)."""
    if not _skipped(seconds):
        time.sleep(seconds)


async def pause_async(seconds: float) -> None:
    """Async twin of ``pause_sync``."""
    if not _skipped(seconds):
        await anyio.sleep(seconds)
