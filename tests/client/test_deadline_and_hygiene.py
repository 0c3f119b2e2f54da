"""A call's overall deadline, and inputs that must not hurt: stray newlines, odd headers, passwords."""

from __future__ import annotations

import httpx2
import pytest

from mcp_assistant_files import APIConnectionError, RateLimitError
from mcp_assistant_files.client._retry import retry_after_seconds
from tests.conftest import Pauses

from .harness import KINDS, Harness, Kind, error_json, file_json


def limited(seconds: str) -> httpx2.Response:
    return httpx2.Response(429, json=error_json("slow down"), headers={"retry-after": seconds})


@pytest.mark.parametrize("kind", KINDS)
def test_a_wait_past_the_total_timeout_raises_at_once_with_retry_after(kind: Kind, sleeps: Pauses) -> None:
    h = Harness(kind, lambda r: limited("60"), total_timeout=45.0)
    with pytest.raises(RateLimitError) as info:
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert info.value.retry_after == 60.0
    assert sleeps.delays == []
    assert len(h.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_waits_inside_the_total_timeout_are_still_made(kind: Kind, sleeps: Pauses) -> None:
    answers = iter([limited("2"), limited("2"), httpx2.Response(200, json=file_json())])
    h = Harness(kind, lambda r: next(answers), total_timeout=45.0)
    assert h.call("retrieve", "file-1", assistant_id="asst_1").id == "file-abc123"
    assert sleeps.delays == [2.0, 2.0]


@pytest.mark.parametrize("kind", KINDS)
def test_without_a_total_timeout_retry_after_up_to_sixty_seconds_is_honoured(
    kind: Kind, sleeps: Pauses
) -> None:
    h = Harness(kind, lambda r: limited("60"))
    with pytest.raises(RateLimitError):
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert sleeps.delays == [60.0, 60.0]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999", "Infinity"])
def test_a_non_finite_retry_after_is_ignored(value: str) -> None:
    assert retry_after_seconds(httpx2.Headers({"retry-after": value})) is None
    assert retry_after_seconds(httpx2.Headers({"retry-after-ms": value})) is None


@pytest.mark.parametrize("kind", KINDS)
def test_a_key_with_a_trailing_newline_is_sent_without_it(kind: Kind) -> None:
    h = Harness(kind, lambda r: httpx2.Response(200, json=file_json()), api_key="sk-from-a-file\n")
    h.call("retrieve", "file-1", assistant_id="asst_1")
    assert h.last.headers["authorization"] == "Bearer sk-from-a-file"


@pytest.mark.parametrize("kind", KINDS)
def test_a_request_that_cannot_be_sent_is_not_retried(kind: Kind, sleeps: Pauses) -> None:

    def reject(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.LocalProtocolError("Illegal header value")

    h = Harness(kind, reject)
    with pytest.raises(APIConnectionError, match="header value is invalid"):
        h.call("retrieve", "file-1", assistant_id="asst_1")
    assert len(h.requests) == 1
    assert sleeps.delays == []


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://admin:s3cretpw@api.test/v1", "must not contain a user name or password"),
        ("http://api.test/v1?api-version=2024", "must not contain a query"),
        ("http://api.test/v1#frag", "must not contain a query or fragment"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_a_base_url_with_credentials_or_a_query_is_refused(kind: Kind, base_url: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected) as caught:
        Harness(kind, lambda request: httpx2.Response(200), base_url=base_url)
    assert "s3cretpw" not in str(caught.value) and "admin" not in str(caught.value), "never echoed"
