"""``mcp-assistant-files``: serve the MCP server (default), run the local backend, the demo,
and put data into the local backend."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .parser import build_parser
from .startup import started, starting

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mcp-assistant-files`` console script.

    Run as a process of its own (``argv`` not given), the command starts with the cyclic garbage
    collector paused (see :mod:`.startup`); called with ``argv`` (a test, an embedding
    application), the collector is left alone.
    """
    if argv is None:
        starting()
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    finally:
        started()


def _main(args_in: list[str]) -> int:
    if not args_in or (args_in[0].startswith("-") and args_in[0] not in ("-h", "--help", "--version")):
        args_in.insert(0, "serve")
    args = build_parser().parse_args(args_in)
    from . import commands  # imports mcp (slow): only once a command runs

    try:
        return commands.run(args)
    except commands.UsageError as err:
        sys.stderr.write(f"mcp-assistant-files: error: {err}\n")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
