"""HTTP plumbing the MCP server and the backend share, without ``mcp``: who may connect
(:mod:`.guard`: ``Host``/``Origin`` and CORS) and uvicorn with the bounds it lacks
(:mod:`.serving`, defaults in :mod:`.bounds`)."""
