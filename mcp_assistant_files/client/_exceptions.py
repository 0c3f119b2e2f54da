"""Exceptions raised by the assistant-files client.

The tree, as in openai-python 1.x::

    AssistantFilesError
    └── APIError
        ├── APIConnectionError            network failure: DNS, refused, reset
        │   └── APITimeoutError           an attempt took longer than its timeout
        ├── APIResponseValidationError    a 2xx body that is not the contract's shape
        └── APIStatusError                a 4xx/5xx answer
            ├── BadRequestError           400
            ├── AuthenticationError       401
            ├── PermissionDeniedError     403
            ├── NotFoundError             404
            ├── ConflictError             409
            ├── UnprocessableEntityError  422
            ├── RateLimitError            429
            └── InternalServerError       >= 500

A bad argument given to a client method (an empty id, say) is a plain ``ValueError``.
No message, ``repr`` or attribute here ever holds the API key: requests keep their headers,
but the messages are built only from the status line and the response body.
"""

from __future__ import annotations

import json

import httpx2

from ..redaction import REDACTED, redact
from ._body import decode_body, error_envelope, upstream_text
from ._retry import retry_after_seconds

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AssistantFilesError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "make_status_error",
    "status_error_class",
]


class AssistantFilesError(Exception):
    """Base class of every error this package raises on purpose."""


class APIError(AssistantFilesError):
    """An error while talking to the upstream API.

    ``body`` is the decoded JSON body when there is one, else the text, else ``None``. When the
    body is OpenAI's ``{"error": {...}}`` envelope, ``type``, ``param`` and ``code`` carry its
    fields and ``message`` its message.
    """

    message: str
    request: httpx2.Request
    body: object | None
    type: str | None
    param: str | None
    code: str | None

    def __init__(self, message: str, request: httpx2.Request, *, body: object | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        envelope = error_envelope(body)
        self.type = _str_or_none(envelope.get("type"))
        self.param = _str_or_none(envelope.get("param"))
        self.code = _str_or_none(envelope.get("code"))


class APIConnectionError(APIError):
    """The request never got an HTTP answer (DNS, refused connection, reset, ...)."""

    def __init__(self, *, request: httpx2.Request, message: str | None = None) -> None:
        if message is None:
            message = f"Connection error: could not reach {_origin(request)}."
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError):
    """An attempt took longer than its timeout (after every retry)."""

    def __init__(self, request: httpx2.Request, reason: str | None = None) -> None:
        why = f" ({reason})" if reason else ""
        super().__init__(
            request=request, message=f"Request timed out: {_origin(request)} did not answer in time{why}."
        )


class APIResponseValidationError(APIError):
    """A successful response whose body does not match the contract (or is too large)."""

    response: httpx2.Response
    status_code: int

    def __init__(self, response: httpx2.Response, body: object | None, *, message: str | None = None) -> None:
        key = _api_key_of(response.request)
        if key and key in json.dumps(body, default=str):
            body = json.loads(redact(json.dumps(body, default=str), [key]))
        super().__init__(
            message or "Data returned by the API is not of the expected shape.", response.request, body=body
        )
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The API answered with a 4xx or 5xx status."""

    response: httpx2.Response
    status_code: int
    request_id: str | None
    upstream_message: str
    """What the upstream itself said: the envelope's message, else the body's text (shortened)."""

    def __init__(self, message: str, *, response: httpx2.Response, body: object | None) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = _scrubbed_request_id(response)
        self.upstream_message = upstream_text(body, response)


class BadRequestError(APIStatusError):
    """400: the request was malformed or named something invalid."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: the assistant, the file or the attachment does not exist."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` (seconds) says when to try again, if known."""

    retry_after: float | None

    def __init__(self, message: str, *, response: httpx2.Response, body: object | None) -> None:
        super().__init__(message, response=response, body=body)
        self.retry_after = retry_after_seconds(response.headers)


class InternalServerError(APIStatusError):
    """500 and above: the upstream failed."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an HTTP error status."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status_code, APIStatusError)


def make_status_error(response: httpx2.Response, content: bytes) -> APIStatusError:
    """Build the typed error for an error response whose body is ``content``."""
    key = _api_key_of(response.request)
    if key:
        # Upstreams echo a rejected key ("Incorrect API key provided: sk-..."): never keep it.
        content = content.replace(key.encode("utf-8", "replace"), REDACTED.encode())
    body = decode_body(content)
    upstream = upstream_text(body, response)
    phrase = response.reason_phrase or httpx2.codes.get_reason_phrase(response.status_code)
    message = f"Error code: {response.status_code} {phrase} - {upstream}".replace("  ", " ")
    request_id = _scrubbed_request_id(response)
    if request_id:
        message += f" (request id {request_id})"
    return status_error_class(response.status_code)(message, response=response, body=body)


def _api_key_of(request: httpx2.Request) -> str | None:
    """The bearer key the request was sent with, if any."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return key.strip() or None


def _scrubbed_request_id(response: httpx2.Response) -> str | None:
    request_id = response.headers.get("x-request-id")
    return None if request_id is None else redact(request_id, [_api_key_of(response.request)])


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _origin(request: httpx2.Request) -> str:
    url = request.url
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"
