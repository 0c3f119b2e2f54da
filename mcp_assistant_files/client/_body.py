"""Reading what an error (or malformed) response said: its body, OpenAI's error envelope, a summary."""

from __future__ import annotations

import json
from typing import Any

import httpx2

__all__ = ["decode_body", "error_envelope", "upstream_text"]

_MAX_MESSAGE_BODY = 300


def decode_body(content: bytes) -> object | None:
    """JSON-decode a body when possible, else return its text (``None`` when empty)."""
    if not content:
        return None
    try:
        decoded: object = json.loads(content)
    except ValueError:
        return content.decode("utf-8", "replace")
    return decoded


def error_envelope(body: object | None) -> dict[str, Any]:
    """The ``error`` object of OpenAI's ``{"error": {...}}`` envelope, or ``{}``."""
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict):
            return inner
    return {}


def upstream_text(body: object | None, response: httpx2.Response | None = None) -> str:
    """What the upstream said: the envelope's message, else the body's text (shortened)."""
    if response is not None and response.is_redirect:
        # Redirects are not followed: a POST or DELETE must not silently change its target.
        location = response.headers.get("location", "?")
        return f"redirected to {location}; redirects are not followed: check the base URL"
    message = error_envelope(body).get("message")
    if message is not None:
        return str(message)
    if isinstance(body, str) and body.strip():
        return _shorten(" ".join(body.split()))
    if body is None or body == "":
        return "no error message in the response body"
    return _shorten(json.dumps(body))


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE_BODY else text[: _MAX_MESSAGE_BODY - 1] + "…"
