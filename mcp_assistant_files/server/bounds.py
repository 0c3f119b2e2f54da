"""The MCP server's session bounds' defaults, in a module of their own so the command line can show
them without importing the HTTP stack (the session table) for a stdio server.

:mod:`.http` applies them; the connection bounds are :mod:`..web.bounds`.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_SESSIONS", "DEFAULT_SESSION_IDLE_TIMEOUT"]

#: Seconds a stateful session may stay idle before it ends.
DEFAULT_SESSION_IDLE_TIMEOUT = 600.0
#: Stateful sessions held at once; a new one ends the least recently active idle session.
DEFAULT_MAX_SESSIONS = 1000
