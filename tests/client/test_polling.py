"""The poll helpers: how long they wait, when they stop, and when they give up.

No test waits: ``skip_poll_pauses`` (the ``polls`` fixture) records each wait instead, and the
client's clock moves on by it, so ``max_wait_seconds`` and ``total_timeout`` expire as in real
time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from mcp_assistant_files import NOT_GIVEN, NotFoundError, skip_poll_pauses
from mcp_assistant_files.client._polling import poll_after_ms

from .harness import KINDS, Kind, OpenAIHarness
from .openai_objects import BATCH_ID, FILE_ID, VS_ID, batch_json, file_object_json, upstream, vs_file_json

FILE_PATH = f"/v1/vector_stores/{VS_ID}/files/{FILE_ID}"
BATCH_PATH = f"/v1/vector_stores/{VS_ID}/file_batches/{BATCH_ID}"


@dataclass
class Polls:
    """The waits between polls that the helpers skipped (seconds, in order)."""

    waits: list[float]


@pytest.fixture
def polls() -> Iterator[Polls]:
    with skip_poll_pauses() as waits:
        yield Polls(waits)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


def answers(
    path: str, *bodies: tuple[dict[str, Any], dict[str, str]]
) -> Callable[[httpx2.Request], httpx2.Response]:
    """Answer the GETs of ``path`` with ``bodies`` in turn (the last one again after); the rest as usual."""
    script = list(bodies)

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.method == "GET" and request.url.path == path:
            body, headers = script.pop(0) if len(script) > 1 else script[0]
            return httpx2.Response(200, json=body, headers=headers)
        return upstream(request)

    return handler


def pending(after_ms: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    return vs_file_json(status="in_progress"), (
        {} if after_ms is None else {"openai-poll-after-ms": after_ms}
    )


def done(status: str = "completed") -> tuple[dict[str, Any], dict[str, str]]:
    return vs_file_json(status=status), {}


def polled(h: OpenAIHarness, path: str = FILE_PATH) -> list[httpx2.Request]:
    return [r for r in h.requests if r.method == "GET" and r.url.path == path]


def test_the_interval_of_the_first_pending_answer_is_kept(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, pending("30"), pending("5000"), done()))

    result = h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID)

    assert result.status == "completed"
    assert polls.waits == [0.03, 0.03]
    assert len(polled(h)) == 3
    for request in polled(h):
        assert request.headers["x-stainless-poll-helper"] == "true"
        assert "x-stainless-custom-poll-interval" not in request.headers
        assert request.headers["openai-beta"] == "assistants=v2"


def test_without_the_header_a_poll_waits_a_second(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, pending(), pending(), done()))
    h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID)
    assert polls.waits == [1.0, 1.0]


@pytest.mark.parametrize("header", ["soon", "-5", "1.5", ""])
def test_a_header_that_is_not_a_whole_number_of_ms_means_a_second(header: str) -> None:
    assert poll_after_ms(httpx2.Headers({"openai-poll-after-ms": header})) == 1000


def test_an_explicit_interval_wins_over_the_header_and_is_announced(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, pending("30"), done()))
    h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID, poll_interval_ms=250)
    assert polls.waits == [0.25]
    assert {r.headers["x-stainless-custom-poll-interval"] for r in polled(h)} == {"250"}


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled"])
def test_a_finished_file_is_returned_whatever_its_outcome(kind: Kind, polls: Polls, status: str) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, pending(), done(status)))
    result = h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID)
    assert result.status == status
    assert polls.waits == [1.0]


def test_a_poll_that_finds_the_file_done_returns_at_once(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, done()))
    h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID)
    assert polls.waits == [] and len(h.requests) == 1


def test_max_wait_zero_gives_up_before_any_request(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, pending()))
    with pytest.raises(TimeoutError, match="Timed out waiting for vector store file 'file-abc123'"):
        h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID, max_wait_seconds=0)
    assert h.requests == []


def test_max_wait_caps_the_last_wait_then_gives_up(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, pending()))
    with pytest.raises(TimeoutError, match=r"max_wait_seconds=2\.5.*poll again later"):
        h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID, max_wait_seconds=2.5)
    assert polls.waits == [1.0, 1.0, 0.5]
    assert len(polled(h)) == 3


@pytest.mark.parametrize("value", [-1, -0.001, math.inf, -math.inf, math.nan, "5", True])
@pytest.mark.parametrize(
    "method",
    [
        "vector_stores.files.poll",
        "vector_stores.files.create_and_poll",
        "vector_stores.files.upload_and_poll",
    ],
)
def test_a_max_wait_that_is_not_finite_and_positive_is_refused_before_any_request(
    kind: Kind, method: str, value: Any
) -> None:
    h = OpenAIHarness(kind, upstream)
    args: tuple[Any, ...] = () if method.endswith("upload_and_poll") else (FILE_ID,)
    extra = {"file": b"x"} if method.endswith("upload_and_poll") else {}
    with pytest.raises(ValueError, match="finite, non-negative value for `max_wait_seconds`"):
        h.call(method, *args, vector_store_id=VS_ID, max_wait_seconds=value, **extra)
    assert h.requests == []


def test_no_wait_ends_past_the_clients_total_timeout(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, pending("20000")), total_timeout=45.0)
    with pytest.raises(
        TimeoutError,
        match=r"next poll would start 60\.0 s after the call began, past the client's total_timeout of 45\.0 s",
    ):
        h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID)
    assert polls.waits == [20.0, 20.0]
    assert len(polled(h)) == 3


def test_total_timeout_counts_from_the_helpers_start(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, pending("15000"), done()), total_timeout=20.0)
    h.call("vector_stores.files.create_and_poll", FILE_ID, vector_store_id=VS_ID)
    assert polls.waits == [15.0]
    with pytest.raises(TimeoutError, match=r"total_timeout of 10\.0 s"):
        OpenAIHarness(kind, answers(FILE_PATH, pending("15000")), total_timeout=10.0).call(
            "vector_stores.files.create_and_poll", FILE_ID, vector_store_id=VS_ID
        )


def test_create_and_poll_sends_its_extras_to_the_create_only(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(FILE_PATH, pending(), done()))
    result = h.call(
        "vector_stores.files.create_and_poll",
        FILE_ID,
        vector_store_id=VS_ID,
        attributes={"k": "v"},
        extra_headers={"X-Trace": "t"},
        extra_query={"q": "1"},
        timeout=3.0,
    )
    create, *gets = h.requests
    assert result.status == "completed" and len(gets) == 2
    assert create.method == "POST" and create.headers["x-trace"] == "t" and create.url.params["q"] == "1"
    assert all("x-trace" not in g.headers and "q" not in g.url.params for g in gets)
    assert create.extensions["timeout"]["read"] == 3.0 and gets[0].extensions["timeout"]["read"] == 15.0


def test_create_and_poll_with_max_wait_zero_creates_then_gives_up(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, upstream)
    with pytest.raises(TimeoutError):
        h.call("vector_stores.files.create_and_poll", FILE_ID, vector_store_id=VS_ID, max_wait_seconds=0)
    assert [r.method for r in h.requests] == ["POST"]


def test_upload_and_poll_uploads_attaches_and_polls_the_new_file(kind: Kind, polls: Polls) -> None:
    polled_file = answers(f"/v1/vector_stores/{VS_ID}/files/file-new", pending(), done())

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/v1/files":
            return httpx2.Response(200, json=file_object_json("file-new"))
        return polled_file(request)

    h = OpenAIHarness(kind, handler)
    result = h.call(
        "vector_stores.files.upload_and_poll",
        vector_store_id=VS_ID,
        file=("a.txt", b"x"),
        attributes={"k": "v"},
    )
    assert result.status == "completed"
    assert [(r.method, r.url.path) for r in h.requests] == [
        ("POST", "/v1/files"),
        ("POST", f"/v1/vector_stores/{VS_ID}/files"),
        ("GET", f"/v1/vector_stores/{VS_ID}/files/file-new"),
        ("GET", f"/v1/vector_stores/{VS_ID}/files/file-new"),
    ]
    assert "openai-beta" not in h.requests[0].headers
    assert h.requests[1].content == b'{"file_id":"file-new","attributes":{"k":"v"}}'


def test_upload_attaches_without_polling(kind: Kind) -> None:
    h = OpenAIHarness(kind, upstream)
    result = h.call(
        "vector_stores.files.upload", vector_store_id=VS_ID, file=b"x", chunking_strategy={"type": "auto"}
    )
    assert result.object == "vector_store.file"
    assert [r.method for r in h.requests] == ["POST", "POST"]
    assert h.last.content == b'{"file_id":"file-abc123","chunking_strategy":{"type":"auto"}}'


def test_an_error_while_polling_is_raised(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(
        kind, lambda r: httpx2.Response(404, json={"error": {"message": "gone"}}), max_retries=0
    )
    with pytest.raises(NotFoundError, match="gone"):
        h.call("vector_stores.files.poll", FILE_ID, vector_store_id=VS_ID)


# -- batches ------------------------------------------------------------------------------------


def batch(
    in_progress: int, status: str = "in_progress", after_ms: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    return batch_json(in_progress=in_progress, status=status), (
        {} if after_ms is None else {"openai-poll-after-ms": after_ms}
    )


def test_a_batch_is_done_when_no_file_is_in_progress_whatever_its_status(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(
        kind, answers(BATCH_PATH, batch(3, after_ms="40"), batch(1), batch(0, status="in_progress"))
    )
    result = h.call("vector_stores.file_batches.poll", BATCH_ID, vector_store_id=VS_ID)
    assert (result.status, result.file_counts.in_progress) == ("in_progress", 0)
    assert polls.waits == [0.04, 0.04]
    assert all(r.headers["x-stainless-poll-helper"] == "true" for r in polled(h, BATCH_PATH))


def test_batch_poll_takes_max_wait_seconds_too(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(BATCH_PATH, batch(2)))
    with pytest.raises(TimeoutError, match="vector store file batch 'vsfb_abc123'"):
        h.call("vector_stores.file_batches.poll", BATCH_ID, vector_store_id=VS_ID, max_wait_seconds=1.5)
    assert polls.waits == [1.0, 0.5]


def test_batch_poll_without_max_wait_waits_as_long_as_it_takes(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(BATCH_PATH, *[batch(1)] * 50, batch(0)))
    h.call("vector_stores.file_batches.poll", BATCH_ID, vector_store_id=VS_ID, max_wait_seconds=NOT_GIVEN)
    assert polls.waits == [1.0] * 50


def test_batch_create_and_poll_creates_then_polls_the_new_batch(kind: Kind, polls: Polls) -> None:
    h = OpenAIHarness(kind, answers(BATCH_PATH, batch(1), batch(0, "completed")))
    result = h.call(
        "vector_stores.file_batches.create_and_poll",
        VS_ID,
        file_ids=["file-1"],
        poll_interval_ms=10,
        extra_headers={"X-Trace": "t"},
    )
    assert result.status == "completed"
    assert [r.method for r in h.requests] == ["POST", "GET", "GET"]
    assert h.requests[0].headers["x-trace"] == "t" and "x-trace" not in h.requests[1].headers
    assert polls.waits == [0.01]


def test_batch_create_and_poll_max_wait_is_checked_before_the_create(kind: Kind) -> None:
    h = OpenAIHarness(kind, upstream)
    with pytest.raises(ValueError, match="max_wait_seconds"):
        h.call("vector_stores.file_batches.create_and_poll", VS_ID, file_ids=["f"], max_wait_seconds=-1)
    assert h.requests == []


@pytest.mark.parametrize("value", [-1, 1.5, True, "100"])
@pytest.mark.parametrize(
    ("method", "args", "kwargs"),
    [
        ("vector_stores.files.poll", (FILE_ID,), {"vector_store_id": VS_ID}),
        ("vector_stores.files.create_and_poll", (FILE_ID,), {"vector_store_id": VS_ID}),
        ("vector_stores.file_batches.poll", (BATCH_ID,), {"vector_store_id": VS_ID}),
        ("vector_stores.file_batches.create_and_poll", (VS_ID,), {"file_ids": [FILE_ID]}),
        ("vector_stores.file_batches.upload_and_poll", (VS_ID,), {"files": [b"x"]}),
    ],
)
def test_a_poll_interval_that_is_not_whole_milliseconds_is_refused_before_any_request(
    kind: Kind, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], value: Any
) -> None:
    h = OpenAIHarness(kind, upstream)
    with pytest.raises(ValueError, match="`poll_interval_ms` must be a whole number"):
        h.call(method, *args, poll_interval_ms=value, **kwargs)
    assert h.requests == []
