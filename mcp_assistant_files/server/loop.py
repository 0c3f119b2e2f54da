"""Which event loop serves: uvloop where it is installed (Linux and macOS), else asyncio's own.

uvloop runs the same asyncio code on libuv. On stdio, where our pipes are read and written on
the loop itself (:mod:`.pipes`), it makes a call measurably faster (the ``stdio_loop`` row of
``benchmarks/RESULTS.md``). uvicorn makes the same choice for HTTP by itself (its ``--loop auto``);
``--event-loop`` names one for both transports, as uvicorn's ``--loop`` does for HTTP.
"""

from __future__ import annotations

from typing import Any, Final, Literal

__all__ = ["EVENT_LOOPS", "Loop", "anyio_options", "resolve_loop"]

Loop = Literal["asyncio", "uvloop"]
EVENT_LOOPS: Final = ("auto", "asyncio", "uvloop")


def _uvloop_installed() -> bool:
    """Whether uvloop imports (it is imported to serve anyway; a broken install counts as none)."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_loop(choice: str) -> Loop:
    """The loop ``--event-loop choice`` names; ``ValueError`` (one sentence) when it cannot be had."""
    if choice == "asyncio":
        return "asyncio"
    if choice not in ("auto", "uvloop"):
        raise ValueError(f"--event-loop must be one of {', '.join(EVENT_LOOPS)}, not {choice!r}")
    if _uvloop_installed():
        return "uvloop"
    if choice == "uvloop":
        raise ValueError(
            "--event-loop uvloop: uvloop is not installed (pip install uvloop; it has no Windows build), "
            "or use --event-loop asyncio"
        )
    return "asyncio"


def anyio_options(loop: Loop) -> dict[str, Any]:
    """``anyio.run``'s ``backend_options`` for ``loop``."""
    return {"use_uvloop": loop == "uvloop"}
