"""One call's life, written once for sync and async: send, read, retry, raise.

The protocol (as httpx's ``Auth.auth_flow`` is one generator for both I/O styles):

* ``request_flow`` is a generator that *yields* the I/O it needs, as an action object:
  ``Send`` (send a request, body not read), ``Read`` (read a body, up to a limit) or
  ``Pause`` (wait before the next attempt).
* The driver (``run_sync`` with ``httpx2.Client``, ``run_async`` with ``httpx2.AsyncClient``)
  performs the action and stores its outcome *on the action*: ``Send.response``,
  ``Read.content``, or ``error`` when the I/O failed. Then it resumes the generator; nothing is
  sent into or thrown into it.
* The generator takes the outcome with ``action.outcome()``, which returns the value or raises
  the stored I/O error at that point, where the flow's own ``except`` clauses handle it.
* The generator's return value is the final ``(response, body)``; it raises the typed errors of
  ``mcp_assistant_files.client`` itself.

So retries, error mapping, retry logging and body limits exist once, and the sync client
cannot drift from the async one.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import anyio
import httpx2

from ._exceptions import APIConnectionError, APIResponseValidationError, APITimeoutError, make_status_error
from ._pause import now, pause_async, pause_sync
from ._retry import retry_delay, should_retry

__all__ = [
    "Action",
    "Flow",
    "Pause",
    "Read",
    "ResponseTooLargeError",
    "Send",
    "Steps",
    "read_async",
    "read_sync",
    "request_flow",
    "run_async",
    "run_sync",
]

logger = logging.getLogger("mcp_assistant_files.client")


@dataclass(slots=True)
class Send:
    """Send ``request`` (stream mode: the body is not read yet), giving up at ``until`` (clock time)."""

    request: httpx2.Request
    until: float | None = None
    response: httpx2.Response | None = None
    error: Exception | None = None

    def outcome(self) -> httpx2.Response:
        """The response, or the error the driver met while sending."""
        if self.error is not None:
            raise self.error
        if self.response is None:
            raise RuntimeError("the driver did not perform this Send")
        return self.response


@dataclass(slots=True)
class Read:
    """Read the whole body of ``response``, failing past ``limit`` bytes or past ``until``."""

    response: httpx2.Response
    limit: int
    until: float | None = None
    content: bytes | None = None
    error: Exception | None = None

    def outcome(self) -> bytes:
        """The body, or the error the driver met while reading."""
        if self.error is not None:
            raise self.error
        if self.content is None:
            raise RuntimeError("the driver did not perform this Read")
        return self.content


@dataclass(frozen=True, slots=True)
class Pause:
    """Wait ``seconds`` before the next attempt."""

    seconds: float


Action = Send | Read | Pause
Result = tuple[httpx2.Response, bytes | None]
Flow = Generator[Action, None, Result]


class DeadlineExceeded(Exception):
    """The call's ``total_timeout`` ran out while a request was being sent or its body read."""


class ResponseTooLargeError(Exception):
    """A body longer than the client's ``max_response_bytes``."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


@dataclass
class _Attempts:
    """How many retries were made, and whether another one still fits the call's deadline."""

    max_retries: int
    deadline: float | None
    clock: Callable[[], float]
    started: float = field(init=False)
    taken: int = 0

    def __post_init__(self) -> None:
        self.started = self.clock()

    def may_retry(self, delay: float) -> bool:
        if self.taken >= self.max_retries:
            return False
        return self.deadline is None or self.clock() - self.started + delay <= self.deadline

    def pause(self, request: httpx2.Request, delay: float, why: str) -> Pause:
        self.taken += 1
        logger.info(
            "retrying %s %s in %.2f s after %s (retry %d of %d)",
            request.method,
            request.url.copy_with(query=None, userinfo=b""),
            delay,
            why,
            self.taken,
            self.max_retries,
        )
        return Pause(delay)


def request_flow(
    build: Callable[[int], httpx2.Request],
    *,
    max_retries: int,
    stream: bool,
    limit: int,
    deadline: float | None = None,
    clock: Callable[[], float] = now,
    what: str,
) -> Flow:
    """Send the request built by ``build(retries_taken)`` until it succeeds or retries run out.

    With ``deadline`` (seconds), no retry is started whose wait would end past that long after the
    first attempt began: the last error is raised at once instead (a ``RateLimitError`` keeps the
    server's ``retry_after``). Returns the response and its body (``None`` when ``stream``: the
    caller reads it). A body over ``limit`` bytes is refused as far more than any ``what``. Each
    retry is logged at INFO on ``mcp_assistant_files.client``.
    """
    attempts = _Attempts(max_retries, deadline, clock)
    until = None if deadline is None else attempts.started + deadline
    while True:
        request = build(attempts.taken)
        response: httpx2.Response | None = None
        try:
            send = Send(request, until)
            yield send
            response = send.outcome()
            if response.is_error or response.is_redirect:
                read = Read(response, limit, until)
                yield read
                content = read.outcome()
                if should_retry(response.status_code, response.headers):
                    delay = retry_delay(attempts.taken, response.headers)
                    if attempts.may_retry(delay):
                        yield attempts.pause(request, delay, f"HTTP {response.status_code}")
                        continue
                raise make_status_error(response, content)
            if stream:
                return response, None
            read = Read(response, limit, until)
            yield read
            return response, read.outcome()
        except ResponseTooLargeError as err:
            assert response is not None  # only Read raises it, after a response arrived
            raise _too_large(response, err.limit, what) from None
        except DeadlineExceeded:
            # A dripping answer must not hold the call past its budget, whatever each read's timeout.
            raise APITimeoutError(
                request, f"the call's total_timeout of {deadline:g} s ran out before the answer was complete"
            ) from None
        except httpx2.LocalProtocolError as err:
            # The request itself cannot be sent (e.g. a header value with a newline): retrying cannot help.
            raise APIConnectionError(
                request=request,
                message="The request could not be sent: a header value is invalid (check OPENAI_API_KEY and "
                "extra headers for stray newlines or spaces).",
            ) from err
        except httpx2.TimeoutException as err:
            delay = retry_delay(attempts.taken, None)
            if not attempts.may_retry(delay):
                raise APITimeoutError(request) from err
            why = "a timeout"
        except httpx2.TransportError as err:
            delay = retry_delay(attempts.taken, None)
            if not attempts.may_retry(delay):
                raise APIConnectionError(request=request) from err
            why = f"a connection error ({type(err).__name__})"
        yield attempts.pause(request, delay, why)


