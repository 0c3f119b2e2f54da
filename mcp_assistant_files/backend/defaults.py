"""The backend's defaults that the command line shows, in a module of their own so showing them
imports nothing else (the ingestion worker's module brings the text decoders and ``sqlite3``);
as :mod:`..server.bounds` and :mod:`..web.bounds` do for the HTTP server.
"""

from __future__ import annotations

__all__ = ["DEFAULT_POLL_INTERVAL"]

#: Seconds between the ingestion worker's looks at the database for files other processes attached.
DEFAULT_POLL_INTERVAL = 0.5
