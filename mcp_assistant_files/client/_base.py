"""Settings and request building shared by the sync and async clients."""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import quote, urlencode

import httpx2

from .._version import __version__
from ..redaction import REDACTED
from ._flow import Flow, request_flow
from ._options import RequestOptions
from ._types import NotGiven, TimeoutArg

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "BaseClient",
]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MAX_RETRIES = 2
# Each attempt may take 15 s to answer (5 s to connect): three attempts plus the backoff
# between them (at most 0.5 s + 1 s) take under 47 s, inside the ~60 s after which Claude
# Desktop and other MCP hosts abandon a tool call. openai-python's 600 s default never could.
# A server's retry-after (up to 60 s) can still stretch a call: ``total_timeout`` bounds that.
DEFAULT_TIMEOUT = httpx2.Timeout(15.0, connect=5.0)
# httpx2 keeps only 20 idle connections by default: under 50 concurrent calls nearly every
# request then opened a new one. Keep as many idle as may be open.
DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=30.0)
# No assistant-files answer comes near this; a larger body is a misconfigured base URL.
DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024
_JSON_ANSWER = "assistant-files answer"


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


class BaseClient:
    """What both clients hold: where to send, as whom, and how patiently."""

    api_key: str | None
    organization: str | None
    project: str | None
    max_retries: int
    timeout: TimeoutArg
    max_response_bytes: int

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | httpx2.URL | None,
        organization: str | None,
        project: str | None,
        timeout: TimeoutArg,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        max_response_bytes: int,
        total_timeout: float | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries}")
        key = api_key if api_key is not None else _env("OPENAI_API_KEY")
        # Keys pasted from files often end in a newline, which no HTTP header may hold.
        self.api_key = key.strip() if key else key
        self.organization = organization if organization is not None else _env("OPENAI_ORG_ID")
        self.project = project if project is not None else _env("OPENAI_PROJECT_ID")
        raw_url = str(base_url) if base_url is not None else (_env("OPENAI_BASE_URL") or DEFAULT_BASE_URL)
        url = httpx2.URL(raw_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL!r}, not {raw_url!r}")
        if url.userinfo:
            # httpx2 would send them as Basic auth instead of the key, and they would end up in messages.
            raise ValueError("base_url must not contain a user name or password: pass the key as api_key")
        if url.query or url.fragment:
            # The request path would be appended after them.
            raise ValueError(f"base_url must not contain a query or fragment, such as {DEFAULT_BASE_URL!r}")
        self.base_url = url.copy_with(raw_path=url.raw_path.rstrip(b"/"))
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_response_bytes = max_response_bytes
        self.total_timeout = total_timeout
        self._default_headers = dict(default_headers or {})
        # Built once: every request starts from these (settings are fixed after construction).
        self._url_prefix = str(self.base_url)
        self._headers = {name.lower(): (name, value) for name, value in self.default_headers.items()}
        self._header_items = list(self._headers.values())
        self._timeout = httpx2.Timeout(timeout).as_dict()

    @property
    def default_headers(self) -> dict[str, str]:
        """The headers every request carries (before a call's ``extra_headers``)."""
        headers = {
            "Accept": "application/json",
            "User-Agent": f"mcp-assistant-files/{__version__}",
        }
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        headers.update(self._default_headers)
        return headers

    def _build_request(self, options: RequestOptions, retries_taken: int) -> httpx2.Request:
        items = self._header_items
        if options.json_data is not None or options.headers or options.content is not None or retries_taken:
            merged = dict(self._headers)
            if options.json_data is not None:
                merged["content-type"] = ("Content-Type", "application/json")
            if options.content is not None:
                merged.update({key.lower(): (key, value) for key, value in options.content.headers.items()})
            for key, value in options.headers.items():
                merged[key.lower()] = (key, value)
            if retries_taken:
                merged.setdefault("x-retry-count", ("x-retry-count", str(retries_taken)))
            items = list(merged.values())
        timeout = (
            self._timeout
            if isinstance(options.timeout, NotGiven)
            else httpx2.Timeout(options.timeout).as_dict()
        )
        url = self._url_prefix + options.path
        if options.params:
            url += "?" + urlencode({k: _query_value(v) for k, v in options.params.items()}, quote_via=quote)
        if options.content is not None:
            # A stream given as such gets no automatic headers: Host is added here, the length and
            # type come from the body. Each attempt sends the same body object, which replays.
            host = ("Host", httpx2.URL(url).netloc.decode("ascii"))
            return httpx2.Request(
                options.method,
                url,
                headers=[host, *items],
                stream=options.content,
                extensions={"timeout": timeout},
            )
        return httpx2.Request(
            options.method, url, headers=items, json=options.json_data, extensions={"timeout": timeout}
        )

    def _response_limit(self, options: RequestOptions) -> int:
        """The most bytes the response to ``options`` may hold."""
        return self.max_response_bytes if options.limit is None else options.limit.max_bytes

    def _flow(self, options: RequestOptions) -> Flow:
        return request_flow(
            lambda retries_taken: self._build_request(options, retries_taken),
            max_retries=self.max_retries,
            stream=options.mode == "stream",
            limit=self._response_limit(options),
            deadline=self.total_timeout,
            what=_JSON_ANSWER if options.limit is None else options.limit.what,
        )

    def __repr__(self) -> str:
        key = "None" if not self.api_key else f"'{REDACTED}'"
        name = type(self).__name__
        return f"{name}(base_url='{self.display_url}', api_key={key}, max_retries={self.max_retries})"

    @property
    def display_url(self) -> str:
        """The base URL without user name, password or query, fit for messages and logs."""
        return str(self.base_url.copy_with(userinfo=b"", query=None))


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
