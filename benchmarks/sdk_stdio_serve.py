"""``python benchmarks/sdk_stdio_serve.py serve ...``: our server on the SDK's stdio transport.

The same command as ``mcp-assistant-files serve ...`` but with stdin/stdout read and written
through the SDK's worker threads (what a regular file on stdin gets) instead of the event-loop
pipes of ``server/pipes.py``: the A/B for that transport, in one run.
"""

from __future__ import annotations

import sys

from mcp_assistant_files.cli import main
from mcp_assistant_files.server import stdio


def _never() -> bool:
    return False


if __name__ == "__main__":
    stdio.native_pipes_possible = _never  # type: ignore[attr-defined]  # the A/B's one switch
    sys.exit(main())
