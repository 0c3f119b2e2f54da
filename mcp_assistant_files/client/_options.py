"""What one call sends: an operation and the caller's extras turned into ``RequestOptions``.

Shared by the sync and async resources, so both send exactly the same requests. A left-out
argument (``NOT_GIVEN``) is not sent; ``extra_query`` wins over a named parameter of the same
name; ``extra_body`` is merged into the JSON body (or the form of an upload); an operation's own
headers (``OpenAI-Beta``, ``Accept``) come before ``extra_headers``, which are applied last, so
they can override any default header.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import quote

from ._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg
from ._uploads import FilePart, MultipartBody, form_fields

__all__ = [
    "BETA_V1",
    "BETA_V2",
    "MODE_HEADER",
    "Mode",
    "RequestOptions",
    "ResponseLimit",
    "path_segment",
    "request_options",
    "required",
]

BETA_V1: Mapping[str, str] = {"OpenAI-Beta": "assistants=v1"}
"""The header of every v1 assistant-files request."""
BETA_V2: Mapping[str, str] = {"OpenAI-Beta": "assistants=v2"}
"""The header of every vector-store request (openai-python sends it on all of them)."""

Mode = Literal["parsed", "raw", "stream"]

# The raw and streaming wrappers mark a call through this header; it is removed before sending.
MODE_HEADER = "x-mcp-assistant-files-response-mode"


@dataclass(frozen=True, slots=True)
class ResponseLimit:
    """The most bytes a response body may hold, and what such a body is (for the error message)."""

    max_bytes: int
    what: str


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Everything about one API call except the client's own settings."""

    method: str
    path: str
    params: Mapping[str, object] = field(default_factory=dict)
    json_data: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: TimeoutArg | NotGiven = NOT_GIVEN
    mode: Mode = "parsed"
    content: MultipartBody | None = None
    """An upload's body (``json_data`` is then ``None``); it sends the same bytes on every attempt."""
    limit: ResponseLimit | None = None
    """A limit of its own for the response body (else the client's ``max_response_bytes``)."""

    def with_params(self, params: Mapping[str, object]) -> RequestOptions:
        """A copy with other query parameters, always parsed (used for the next page)."""
        return replace(self, params=dict(params), mode="parsed")


def path_segment(value: str, name: str) -> str:
    """``value`` percent-encoded as exactly one path segment.

    ``/``, ``?``, ``#`` and ``%`` are encoded, so no id can change which endpoint is called;
    ``.`` and ``..`` are refused because URL normalisation would turn them into another path.
    """
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a string, not {type(value).__name__}")
    if not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    if value in {".", ".."}:
        raise ValueError(f"`{name}` cannot be {value!r}: it is not an id and would change the request path")
    try:
        return quote(value, safe="")
    except UnicodeEncodeError:
        raise ValueError(f"`{name}` is not valid text (it holds a lone surrogate): {value!r}") from None


def _split_headers(extra_headers: Headers | None) -> tuple[dict[str, str], Mode]:
    headers = dict(extra_headers or {})
    mode: Mode = "parsed"
    for key in [k for k in headers if k.lower() == MODE_HEADER]:
        value = headers.pop(key)
        if value in ("raw", "stream"):
            mode = value  # type: ignore[assignment]  # narrowed by the membership test
    return headers, mode


def request_options(
    method: str,
    path: str,
    *,
    params: Mapping[str, object] | None = None,
    json_data: Mapping[str, Any] | None = None,
    upload: FilePart | None = None,
    headers: Mapping[str, str] | None = None,
    limit: ResponseLimit | None = None,
    extra_headers: Headers | None,
    extra_query: Query | None,
    extra_body: Body | None,
    timeout: TimeoutArg | NotGiven,
) -> RequestOptions:
    """The options of one call: its operation (method, path, parameters, body, headers) and the caller's extras.

    With ``upload``, ``json_data`` and ``extra_body`` become the form fields before the file part.
    """
    merged_params = {k: v for k, v in (params or {}).items() if not isinstance(v, NotGiven)}
    merged_params.update({k: v for k, v in (extra_query or {}).items() if v is not None})
    body: dict[str, Any] | None = None
    if json_data is not None or extra_body or upload is not None:
        body = {k: v for k, v in (json_data or {}).items() if not isinstance(v, NotGiven)}
        body.update(extra_body or {})
    content: MultipartBody | None = None
    if upload is not None:
        content, body = MultipartBody(form_fields(body or {}), upload), None
    caller_headers, mode = _split_headers(extra_headers)
    merged_headers = {**(headers or {}), **caller_headers}
    return RequestOptions(method, path, merged_params, body, merged_headers, timeout, mode, content, limit)


def required(value: str, name: str) -> str:
    """``value`` if it is a non-empty string, else the ``ValueError`` openai-python raises."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    return value
