"""Progress of a long tool call, reported without knowing MCP.

The server's adapter sets a reporter for the duration of each call (MCP's progress
notifications, when the client sent a ``progressToken``); a tool calls :func:`report_progress`
and never learns whether anyone listens.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["Reporter", "report_progress", "reporting_to"]

Reporter = Callable[[float, float | None, str | None], Awaitable[None]]
"""``(progress, total, message)``: how far a call has come, of how much, and what it is doing."""

_reporter: ContextVar[Reporter | None] = ContextVar("mcp_assistant_files_progress", default=None)


@contextmanager
def reporting_to(reporter: Reporter | None) -> Iterator[None]:
    """Within the block, :func:`report_progress` goes to ``reporter`` (``None``: nowhere)."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


async def report_progress(progress: float, total: float | None = None, message: str | None = None) -> None:
    """Tell the caller how far the current tool call has come, if it asked to know."""
    reporter = _reporter.get()
    if reporter is not None:
        await reporter(progress, total, message)