def _too_large(response: httpx2.Response, limit: int, what: str) -> APIResponseValidationError:
    return APIResponseValidationError(
        response,
        None,
        message=(
            f"The response from {response.request.url} is larger than {limit} bytes, far more than any "
            f"{what}: check that the base URL points at an assistant-files API."
        ),
    )


def _check_declared_length(response: httpx2.Response, limit: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ResponseTooLargeError(limit)


def _keep(response: httpx2.Response, chunks: list[bytes]) -> bytes:
    content = b"".join(chunks)
    # What httpx2's own read() does, so response.content and .json() work afterwards.
    response._content = content
    return content


def read_sync(response: httpx2.Response, limit: int, until: float | None = None) -> bytes:
    """Read a streamed body, at most ``limit`` bytes after decoding, and not past ``until``.

    Blocking I/O cannot be interrupted: ``until`` is checked after each chunk, and each wait for
    a chunk is bounded by the request's read timeout (which ``run_sync`` caps at the time left).
    """
    try:
        _check_declared_length(response, limit)
        chunks: list[bytes] = []
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > limit:
                raise ResponseTooLargeError(limit)
            if until is not None and now() > until:
                raise DeadlineExceeded
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


A = TypeVar("A")
T = TypeVar("T")


class Steps(Generic[A, T]):
    """Iterate a generator's actions (closing it on exit); ``finished()`` is its return value.

    The drivers of ``request_flow`` here and of ``poll_flow`` (``_polling``) share it.
    """

    def __init__(self, flow: Generator[A, None, T]) -> None:
        self._flow = flow
        self._result: list[T] = []

    def __iter__(self) -> Generator[A, None, None]:
        self._result.append((yield from self._flow))

    def __enter__(self) -> Steps[A, T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._flow.close()

    def finished(self) -> T:
        assert self._result, "the flow ended without a result"
        return self._result[0]


@contextlib.contextmanager
def _outcome_of(action: Send | Read) -> Iterator[None]:
    """Store an I/O failure on the action, for the flow to raise where it handles it."""
    try:
        yield
    except (httpx2.HTTPError, ResponseTooLargeError, DeadlineExceeded) as exc:
        action.error = exc


def _time_left(action: Send | Read) -> float | None:
    """Seconds until the action's deadline (``DeadlineExceeded`` when none is left); ``None``: no deadline."""
    if action.until is None:
        return None
    left = action.until - now()
    if left <= 0:
        raise DeadlineExceeded
    return left


def _capped(request: httpx2.Request, left: float | None) -> httpx2.Request:
    """``request`` with each of its timeouts at most ``left`` seconds."""
    if left is not None:
        timeouts = request.extensions.get("timeout") or {}
        request.extensions["timeout"] = {
            k: (left if v is None else min(v, left)) for k, v in timeouts.items()
        }
    return request


def run_sync(http: httpx2.Client, flow: Flow) -> Result:
    """Drive ``flow`` with blocking I/O."""
    with Steps(flow) as steps:
        for action in steps:
            if isinstance(action, Pause):
                pause_sync(action.seconds)
                continue
            with _outcome_of(action):
                if isinstance(action, Send):
                    action.response = http.send(_capped(action.request, _time_left(action)), stream=True)
                else:
                    action.content = read_sync(action.response, action.limit, action.until)
    return steps.finished()


async def run_async(http: httpx2.AsyncClient, flow: Flow) -> Result:
    """Drive ``flow`` with async I/O; cancelling the caller cancels the request in flight."""
    with Steps(flow) as steps:
        for action in steps:
            if isinstance(action, Pause):
                await pause_async(action.seconds)
            else:
                with _outcome_of(action):
                    left = _time_left(action)
                    try:
                        with anyio.fail_after(left):
                            if isinstance(action, Read):
                                action.content = await read_async(action.response, action.limit)
                            else:
                                action.response = await http.send(_capped(action.request, left), stream=True)
                    except TimeoutError:
                        raise DeadlineExceeded from None
    return steps.finished()
