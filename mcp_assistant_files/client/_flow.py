"""One call's life, written once for sync and async: send, read, retry, raise.

The protocol (as httpx's ``Auth.auth_flow`` is one generator for both I/O styles):

* ``request_flow`` is a generator that *yields* the I/O it needs, as an action object:
  ``Send`` (send a request, body not read), ``Read`` (read a body, up to a limit) or
  ``Pause`` (wait before the next attempt).
* The driver (``run_sync`` with ``httpx2.Client``, ``run_async`` with ``httpx2.AsyncClient``, in
  :mod:`._drive`; bodies are read by :mod:`._bodies`) performs the action and stores its outcome *on the action*: ``Send.response``,
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

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import httpx2

from ._exceptions import APIConnectionError, APIResponseValidationError, APITimeoutError, make_status_error
from ._pause import now
from ._retry import retry_delay, should_retry

__all__ = [
    "Action",
    "Flow",
    "Pause",
    "Read",
    "ResponseTooLargeError",
    "Send",
    "request_flow",
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
