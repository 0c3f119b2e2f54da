"""mcp-assistant-files: an MCP server and typed client for the files an assistant searches.

The public API is the client's (``mcp_assistant_files.client``), re-exported here::

    from mcp_assistant_files import AsyncAssistantsClient

    async with AsyncAssistantsClient(base_url="http://127.0.0.1:8765/v1") as client:
        async for f in client.files.list("asst_..."):
            ...
"""

from . import client as _client
from ._version import __version__
from .client import *  # noqa: F403 - the public API is exactly the client's

__all__ = [*_client.__all__, "__version__"]
