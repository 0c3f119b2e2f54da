"""What the tools do, without MCP: tool declarations, cursors, argument checks and error sentences.

``server`` adapts this layer to MCP; nothing here imports ``mcp``.
"""
