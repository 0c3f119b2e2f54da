"""``files.content``: a file's bytes, with its own size limit, and a streaming variant for big ones."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import httpx2
import pytest

from mcp_assistant_files import (
    DEFAULT_BASE_URL,
    APIResponseValidationError,
    AsyncOpenAIClient,
    BinaryResponseContent,
    OpenAIClient,
)
from mcp_assistant_files.client._base import DEFAULT_MAX_RESPONSE_BYTES

from .harness import KINDS, Kind, OpenAIHarness

MiB = 1024 * 1024


class Body(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """``size`` bytes in 1 MiB chunks, counting what was read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.sent = 0

    def _chunks(self) -> Iterator[bytes]:
        while self.sent < self.size:
            chunk = b"x" * min(MiB, self.size - self.sent)
            self.sent += len(chunk)
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks():
            yield chunk


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


def test_content_asks_for_binary_and_gives_bytes_text_and_the_response(kind: Kind, tmp_path: Path) -> None:
    h = OpenAIHarness(
        kind,
        lambda r: httpx2.Response(
            200, content=b"caf\xc3\xa9\n", headers={"content-type": "text/plain; charset=utf-8"}
        ),
    )

    content = h.call("files.content", "file-abc")

    assert isinstance(content, BinaryResponseContent)
    assert (h.last.method, h.last.url.raw_path) == ("GET", b"/v1/files/file-abc/content")
    assert h.last.headers.get_list("accept") == ["application/binary"]
    assert "openai-beta" not in h.last.headers
    assert (content.content, content.read(), content.text, content.encoding) == (
        b"caf\xc3\xa9\n",
        b"caf\xc3\xa9\n",
        "caf\u00e9\n",
        "utf-8",
    )
    assert b"".join(content.iter_bytes(2)) == b"caf\xc3\xa9\n"
    assert content.response.status_code == 200 and content.response.is_closed
    content.write_to_file(tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_bytes() == b"caf\xc3\xa9\n"
    assert "5 bytes" not in repr(content) and "6 bytes" in repr(content)


def test_a_json_file_can_be_read_as_json(kind: Kind) -> None:
    h = OpenAIHarness(kind, lambda r: httpx2.Response(200, content=b'{"a": 1}'))
    assert h.call("files.content", "file-abc").json() == {"a": 1}


def test_the_accept_header_can_be_overridden(kind: Kind) -> None:
    h = OpenAIHarness(kind, lambda r: httpx2.Response(200, content=b"x"))
    h.call("files.content", "file-abc", extra_headers={"Accept": "text/plain"})
    assert h.last.headers.get_list("accept") == ["text/plain"]


def test_a_file_larger_than_the_json_limit_is_read_whole(kind: Kind) -> None:
    body = Body(DEFAULT_MAX_RESPONSE_BYTES + 3 * MiB)
    h = OpenAIHarness(kind, lambda r: httpx2.Response(200, stream=body))
    content = h.call("files.content", "file-big")
    assert len(content.content) == body.size


def test_a_json_answer_larger_than_its_limit_is_still_refused(kind: Kind) -> None:
    h = OpenAIHarness(kind, lambda r: httpx2.Response(200, stream=Body(2 * MiB)), max_response_bytes=MiB)
    with pytest.raises(APIResponseValidationError, match="far more than any assistant-files answer"):
        h.call("files.retrieve", "file-abc")


def test_a_declared_length_past_512_mib_is_refused_before_reading(kind: Kind) -> None:
    body = Body(2 * MiB)
    h = OpenAIHarness(
        kind, lambda r: httpx2.Response(200, stream=body, headers={"content-length": str(513 * MiB)})
    )
    with pytest.raises(
        APIResponseValidationError,
        match=r"larger than 536870912 bytes, far more than any file the Files API stores",
    ):
        h.call("files.content", "file-huge")
    assert body.sent == 0


def test_streaming_content_reads_nothing_until_asked_and_has_no_limit(tmp_path: Path) -> None:
    body = Body(DEFAULT_MAX_RESPONSE_BYTES + MiB)
    client = OpenAIClient(
        base_url=DEFAULT_BASE_URL, api_key="sk-x",
        http_client=httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(200, stream=body))),
    )  # fmt: skip
    with client.files.with_streaming_response.content("file-big") as response:
        assert body.sent == 0 and not response.is_closed
        response.stream_to_file(tmp_path / "big.bin", chunk_size=MiB)
    assert response.is_closed
    assert (tmp_path / "big.bin").stat().st_size == body.size


def test_async_streaming_content_writes_the_file_without_holding_it(tmp_path: Path) -> None:
    body = Body(3 * MiB)
    client = AsyncOpenAIClient(
        base_url=DEFAULT_BASE_URL, api_key="sk-x",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(lambda r: httpx2.Response(200, stream=body))),
    )  # fmt: skip

    async def go() -> None:
        async with client.files.with_streaming_response.content("file-big") as response:
            assert body.sent == 0
            await response.stream_to_file(tmp_path / "big.bin")
        assert response.is_closed

    anyio.run(go)
    assert (tmp_path / "big.bin").read_bytes() == b"x" * body.size


def test_streaming_content_parses_to_the_binary_content(kind: Kind) -> None:
    h = OpenAIHarness(kind, lambda r: httpx2.Response(200, content=b"abc"))
    response, parsed = h.streamed("files.content", "file-abc")
    assert isinstance(parsed, BinaryResponseContent) and parsed.content == b"abc"
    assert response.headers.get("content-length") == "3"
