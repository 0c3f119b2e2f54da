"""The MCP server's session bounds' defaults, in a module of their own so the command line can show
them without importing the HTTP stack (the session table) for a stdio server.

:mod:`.http` applies the session bounds and :mod:`.backlog` the bound on an SSE session's requests
in flight; the connection bounds are :mod:`..web.bounds`.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_SESSIONS", "DEFAULT_SESSION_IDLE_TIMEOUT", "MAX_SSE_REQUESTS_IN_FLIGHT"]

#: Seconds a stateful session may stay idle before it ends.
DEFAULT_SESSION_IDLE_TIMEOUT = 600.0
#: Stateful sessions held at once; a new one ends the least recently active idle session.
DEFAULT_MAX_SESSIONS = 1000
#: Requests an SSE session may have waiting for their answers on its unread stream; one more is
#: answered 429 (far above what a client that reads its stream has in flight).
MAX_SSE_REQUESTS_IN_FLIGHT = 32
