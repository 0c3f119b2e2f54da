"""``file_batches.upload_and_poll``: uploads side by side, a batch of them in the order given."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio.lowlevel
import httpx2
import pytest

from mcp_assistant_files import BadRequestError, skip_poll_pauses

from .harness import KINDS, Kind, OpenAIHarness
from .openai_objects import VS_ID, batch_json, file_object_json, parse_multipart, upstream


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


@pytest.fixture(autouse=True)
def no_poll_waits() -> Iterator[list[float]]:
    with skip_poll_pauses() as waits:
        yield waits


class Uploads:
    """An upstream whose uploads answer ``file-<stem>`` and can be made to overlap or fail."""

    def __init__(self, kind: Kind, *, failing: str | None = None, overlap: int = 1) -> None:
        self.kind = kind
        self.failing = failing
        self.active = 0
        self.peak = 0
        self.started = 0
        self.overlap = overlap
        self.lock = threading.Lock()
        # Sync uploads run in threads: the first `overlap` of them wait for each other.
        self.barrier = threading.Barrier(overlap, timeout=10) if overlap > 1 else None

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        (part,) = [p for p in parse_multipart(request) if p.name == "file"]
        stem = Path(part.filename or "upload").stem
        if stem == self.failing:
            return httpx2.Response(400, json={"error": {"message": f"{part.filename} is not supported"}})
        return httpx2.Response(200, json=file_object_json(f"file-{stem}"))

    def handler(self, request: httpx2.Request) -> Any:
        if request.url.path != "/v1/files":
            return upstream(request)
        if self.kind == "async":
            return self._async_upload(request)
        with self.lock:
            self.started += 1
            first = self.started <= self.overlap
            self.active += 1
            self.peak = max(self.peak, self.active)
        if first and self.barrier is not None:
            self.barrier.wait()  # BrokenBarrierError (a failure) if they did not run side by side
        with self.lock:
            self.active -= 1
        return self.answer(request)

    async def _async_upload(self, request: httpx2.Request) -> httpx2.Response:
        self.active += 1
        self.peak = max(self.peak, self.active)
        for _ in range(5):
            await anyio.lowlevel.checkpoint()
        self.active -= 1
        return self.answer(request)


def batch_request(h: OpenAIHarness) -> Any:
    (created,) = [r for r in h.requests if r.method == "POST" and r.url.path.endswith("/file_batches")]
    return json.loads(created.content)


def test_uploads_then_one_batch_of_the_given_ids_and_the_uploads_in_input_order(
    kind: Kind, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_bytes(b"hello")
    uploads = Uploads(kind)
    h = OpenAIHarness(kind, uploads.handler)

    batch = h.call(
        "vector_stores.file_batches.upload_and_poll",
        VS_ID,
        files=[("x1.txt", b"1"), ("x2.txt", b"2"), tmp_path / "notes.txt"],
        file_ids=["file-given"],
        max_concurrency=2,
        chunking_strategy={"type": "auto"},
    )

    assert batch.object == "vector_store.files_batch"
    assert batch_request(h) == {
        "chunking_strategy": {"type": "auto"},
        "file_ids": ["file-given", "file-x1", "file-x2", "file-notes"],
    }
    uploads_sent = [r for r in h.requests if r.url.path == "/v1/files"]
    assert len(uploads_sent) == 3 and all("openai-beta" not in r.headers for r in uploads_sent)
    assert all(b'name="purpose"\r\n\r\nassistants\r\n' in r.content for r in uploads_sent)


def test_no_more_than_max_concurrency_uploads_run_at_once(kind: Kind) -> None:
    uploads = Uploads(kind, overlap=2)
    h = OpenAIHarness(kind, uploads.handler)
    h.call(
        "vector_stores.file_batches.upload_and_poll",
        VS_ID,
        files=[(f"f{i}.txt", b"x") for i in range(6)],
        max_concurrency=2,
    )
    assert uploads.peak == 2


def test_a_failed_upload_is_raised_once_every_upload_ended_and_no_batch_is_made(kind: Kind) -> None:
    uploads = Uploads(kind, failing="ok2")
    h = OpenAIHarness(kind, uploads.handler)
    with pytest.raises(BadRequestError, match=r"ok2\.txt is not supported"):
        h.call(
            "vector_stores.file_batches.upload_and_poll",
            VS_ID,
            files=[("ok1.txt", b"1"), ("ok2.txt", b"2"), ("ok3.txt", b"3")],
        )
    assert len([r for r in h.requests if r.url.path == "/v1/files"]) == 3
    assert not any(r.url.path.endswith("/file_batches") for r in h.requests)


def test_every_file_is_checked_before_any_is_uploaded(kind: Kind) -> None:
    h = OpenAIHarness(kind, upstream)
    with pytest.raises(RuntimeError, match=r"Expected entry at `files\[1\]`"):
        h.call("vector_stores.file_batches.upload_and_poll", VS_ID, files=[("a.txt", b"1"), "b.txt"])
    assert h.requests == []


@pytest.mark.parametrize("value", [0, -1, True, 1.5])
def test_max_concurrency_must_be_a_whole_number_of_at_least_one(kind: Kind, value: Any) -> None:
    h = OpenAIHarness(kind, upstream)
    with pytest.raises(ValueError, match="max_concurrency"):
        h.call("vector_stores.file_batches.upload_and_poll", VS_ID, files=[b"x"], max_concurrency=value)
    assert h.requests == []


def test_the_batch_is_polled_until_no_file_is_in_progress(kind: Kind, no_poll_waits: list[float]) -> None:
    polls = iter([batch_json(in_progress=2), batch_json(in_progress=0)])

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.method == "GET":
            return httpx2.Response(200, json=next(polls))
        return upstream(request)

    h = OpenAIHarness(kind, handler)
    result = h.call("vector_stores.file_batches.upload_and_poll", VS_ID, files=[b"x"], poll_interval_ms=100)
    assert result.file_counts.in_progress == 0
    assert no_poll_waits == [0.1]
    assert [r.method for r in h.requests] == ["POST", "POST", "GET", "GET"]
