"""The HTTP connection bounds' defaults, in a module of their own so the command line can show them
without importing uvicorn (:mod:`.serving` applies them)."""

from __future__ import annotations

__all__ = ["DEFAULT_HEADER_TIMEOUT", "DEFAULT_MAX_CONNECTIONS"]

#: Seconds a connection may take to send its request headers.
DEFAULT_HEADER_TIMEOUT = 30.0
#: Client connections open at once; one more is answered 503.
DEFAULT_MAX_CONNECTIONS = 512
