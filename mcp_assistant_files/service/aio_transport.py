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

* the pool: at most ``max_connections`` requests hold a connection at once, from the request
  until its response is closed (a semaphore of ours: aiohttp's own limit loses a freed slot
  when the request it wakes is cancelled first, and times its wait and the connecting as one);
  a connection is kept ``keepalive_expiry`` seconds after its last use; a body read to its end
  gives its connection back, one closed early closes it;
* timeouts, from each request's ``timeout`` extension: ``pool`` for the wait for a slot
  (``PoolTimeout``), ``connect`` for the name lookup, the connection and TLS, ``read`` between
  two reads. aiohttp times no write: the client's ``total_timeout`` bounds it (every upstream
  call of the server has one);
* nothing of its own: no second try of a request whose connection failed (the client's retries
  are the only ones), no cookies (httpx2's client keeps them), no redirects, no decompression
  (httpx2's response decodes), no proxy from the environment (``pool.upstream_http`` gives a
  proxied upstream httpx2's own transport), no header of its own (``skip_auto_headers``);
* the URL goes out as httpx2 encoded it (not re-quoted; its credentials are httpx2's
  ``Authorization`` header), and a header that h11 would refuse (a name that is not a token; a
  value with a control character, or space around it) or whose value is not UTF-8 (aiohttp
  would send it re-encoded) is ``LocalProtocolError`` before anything is sent;
* an exception raised by a streamed request body (a file that changed while it was uploaded)
  reaches the caller as it was raised, not as a connection error; a ``Content-Length`` h11 would
  refuse (conflicting values, not digits), or a body longer or shorter than it, is
  ``LocalProtocolError`` with h11's words, before any byte beyond it;
* errors as httpx2's transport raises them (:data:`_ERRORS`, the most specific class wins): a
  connection refused or a DNS or TLS failure is ``ConnectError``; a connect or read timeout
  ``ConnectTimeout`` or ``ReadTimeout``; a peer that closed before answering, a body cut short or
  malformed HTTP ``RemoteProtocolError``; any other socket failure ``ReadError``, as is the end
  of a request or of a body read the transport's closing cut short (aiohttp's own closing left
  a waiting read waiting). Any other ``RuntimeError`` is a fault of the program and is not
  taken for a connection error.

The session is made by the first request, on the event loop (aiohttp asks for the running loop);
the transport itself, which imports aiohttp (0.16 s) and loads the certificates into an SSL
context, is made in a worker thread by :class:`.pool.OnDemandTransport`.
"""

from __future__ import annotations

import asyncio
import io
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import aiohttp
import anyio
import httpx2
from yarl import URL

from .aio_request import TOO_LITTLE, TOO_MUCH, Upload, checked_headers, declared_length

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

_CLOSED = frozenset({"Connection closed.", "Session is closed"})
"""aiohttp's ``RuntimeError`` messages for a request the session's closing cut short (a ``ReadError``;
any other ``RuntimeError`` is a fault of the program, and goes on as it is)."""
_LARGE_BODY = 1024 * 1024
"""Bodies of this many bytes or more go to aiohttp as a file, which it sends piece by piece."""
_MAX_HEAD_LINE = 64 * 1024
"""Longest response header line accepted (aiohttp's default, 8190, is below what h11 took)."""
_AUTO_HEADERS = ("Accept", "Accept-Encoding", "Content-Type", "User-Agent")
"""Headers aiohttp would add when the request lacks them; httpx2 decides them."""


@contextmanager
def _as_httpx2(request: httpx2.Request, upload: Upload | None = None) -> Iterator[None]:
    """Raise aiohttp's errors as the httpx2 error of :data:`_ERRORS`; an upload's own error as it was."""
    try:
        yield
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise  # the caller's cancellation
        # aiohttp cancelled its own wait: the session closed under this request.
        raise httpx2.ReadError(
            "the connection was closed by the transport's closing", request=request
        ) from None
    except (aiohttp.ClientError, OSError, RuntimeError) as err:
        if upload is not None and upload.error is not None:
            raise upload.error from None
        if isinstance(err, RuntimeError):
            if str(err) not in _CLOSED:
                raise
            raise httpx2.ReadError(str(err), request=request) from err
        for caught, raised in _ERRORS:
            if isinstance(err, caught):
                raise raised(str(err) or type(err).__name__, request=request) from err
        raise  # pragma: no cover  # the rows above catch every ClientError and OSError


class _Body(httpx2.AsyncByteStream):
    """A response body read through aiohttp; closing it gives the connection back or closes it,
    and frees the request's slot of the pool. An upload still being sent under it (an upstream may
    answer early) that fails ends the read with the upload's own error."""

    def __init__(
        self,
        response: aiohttp.ClientResponse,
        request: httpx2.Request,
        slot: anyio.Semaphore,
        open_bodies: set[_Body],
        upload: Upload | None,
    ) -> None:
        self._response = response
        self._request = request
        self._upload = upload
        if upload is not None:
            upload.answer = self
        self._slot: anyio.Semaphore | None = slot
        self._open_bodies = open_bodies
        open_bodies.add(self)

    def fail(self, why: str) -> None:
        """End a read in progress or to come with an error (the transport closes, or the upload failed)."""
        self._response.content.set_exception(aiohttp.ClientConnectionError(why))

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx2(self._request, self._upload):
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def aclose(self) -> None:
        # Read to its end: the connection goes back to the pool; otherwise it is closed.
        self._response.release()
        slot = self._slot
        if slot is not None:  # once, however often it is closed
            self._slot = None
            self._open_bodies.discard(self)
            slot.release()


class AiohttpTransport(httpx2.AsyncBaseTransport):
    """An httpx2 transport sending over one ``aiohttp.ClientSession`` (see the module)."""

    def __init__(self, limits: httpx2.Limits, ssl_context: ssl.SSLContext | None = None) -> None:
        self._limits = limits
        self._ssl = ssl_context if ssl_context is not None else httpx2.create_ssl_context()
        self._session: aiohttp.ClientSession | None = None
        self._slots: anyio.Semaphore | None = None
        self._bodies: set[_Body] = set()  # the responses not closed yet
        self._closed = False

    def _open(self) -> tuple[aiohttp.ClientSession, anyio.Semaphore]:
        if self._closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        if self._session is None or self._slots is None:  # no await since the check: one session
            connector = aiohttp.TCPConnector(
                limit=0, limit_per_host=0, keepalive_timeout=self._limits.keepalive_expiry, ssl=self._ssl
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=_AUTO_HEADERS,
                trust_env=False,
                timeout=aiohttp.ClientTimeout(total=None),
                max_line_size=_MAX_HEAD_LINE,
                max_field_size=_MAX_HEAD_LINE,
            )
            # aiohttp sends an idempotent request again, at once, when its connection fails;
            # the client's retries (their number and backoff, documented) are the only ones.
            # No parameter says so: this is what aiohttp's own test client sets.
            self._session._retry_connection = False
            self._slots = anyio.Semaphore(self._limits.max_connections or 2**31 - 1, fast_acquire=True)
        return self._session, self._slots

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        session, slots = self._open()
        headers = checked_headers(request)
        declared = declared_length(request, headers)
        data: bytes | io.BytesIO | Upload | None
        upload = None
        try:
            data = request.content
        except httpx2.RequestNotRead:  # a streamed body (an upload)
            data = upload = (
                Upload(request.stream, request, declared)
                if isinstance(request.stream, httpx2.AsyncByteStream)
                else None
            )
        else:
            if declared is not None and len(data) != declared:
                raise httpx2.LocalProtocolError(
                    TOO_MUCH if len(data) > declared else TOO_LITTLE, request=request
                )
            if not data:
                data = None  # aiohttp would add a Content-Length: 0 of its own
            elif len(data) >= _LARGE_BODY:
                data = io.BytesIO(data)  # sent a piece at a time (aiohttp warns of large bytes)
        timeout = request.extensions.get("timeout") or {}
        await _take(slots, timeout.get("pool"), request)
        try:
            if self._closed:
                raise RuntimeError("Cannot send a request, as the client has been closed.")
            with _as_httpx2(request, upload):
                response = await session.request(
                    request.method,
                    URL(str(request.url), encoded=True).with_user(None),  # httpx2 sent it as Authorization
                    headers=headers,
                    data=data,
                    allow_redirects=False,
                    compress=False,
                    timeout=aiohttp.ClientTimeout(
                        total=None,
                        connect=timeout.get("connect"),
                        sock_connect=timeout.get("connect"),
                        sock_read=timeout.get("read"),
                    ),
                    server_hostname=request.extensions.get("sni_hostname"),
                )
            if upload is not None and upload.error is not None:  # answered before its body failed
                response.close()
                raise upload.error
        except BaseException:
            slots.release()
            raise
        extensions = {
            "http_version": b"HTTP/1.1",
            "reason_phrase": (response.reason or "").encode("ascii", "replace"),
        }
        return httpx2.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_Body(response, request, slots, self._bodies, upload),
            extensions=extensions,
        )

    async def aclose(self) -> None:
        self._closed = True
        for body in list(self._bodies):  # aiohttp's closing leaves a waiting read waiting
            body.fail("the transport was closed")
        if self._session is not None:
            await self._session.close()


async def _take(slots: anyio.Semaphore, timeout: float | None, request: httpx2.Request) -> None:
    """A slot of the pool, waiting at most ``timeout`` seconds (``PoolTimeout``)."""
    try:
        slots.acquire_nowait()
    except anyio.WouldBlock:
        try:
            with anyio.fail_after(timeout):
                await slots.acquire()
        except TimeoutError:
            raise httpx2.PoolTimeout("no connection of the pool came free in time", request=request) from None
