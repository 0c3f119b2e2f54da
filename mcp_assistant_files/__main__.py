"""``python -m mcp_assistant_files``: the same as the ``mcp-assistant-files`` command."""

import sys

from .cli import main

sys.exit(main())
