"""One call's life, written once for sync and async: send, read, retry, raise.

``request_flow`` is a generator that *yields* the I/O it needs (``Send``, ``Read``, ``Sleep``)
and receives the results; ``run_sync`` and ``run_async`` perform that I/O with
``httpx2.Client`` or ``httpx2.AsyncClient``. So retries, error mapping and body limits exist
in one place, and the sync client cannot drift from the async one.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

import anyio
import httpx2

from ..errors import APIConnectionError, APIResponseValidationError, APITimeoutError, make_status_error
from ._retry import retry_delay, should_retry

__all__ = [
    "Read",
    "ResponseTooLargeError",
    "Send",
    "Sleep",
    "read_async",
    "read_sync",
    "request_flow",
    "run_async",
    "run_sync",
    "sleep_async",
    "sleep_sync",
]


@dataclass(frozen=True, slots=True)
class Send:
    """Send ``request``; the body is not read yet (stream mode)."""

    request: httpx2.Request


@dataclass(frozen=True, slots=True)
class Read:
    """Read the whole body of ``response``, failing past ``limit`` bytes."""

    response: httpx2.Response
    limit: int


@dataclass(frozen=True, slots=True)
class Sleep:
    """Wait before the next attempt."""

    seconds: float


Action = Send | Read | Sleep
Flow = Generator[Action, object, tuple[httpx2.Response, bytes | None]]


class ResponseTooLargeError(Exception):
    """A body longer than the client's ``max_response_bytes``."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _too_large(response: httpx2.Response, limit: int) -> APIResponseValidationError:
    return APIResponseValidationError(
        response,
        None,
        message=(
            f"The response from {response.request.url} is larger than {limit} bytes, far more than any "
            "assistant-files answer: check that the base URL points at an assistant-files API."
        ),
    )


def request_flow(
    build: Callable[[int], httpx2.Request],
    *,
    max_retries: int,
    stream: bool,
    limit: int,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Flow:
    """Send the request built by ``build(retries_taken)`` until it succeeds or retries run out.

    With ``deadline`` (seconds), no retry is started whose wait would end past that long after the
    first attempt began: the last error is raised at once instead (a ``RateLimitError`` keeps the
    server's ``retry_after``). Returns the response and its body (``None`` when ``stream``: the
    caller reads it). Raises the typed errors of ``mcp_assistant_files.errors``.
    """
    started = clock()
    retries_taken = 0

    def worth_waiting(delay: float) -> bool:
        return deadline is None or clock() - started + delay <= deadline

    while True:
        request = build(retries_taken)
        can_retry = retries_taken < max_retries
        response: httpx2.Response | None = None
        try:
            sent = yield Send(request)
            assert isinstance(sent, httpx2.Response)
            response = sent
            if response.is_error or response.is_redirect:
                content = yield Read(response, limit)
                assert isinstance(content, bytes)
                if can_retry and should_retry(response.status_code, response.headers):
                    delay = retry_delay(retries_taken, response.headers)
                    if worth_waiting(delay):
                        yield Sleep(delay)
                        retries_taken += 1
                        continue
                raise make_status_error(response, content)
            if stream:
                return response, None
            body = yield Read(response, limit)
            assert isinstance(body, bytes)
            return response, body
        except ResponseTooLargeError as err:
            assert response is not None
            raise _too_large(response, err.limit) from None
        except httpx2.LocalProtocolError as err:
            # The request itself cannot be sent (e.g. a header value with a newline): retrying cannot help.
            raise APIConnectionError(
                request=request,
                message="The request could not be sent: a header value is invalid (check OPENAI_API_KEY and "
                "extra headers for stray newlines or spaces).",
            ) from err
        except httpx2.TimeoutException as err:
            delay = retry_delay(retries_taken, None)
            if not (can_retry and worth_waiting(delay)):
                raise APITimeoutError(request) from err
        except httpx2.TransportError as err:
            delay = retry_delay(retries_taken, None)
            if not (can_retry and worth_waiting(delay)):
                raise APIConnectionError(request=request) from err
        yield Sleep(delay)
        retries_taken += 1


def _check_declared_length(response: httpx2.Response, limit: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ResponseTooLargeError(limit)


def _keep(response: httpx2.Response, chunks: list[bytes]) -> bytes:
    content = b"".join(chunks)
    # What httpx2's own read() does, so response.content and .json() work afterwards.
    response._content = content
    return content


def read_sync(response: httpx2.Response, limit: int) -> bytes:
    """Read a streamed body, at most ``limit`` bytes after decoding."""
    try:
        _check_declared_length(response, limit)
        chunks: list[bytes] = []
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > limit:
                raise ResponseTooLargeError(limit)
            chunks.append(chunk)
    except BaseException:
        response.close()
        raise
    return _keep(response, chunks)


async def read_async(response: httpx2.Response, limit: int) -> bytes:
    """Async twin of ``read_sync``."""
    try:
        _check_declared_length(response, limit)
        chunks: list[bytes] = []
        total = 0
        async for chunk in response.aiter_bytes():
            total += len(chunk)
            if total > limit:
                raise ResponseTooLargeError(limit)
            chunks.append(chunk)
    except BaseException:
        with anyio.CancelScope(shield=True):
            await response.aclose()
        raise
    return _keep(response, chunks)


def sleep_sync(seconds: float) -> None:
    """The pause between attempts (a module attribute, so tests can replace it)."""
    time.sleep(seconds)


async def sleep_async(seconds: float) -> None:
    """Async twin of ``sleep_sync``."""
    await anyio.sleep(seconds)


def run_sync(http: httpx2.Client, flow: Flow) -> tuple[httpx2.Response, bytes | None]:
    """Drive ``flow`` with blocking I/O."""
    with contextlib.closing(flow):
        result: object = None
        error: Exception | None = None
        while True:
            try:
                action = flow.throw(error) if error is not None else flow.send(result)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            result, error = None, None
            try:
                if isinstance(action, Send):
                    result = http.send(action.request, stream=True)
                elif isinstance(action, Read):
                    result = read_sync(action.response, action.limit)
                else:
                    sleep_sync(action.seconds)
            except (httpx2.HTTPError, ResponseTooLargeError) as exc:
                error = exc


async def run_async(http: httpx2.AsyncClient, flow: Flow) -> tuple[httpx2.Response, bytes | None]:
    """Drive ``flow`` with async I/O; cancelling the caller cancels the request in flight."""
    with contextlib.closing(flow):
        result: object = None
        error: Exception | None = None
        while True:
            try:
                action = flow.throw(error) if error is not None else flow.send(result)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            result, error = None, None
            try:
                if isinstance(action, Send):
                    result = await http.send(action.request, stream=True)
                elif isinstance(action, Read):
                    result = await read_async(action.response, action.limit)
                else:
                    await sleep_async(action.seconds)
            except (httpx2.HTTPError, ResponseTooLargeError) as exc:
                error = exc
