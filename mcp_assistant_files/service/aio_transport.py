"""The upstream's requests over aiohttp: an ``httpx2`` transport on one ``aiohttp.ClientSession``.

Why: a small upstream GET cost 0.40 ms of CPU in-process through httpx2's own transport
(httpcore2's pool and h11's parser, even on connections of asyncio's own transports) and 0.28 ms
through this one (``benchmarks/analysis.md``), the largest single cost of a tool call that the
server can change. openai-python offers the same for the same reason (``DefaultAioHttpClient``, through the
``httpx-aiohttp`` package); that package is not used here, because it reports a dropped
connection as ``ConnectTimeout``, lets aiohttp's own timeouts escape unmapped (a ``TimeoutError``
the client would take for its ``total_timeout``), and needs httpx 0.x besides.

The client above (``client/``) still speaks httpx2: requests and responses are httpx2's, and only
the bytes travel through aiohttp. What it keeps of httpx2's transport:

* the pool: at most ``max_connections`` connections (aiohttp's ``limit``), each kept
  ``keepalive_expiry`` seconds after its last use; a body read to its end gives its connection
  back, one closed early closes it;
* timeouts, from each request's ``timeout`` extension: ``connect`` -> ``sock_connect``, ``read``
  -> ``sock_read`` (between two reads), ``pool`` -> ``connect`` (waiting for a free connection,
  connecting included). aiohttp times no write: the client's ``total_timeout`` bounds it (every
  upstream call of the server has one);
* nothing of its own: no second try of a request whose connection failed (the client's retries
  are the only ones), no cookies (httpx2's client keeps them), no redirects, no decompression
  (httpx2's response decodes), no proxy from the environment (``pool.upstream_http`` gives a
  proxied upstream httpx2's own transport), no header of its own (``skip_auto_headers``);
* a header with CR, LF or NUL in its value, or a name that is not a token, is
  ``LocalProtocolError`` before anything is sent, as h11 refused it;
* errors as httpx2's transport raises them (:data:`_ERRORS`, the most specific class wins): a
  connection refused or a DNS or TLS failure is ``ConnectError``; a connect or read timeout
  ``ConnectTimeout`` or ``ReadTimeout``; a peer that closed before answering, a body cut short or
  malformed HTTP ``RemoteProtocolError``; any other socket failure ``ReadError``.

The session is made by the first request, on the event loop (aiohttp asks for the running loop);
the transport itself, which imports aiohttp (0.16 s) and loads the certificates into an SSL
context, is made in a worker thread by :class:`.pool.OnDemandTransport`.
"""

from __future__ import annotations

import io
import re
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import aiohttp
import httpx2
from multidict import CIMultiDict

__all__ = ["AiohttpTransport"]

_ERRORS: tuple[tuple[type[BaseException], type[httpx2.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx2.ConnectTimeout),
    (aiohttp.ServerTimeoutError, httpx2.ReadTimeout),  # SocketTimeoutError and any other
    (aiohttp.ClientConnectorError, httpx2.ConnectError),  # refused, DNS, TLS, proxy
    (aiohttp.ServerDisconnectedError, httpx2.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx2.RemoteProtocolError),
    (aiohttp.ClientResponseError, httpx2.RemoteProtocolError),  # malformed status line or headers
    (aiohttp.InvalidURL, httpx2.UnsupportedProtocol),
    (aiohttp.ClientError, httpx2.ReadError),  # a reset, a fingerprint mismatch, ...
    (OSError, httpx2.ReadError),
)
"""aiohttp's errors and the httpx2 error each becomes, most specific first."""

_LARGE_BODY = 1024 * 1024
"""Bodies of this many bytes or more go to aiohttp as a file, which it sends piece by piece."""
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE = re.compile(r"[\r\n\x00]")
_AUTO_HEADERS = ("Accept", "Accept-Encoding", "Content-Type", "User-Agent")
"""Headers aiohttp would add when the request lacks them; httpx2 decides them."""


@contextmanager
def _as_httpx2(request: httpx2.Request) -> Iterator[None]:
    """Raise aiohttp's errors (and a bare ``OSError``) as the httpx2 error of :data:`_ERRORS`."""
    try:
        yield
    except (aiohttp.ClientError, OSError) as err:
        for caught, raised in _ERRORS:
            if isinstance(err, caught):
                raise raised(str(err) or type(err).__name__, request=request) from err
        raise  # pragma: no cover  # the last rows catch every ClientError and OSError


def _checked_headers(request: httpx2.Request) -> CIMultiDict[str]:
    """The request's headers for aiohttp, refused as h11 would refuse them."""
    headers: CIMultiDict[str] = CIMultiDict()
    for name, value in request.headers.multi_items():
        if not _TOKEN.fullmatch(name) or _BAD_VALUE.search(value):
            raise httpx2.LocalProtocolError(f"Illegal header {name!r}: a name must be a token and a value "
                                            "must not hold CR, LF or NUL", request=request)  # fmt: skip
        if name.lower() != "transfer-encoding":  # aiohttp frames a body of unknown length itself
            headers.add(name, value)
    return headers


class _Body(httpx2.AsyncByteStream):
    """A response body read through aiohttp; closing it gives the connection back or closes it."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx2.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx2(self._request):
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def aclose(self) -> None:
        # Read to its end: the connection goes back to the pool; otherwise it is closed.
        self._response.release()


class AiohttpTransport(httpx2.AsyncBaseTransport):
    """An httpx2 transport sending over one ``aiohttp.ClientSession`` (see the module)."""

    def __init__(self, limits: httpx2.Limits, ssl_context: ssl.SSLContext | None = None) -> None:
        self._limits = limits
        self._ssl = ssl_context if ssl_context is not None else httpx2.create_ssl_context()
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        if self._session is None:  # no await since the check: one session, however many ask
            connector = aiohttp.TCPConnector(
                limit=self._limits.max_connections or 0,
                limit_per_host=0,
                keepalive_timeout=self._limits.keepalive_expiry or 0,
                ssl=self._ssl,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=_AUTO_HEADERS,
                trust_env=False,
                timeout=aiohttp.ClientTimeout(total=None),
            )
            # aiohttp sends an idempotent request again, at once, when its connection fails;
            # the client's retries (their number and backoff, documented) are the only ones.
            # No parameter says so: this is what aiohttp's own test client sets.
            self._session._retry_connection = False
        return self._session

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        session = self._open()
        headers = _checked_headers(request)
        timeout = request.extensions.get("timeout") or {}
        data: bytes | io.BytesIO | httpx2.AsyncByteStream | None
        try:
            data = request.content or None
        except httpx2.RequestNotRead:  # a streamed body (an upload)
            data = request.stream if isinstance(request.stream, httpx2.AsyncByteStream) else None
        if isinstance(data, bytes) and len(data) >= _LARGE_BODY:
            data = io.BytesIO(data)  # sent a piece at a time (aiohttp warns of large bytes)
        with _as_httpx2(request):
            response = await session.request(
                request.method,
                str(request.url),
                headers=headers,
                data=data,
                allow_redirects=False,
                compress=False,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
                server_hostname=request.extensions.get("sni_hostname"),
            )
        extensions = {
            "http_version": b"HTTP/1.1",
            "reason_phrase": (response.reason or "").encode("ascii", "replace"),
        }
        return httpx2.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_Body(response, request),
            extensions=extensions,
        )

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()
