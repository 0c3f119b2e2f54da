"""Errors raised by the backend store, mapped by the app onto OpenAI's error envelope.

StoreError                 base class; carries ``status``, ``type``, ``param`` and ``code``
├── NotFound               404: the assistant, file or attachment does not exist
├── InvalidRequest         400: the request is well formed HTTP but not acceptable
│   └── PayloadTooLarge    413: the body is larger than the endpoint accepts
└── DatabaseUnavailable    503: the database cannot be opened or reached
"""

from __future__ import annotations

__all__ = ["DatabaseUnavailable", "InvalidRequest", "NotFound", "PayloadTooLarge", "StoreError"]


class StoreError(Exception):
    """Base of every error the store raises on purpose; ``str(err)`` is the client-facing message."""

    status: int = 400
    type: str = "invalid_request_error"

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


class NotFound(StoreError):
    """An object named by the request does not exist (HTTP 404)."""

    status = 404

    def __init__(self, kind: str, id: str, *, message: str | None = None, param: str | None = None) -> None:
        super().__init__(message or f"No {kind} found with id '{id}'.", param=param)
        self.kind = kind
        self.id = id


class InvalidRequest(StoreError):
    """The request names things that exist but asks for something not allowed (HTTP 400)."""

    status = 400


class PayloadTooLarge(InvalidRequest):
    """The request body exceeds what the endpoint accepts (HTTP 413)."""

    status = 413


class DatabaseUnavailable(StoreError):
    """The database cannot be opened (a read-only folder, a server that refuses) or reached (HTTP 503)."""

    status = 503
    type = "server_error"
