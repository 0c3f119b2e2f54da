"""Logging to stderr only (stdout is the stdio transport's wire), with secrets redacted."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from .redaction import redact

__all__ = ["RedactingFilter", "announce", "configure_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_ANNOUNCE = logging.getLogger("mcp_assistant_files.announce")


class RedactingFilter(logging.Filter):
    """Replace each secret with ``<redacted>`` in every record that passes through."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            redacted = self.redact(message)
            if redacted != message:
                record.msg, record.args = redacted, None
            if record.exc_info:
                # A traceback can quote a header value: format it here, redacted, and drop the original.
                record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
            elif record.exc_text:
                record.exc_text = self.redact(record.exc_text)
        return True

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced."""
        return redact(text, self.secrets)


def configure_logging(level: str, *, secrets: Iterable[str] = ()) -> None:
    """Root logging to stderr at ``level``; before ``MCPServer`` exists, so the SDK keeps it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Startup facts (which upstream, which address) are shown at any level.
    _ANNOUNCE.handlers = [handler]
    _ANNOUNCE.setLevel(logging.INFO)
    _ANNOUNCE.propagate = False


def announce(message: str, *args: object) -> None:
    """A startup line on stderr whatever the log level (e.g. which upstream is used)."""
    _ANNOUNCE.info(message, *args)
