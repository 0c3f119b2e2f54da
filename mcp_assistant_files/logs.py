"""Logging to stderr only (stdout is the stdio transport's wire), with secrets redacted and
floods of one message held back."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .redaction import redact

__all__ = ["RedactingFilter", "RepeatFilter", "announce", "configure_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_ANNOUNCE = logging.getLogger("mcp_assistant_files.announce")


class RedactingFilter(logging.Filter):
    """Replace each secret with ``<redacted>`` in every record that passes through."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            redacted = self.redact(message)
            if redacted != message:
                record.msg, record.args = redacted, None
            if record.exc_info:
                # A traceback can quote a header value: format it here, redacted, and drop the original.
                record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
            elif record.exc_text:
                record.exc_text = self.redact(record.exc_text)
        return True

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced."""
        return redact(text, self.secrets)


_REPEATED = "%s [repeated %d more times in %.0f s, not shown]"
_Key = tuple[str, int, str, type[BaseException] | None]


class _Summary(logging.LogRecord):
    """The line that says how many records were held back (never held back itself)."""


@dataclass
class _Window:
    started: float
    passed: int
    held: int
    name: str
    level: int
    message: str


class RepeatFilter(logging.Filter):
    """Let ``burst`` identical records through per ``interval`` seconds; count the rest, then say so.

    Records are identical when their logger, level, message template and exception type are: one
    failing call site is one message, whatever its arguments. (A process out of file descriptors
    logs the same traceback for every refused connection, thousands a second.) When an interval
    with held-back records ends, one line says how many there were, through ``emit`` (the
    handler's ``handle``), as soon as any record arrives. ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        emit: Callable[[logging.LogRecord], object],
        *,
        burst: int = 10,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_messages: int = 1024,
    ) -> None:
        super().__init__()
        self._emit = emit
        self._burst, self._interval, self._clock, self._max = burst, interval, clock, max_messages
        self._windows: OrderedDict[_Key, _Window] = OrderedDict()  # oldest window first
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record, _Summary):
            return True
        exc_type = record.exc_info[0] if record.exc_info else None
        key = (record.name, record.levelno, str(record.msg), exc_type)
        with self._lock:
            now = self._clock()
            ended = self._end_windows(now)
            window = self._windows.get(key)
            if window is None:
                window = _Window(now, 0, 0, record.name, record.levelno, _first_line(record))
                self._windows[key] = window
            passes = window.passed < self._burst
            if passes:
                window.passed += 1
            else:
                window.held += 1
        for summary in ended:
            self._emit(summary)
        return passes

    def _end_windows(self, now: float) -> list[_Summary]:
        """Forget the windows that are over (or the oldest, past ``max_messages``); their summaries."""
        summaries = []
        while self._windows:
            window = next(iter(self._windows.values()))
            if now - window.started < self._interval and len(self._windows) < self._max:
                break
            self._windows.popitem(last=False)
            if window.held:
                args = (window.message, window.held, min(now - window.started, self._interval))
                summaries.append(_Summary(window.name, window.level, __file__, 0, _REPEATED, args, None))
        return summaries


def _first_line(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string is the handler's to report, not ours
        message = str(record.msg)
    return message.split("\n", 1)[0]


def configure_logging(level: str, *, secrets: Iterable[str] = ()) -> None:
    """Root logging to stderr at ``level``; before ``MCPServer`` exists, so the SDK keeps it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    # Repeats first: a held-back record is never formatted (nor its traceback redacted).
    handler.addFilter(RepeatFilter(handler.handle))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Startup facts (which upstream, which address) are shown at any level.
    _ANNOUNCE.handlers = [handler]
    _ANNOUNCE.setLevel(logging.INFO)
    _ANNOUNCE.propagate = False


def announce(message: str, *args: object) -> None:
    """A startup line on stderr whatever the log level (e.g. which upstream is used)."""
    _ANNOUNCE.info(message, *args)
