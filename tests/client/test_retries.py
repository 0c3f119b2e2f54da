"""Retries: which answers are retried, how often, and how long the client waits."""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Iterator

import httpx2
import pytest

from mcp_assistant_files import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    RateLimitError,
)
from tests.conftest import Pauses

from .harness import KINDS, Harness, Kind, error_json, file_json


def scripted(*responses: httpx2.Response | type[Exception]) -> tuple[list[int], object]:
    calls: list[int] = []
    script: Iterator[httpx2.Response | type[Exception]] = iter(responses)

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(1)
        item = next(script)
        if isinstance(item, type):
            raise item("scripted failure", request=request)  # type: ignore[call-arg]
        return item

    return calls, handler


def ok() -> httpx2.Response:
    return httpx2.Response(200, json=file_json())


def status(code: int, **headers: str) -> httpx2.Response:
    return httpx2.Response(code, json=error_json(f"status {code}"), headers=headers)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("code", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_then_succeed(kind: Kind, code: int, sleeps: Pauses) -> None:
    calls, handler = scripted(status(code), status(code), ok())
    h = Harness(kind, handler)  # type: ignore[arg-type]
    assert h.call("retrieve", "file-1", assistant_id="asst_1").id == "file-abc123"
    assert len(calls) == 3 and len(sleeps.delays) == 2
    assert [r.headers.get("x-retry-count") for r in h.requests] == [None, "1", "2"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(kind: Kind, code: int, sleeps: Pauses) -> None:
    calls, handler = scripted(status(code), ok())
    h = Harness(kind, handler)  # type: ignore[arg-type]
    with pytest.raises(APIStatusError) as info:
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert info.value.status_code == code
    assert len(calls) == 1 and sleeps.delays == []


@pytest.mark.parametrize("kind", KINDS)
def test_exhausted_retries_raise_the_last_status_error(kind: Kind, sleeps: Pauses) -> None:
    calls, handler = scripted(status(503), status(503), status(503), ok())
    h = Harness(kind, handler)  # type: ignore[arg-type]
    with pytest.raises(InternalServerError):
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert len(calls) == 3 and len(sleeps.delays) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_max_retries_sets_the_number_of_attempts(kind: Kind, sleeps: Pauses) -> None:
    calls, handler = scripted(*(status(500) for _ in range(6)))
    h = Harness(kind, handler, max_retries=4)  # type: ignore[arg-type]
    with pytest.raises(InternalServerError):
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert len(calls) == 5


@pytest.mark.parametrize("kind", KINDS)
def test_x_should_retry_false_stops_a_retryable_status(kind: Kind, sleeps: Pauses) -> None:
    calls, handler = scripted(status(503, **{"x-should-retry": "false"}), ok())
    h = Harness(kind, handler)  # type: ignore[arg-type]
    with pytest.raises(InternalServerError):
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert len(calls) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_x_should_retry_true_retries_a_client_error(kind: Kind, sleeps: Pauses) -> None:
    calls, handler = scripted(status(400, **{"x-should-retry": "true"}), ok())
    h = Harness(kind, handler)  # type: ignore[arg-type]
    assert h.call("retrieve", "file-1", assistant_id="asst_1").id == "file-abc123"
    assert len(calls) == 2


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "60"}, 60.0),
    ],
)
def test_retry_after_headers_are_honoured(
    kind: Kind, headers: dict[str, str], expected: float, sleeps: Pauses
) -> None:
    _, handler = scripted(status(429, **headers), ok())
    Harness(kind, handler).call("retrieve", "file-1", assistant_id="asst_1")  # type: ignore[arg-type]
    assert sleeps.delays == [pytest.approx(expected)]


