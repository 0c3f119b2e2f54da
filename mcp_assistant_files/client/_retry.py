"""When to try a request again, and how long to wait first (openai-python 1.x's policy).

- Retried: 408, 409, 429 and 5xx answers, timeouts and connection errors.
- ``x-should-retry: true|false`` from the server overrides the status rule.
- ``retry-after-ms`` / ``retry-after`` (seconds or an HTTP date) is honoured when 0-60 s;
  otherwise the wait is ``min(0.5 * 2**n, 8)`` seconds times a jitter in (0.75, 1], where ``n``
  is the number of retries already made.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping

__all__ = [
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "retry_after_seconds",
    "retry_delay",
    "should_retry",
]

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
_RETRIED_STATUSES = frozenset({408, 409, 429})


def should_retry(status_code: int, headers: Mapping[str, str]) -> bool:
    """Whether an error answer is worth another attempt."""
    override = headers.get("x-should-retry")
    if override == "true":
        return True
    if override == "false":
        return False
    return status_code in _RETRIED_STATUSES or status_code >= 500


def retry_delay(retries_taken: int, headers: Mapping[str, str] | None) -> float:
    """Seconds to wait before the next attempt, ``retries_taken`` retries having been made."""
    if headers is not None:
        asked = retry_after_seconds(headers)
        if asked is not None and 0 <= asked <= MAX_RETRY_AFTER:
            return asked
    backoff = min(INITIAL_RETRY_DELAY * 2.0**retries_taken, MAX_RETRY_DELAY)
    jitter = 1 - 0.25 * random.random()
    return backoff * jitter


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms``, else ``retry-after`` (finite only).

    ``retry-after`` may be a number of seconds or an HTTP date. ``None`` when absent or unreadable.
    """
    value = _retry_after(headers)
    return value if value is not None and math.isfinite(value) else None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return float(raw_ms) / 1000.0
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(raw)
    if parsed is None:
        return None
    return float(email.utils.mktime_tz(parsed)) - time.time()
