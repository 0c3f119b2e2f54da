"""The HTTP connection bounds' defaults, in a module of their own so the command line can show them
without importing uvicorn (:mod:`.serving` applies them)."""

from __future__ import annotations

__all__ = ["DEFAULT_HEADER_TIMEOUT", "DEFAULT_MAX_CONNECTIONS", "DEFAULT_MIN_BODY_RATE"]

#: Seconds a connection may take to send its request headers.
DEFAULT_HEADER_TIMEOUT = 30.0
#: Client connections open at once; one more is answered 503.
DEFAULT_MAX_CONNECTIONS = 512
#: Bytes a second a request body must average over each window of ``DEFAULT_HEADER_TIMEOUT``
#: seconds until it is complete (Apache's ``mod_reqtimeout`` asks 500).
DEFAULT_MIN_BODY_RATE = 1024
