"""Redaction of secrets (keys, tokens) from any text that may reach a log, an error or an agent."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["REDACTED", "redact"]

REDACTED: Final = "<redacted>"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-empty secret replaced by ``<redacted>``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text
