"""The MCP adapter: tool registration from the service's declarations, schemas, transports."""
