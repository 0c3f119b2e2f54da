"""A flood of one log message is written out ``burst`` times per interval, then counted in one line.

The clock is injected: nothing here waits.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from mcp_assistant_files.logs import RedactingFilter, RepeatFilter


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Captured:
    """What reached the handler's stream, one entry per line written, and the clock."""

    clock: Clock
    stream: io.StringIO = field(default_factory=io.StringIO)

    @property
    def lines(self) -> list[str]:
        """The records written (their tracebacks left out)."""
        return [
            line for line in self.stream.getvalue().splitlines() if line.startswith(("ERROR ", "WARNING "))
        ]


@pytest.fixture
def captured() -> Iterator[Captured]:
    """A logger ``flood`` whose handler holds repeats back (burst 3 per 60 s) and redacts ``s3cret``."""
    result = Captured(Clock())
    handler = logging.StreamHandler(result.stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(
        RepeatFilter(handler.handle, burst=3, interval=60.0, clock=result.clock, max_messages=4)
    )
    handler.addFilter(RedactingFilter(["s3cret"]))
    log = logging.getLogger("flood")
    log.addHandler(handler)
    log.propagate = False
    try:
        yield result
    finally:
        log.removeHandler(handler)
        log.propagate = True


def accept_failed() -> None:
    try:
        raise OSError(24, "Too many open files")
    except OSError:
        logging.getLogger("flood").exception("socket.accept() out of system resource")


def test_the_first_records_pass_and_the_rest_are_counted_in_one_line_after_the_interval(
    captured: Captured,
) -> None:
    for _ in range(1000):
        accept_failed()
    assert captured.lines == ["ERROR socket.accept() out of system resource"] * 3
    assert captured.stream.getvalue().count("Traceback") == 3
    captured.clock.now += 60.0
    logging.getLogger("flood").warning("something else")
    assert captured.lines[3:] == [
        "ERROR socket.accept() out of system resource [repeated 997 more times in 60 s, not shown]",
        "WARNING something else",
    ]


def test_a_new_interval_lets_a_new_burst_through(captured: Captured) -> None:
    for _ in range(5):
        accept_failed()
    captured.clock.now += 61.0
    for _ in range(5):
        accept_failed()
    assert captured.lines == [
        *["ERROR socket.accept() out of system resource"] * 3,
        "ERROR socket.accept() out of system resource [repeated 2 more times in 60 s, not shown]",
        *["ERROR socket.accept() out of system resource"] * 3,
    ]


def test_one_call_site_with_other_arguments_is_one_message(captured: Captured) -> None:
    for port in range(10):
        logging.getLogger("flood").warning("refused Host %r", f"evil{port}.example")
    assert captured.lines == [f"WARNING refused Host 'evil{port}.example'" for port in range(3)]


def test_different_messages_and_levels_are_counted_apart(captured: Captured) -> None:
    log = logging.getLogger("flood")
    for _ in range(5):
        log.warning("one")
        log.error("one")
        log.warning("two")
    assert sorted(captured.lines) == sorted(["WARNING one", "ERROR one", "WARNING two"] * 3)


def test_past_max_messages_the_oldest_is_forgotten_with_its_count(captured: Captured) -> None:
    log = logging.getLogger("flood")
    for _ in range(4):
        log.warning("first")
    for name in ("b", "c", "d", "e"):  # max_messages=4: "e" pushes "first" out
        log.warning(name)
    assert captured.lines[-2:] == ["WARNING first [repeated 1 more times in 0 s, not shown]", "WARNING e"]


def test_the_count_line_is_redacted_like_any_other(captured: Captured) -> None:
    for _ in range(5):
        logging.getLogger("flood").warning("token s3cret refused")
    captured.clock.now += 60.0
    logging.getLogger("flood").warning("next")
    assert "s3cret" not in captured.stream.getvalue()
    assert "token <redacted> refused [repeated 2 more times in 60 s, not shown]" in captured.lines[-2]
