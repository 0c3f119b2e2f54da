"""Reading a response body streamed by a :class:`._flow.Read`: at most its limit, sync and async.

A declared ``Content-Length`` over the limit is refused before any byte is read; otherwise the
count is kept after decoding, chunk by chunk. On any failure the response is closed (async:
shielded from cancellation, so a cancelled call never leaves its connection half-read).
"""

from __future__ import annotations

import anyio
import httpx2

from ._flow import DeadlineExceeded, ResponseTooLargeError
from ._pause import now

__all__ = ["read_async", "read_sync"]


def _check_declared_length(response: httpx2.Response, limit: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ResponseTooLargeError(limit)


def _keep(response: httpx2.Response, chunks: list[bytes]) -> bytes:
    content = b"".join(chunks)
    # What httpx2's own read() does, so response.content and .json() work afterwards.
    response._content = content
    return content


def read_sync(response: httpx2.Response, limit: int, until: float | None = None) -> bytes:
    """Read a streamed body, at most ``limit`` bytes after decoding, and not past ``until``.

    Blocking I/O cannot be interrupted: ``until`` is checked after each chunk, and each wait for
    a chunk is bounded by the request's read timeout (which ``run_sync`` caps at the time left).
    """
    try:
        _check_declared_length(response, limit)
        chunks: list[bytes] = []
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > limit:
                raise ResponseTooLargeError(limit)
            if until is not None and now() > until:
                raise DeadlineExceeded
            chunks.append(chunk)
    except BaseException:
        response.close()
        raise
    return _keep(response, chunks)


async def read_async(response: httpx2.Response, limit: int) -> bytes:
    """Async twin of ``read_sync``."""
    try:
        _check_declared_length(response, limit)
        chunks: list[bytes] = []
        total = 0
        async for chunk in response.aiter_bytes():
            total += len(chunk)
            if total > limit:
                raise ResponseTooLargeError(limit)
            chunks.append(chunk)
    except BaseException:
        with anyio.CancelScope(shield=True):
            await response.aclose()
        raise
    return _keep(response, chunks)
