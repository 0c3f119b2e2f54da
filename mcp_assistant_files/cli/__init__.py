"""``mcp-assistant-files``: serve the MCP server (default), run the local backend, the demo,
and put data into the local backend."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .parser import build_parser

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mcp-assistant-files`` console script."""
    args_in = list(sys.argv[1:] if argv is None else argv)
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