@pytest.mark.parametrize("kind", KINDS)
def test_retry_after_as_an_http_date(kind: Kind, sleeps: Pauses) -> None:
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    _, handler = scripted(status(429, **{"retry-after": when}), ok())
    Harness(kind, handler).call("retrieve", "file-1", assistant_id="asst_1")  # type: ignore[arg-type]
    assert 8.0 <= sleeps.delays[0] <= 10.5


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "headers", [{"retry-after": "600"}, {"retry-after": "-5"}, {"retry-after": "soon"}, {}]
)
def test_unusable_retry_after_falls_back_to_backoff(
    kind: Kind, headers: dict[str, str], sleeps: Pauses
) -> None:
    _, handler = scripted(status(429, **headers), ok())
    Harness(kind, handler).call("retrieve", "file-1", assistant_id="asst_1")  # type: ignore[arg-type]
    assert 0.375 <= sleeps.delays[0] <= 0.5


@pytest.mark.parametrize("kind", KINDS)
def test_backoff_doubles_with_jitter_and_caps_at_eight_seconds(kind: Kind, sleeps: Pauses) -> None:
    _, handler = scripted(*(status(500) for _ in range(8)))
    h = Harness(kind, handler, max_retries=7)  # type: ignore[arg-type]
    with pytest.raises(InternalServerError):
        h.call("retrieve", "file-1", assistant_id="asst_1")
    for n, delay in enumerate(sleeps.delays):
        base = min(0.5 * 2**n, 8.0)
        assert 0.75 * base <= delay <= base, (n, delay)
    assert max(sleeps.delays) <= 8.0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("failure", "final"),
    [
        (httpx2.ConnectError, APIConnectionError),
        (httpx2.ReadTimeout, APITimeoutError),
        (httpx2.RemoteProtocolError, APIConnectionError),
    ],
)
def test_network_failures_are_retried_then_raised(
    kind: Kind, failure: type[Exception], final: type[Exception], sleeps: Pauses
) -> None:
    calls, handler = scripted(failure, failure, failure)
    with pytest.raises(final):
        Harness(kind, handler).call("retrieve", "file-1", assistant_id="asst_1")  # type: ignore[arg-type]
    assert len(calls) == 3 and len(sleeps.delays) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_network_failure_then_success_returns_the_result(kind: Kind, sleeps: Pauses) -> None:
    calls, handler = scripted(httpx2.ConnectError, ok())
    assert Harness(kind, handler).call("retrieve", "file-1", assistant_id="asst_1").id == "file-abc123"  # type: ignore[arg-type]
    assert len(calls) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_retried_create_resends_the_same_body(kind: Kind, sleeps: Pauses) -> None:
    _, handler = scripted(status(502), ok())
    h = Harness(kind, handler)  # type: ignore[arg-type]
    h.call("create", "asst_1", file_id="file-1")
    assert [r.content for r in h.requests] == [b'{"file_id":"file-1"}'] * 2


def test_rate_limit_error_is_raised_after_retries(sleeps: Pauses) -> None:
    _, handler = scripted(status(429), status(429), status(429))
    with pytest.raises(RateLimitError):
        Harness("sync", handler).call("retrieve", "file-1", assistant_id="asst_1")  # type: ignore[arg-type]


def test_bad_request_is_final(sleeps: Pauses) -> None:
    _, handler = scripted(status(400))
    with pytest.raises(BadRequestError):
        Harness("async", handler).call("retrieve", "file-1", assistant_id="asst_1")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", KINDS)
def test_each_retry_is_logged_at_info_with_status_delay_and_attempt(
    kind: Kind, sleeps: Pauses, caplog: pytest.LogCaptureFixture
) -> None:
    calls, handler = scripted(status(503, **{"retry-after": "2"}), httpx2.ConnectError, ok())
    h = Harness(kind, handler)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="mcp_assistant_files.client"):
        h.call("retrieve", "file-1", assistant_id="asst_1")
    records = [r for r in caplog.records if r.name == "mcp_assistant_files.client"]
    assert [r.levelno for r in records] == [logging.INFO, logging.INFO]
    first, second = (r.getMessage() for r in records)
    assert (
        first
        == "retrying GET http://upstream.test/v1/assistants/asst_1/files/file-1 in 2.00 s after HTTP 503 (retry 1 of 2)"
    )
    assert second.startswith("retrying GET http://upstream.test/v1/assistants/asst_1/files/file-1 in ")
    assert second.endswith(" s after a connection error (ConnectError) (retry 2 of 2)")
    assert sleeps.delays[0] == 2.0 and len(calls) == 3
