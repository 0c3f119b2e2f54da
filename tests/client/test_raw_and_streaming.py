"""``with_raw_response`` and ``with_streaming_response``: the response object, parsed on demand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio
import httpx2
import pytest

from mcp_assistant_files import (
    AssistantFile,
    AssistantsClient,
    AsyncAssistantsClient,
    FileDeleteResponse,
    NotFoundError,
    SyncCursorPage,
)

from .harness import KINDS, Harness, Kind, error_json, file_json, page_json

BODY = b'{"id": "file-abc123", "object": "assistant.file", "created_at": 1, "assistant_id": "asst_abc123"}'


class Tracked(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A body that records whether anyone read it."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.read = False

    def __iter__(self) -> Iterator[bytes]:
        self.read = True
        yield self.body[:10]
        yield self.body[10:]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.read = True
        yield self.body[:10]
        yield self.body[10:]


def handler(request: httpx2.Request) -> httpx2.Response:
    headers = {"x-request-id": "req_raw"}
    if request.method == "DELETE":
        return httpx2.Response(
            200, json={"id": "f", "object": "assistant.file.deleted", "deleted": True}, headers=headers
        )
    if request.method == "GET" and request.url.path.endswith("/files"):
        return httpx2.Response(200, json=page_json(["file-1", "file-2"], has_more=False), headers=headers)
    return httpx2.Response(200, json=file_json(), headers=headers)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("method", "args", "kwargs", "expected"),
    [
        ("create", ("asst_1",), {"file_id": "file-1"}, AssistantFile),
        ("retrieve", ("file-1",), {"assistant_id": "asst_1"}, AssistantFile),
        ("delete", ("file-1",), {"assistant_id": "asst_1"}, FileDeleteResponse),
    ],
)
def test_raw_response_exposes_http_details_and_parses_to_the_model(
    kind: Kind, method: str, args: tuple[str], kwargs: dict[str, str], expected: type
) -> None:
    h = Harness(kind, handler)
    response, parsed = h.raw(method, *args, **kwargs)
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req_raw" and response.request_id == "req_raw"
    assert isinstance(response.http_response, httpx2.Response)
    assert isinstance(parsed, expected)
    assert all(h.last.headers.get(k) is None for k in h.last.headers if "response-mode" in k)
    assert not any("response-mode" in k for k in h.last.headers)


def test_raw_list_parses_to_a_page_that_can_paginate() -> None:
    h = Harness("sync", handler)
    assert isinstance(h.client, AssistantsClient)
    response = h.client.files.with_raw_response.list("asst_1", limit=2)
    page = response.parse()
    assert isinstance(page, SyncCursorPage) and [f.id for f in page.data] == ["file-1", "file-2"]
    assert response.parse() is page
    assert response.json()["object"] == "list"


@pytest.mark.parametrize("kind", KINDS)
def test_raw_response_still_raises_status_errors(kind: Kind) -> None:
    h = Harness(kind, lambda r: httpx2.Response(404, json=error_json("nope")), max_retries=0)
    with pytest.raises(NotFoundError):
        h.raw("retrieve", "file-1", assistant_id="asst_1")


def test_sync_streaming_reads_nothing_until_asked_and_closes_on_exit() -> None:
    stream = Tracked(BODY)
    client = AssistantsClient(
        base_url="http://t/v1",
        http_client=httpx2.Client(
            transport=httpx2.MockTransport(lambda r: httpx2.Response(200, stream=stream))
        ),
    )
    with client.files.with_streaming_response.retrieve("file-1", assistant_id="asst_1") as response:
        assert not stream.read and not response.is_closed
        assert response.parse().id == "file-abc123"
        assert stream.read
    assert response.is_closed


def test_sync_streaming_iter_bytes_yields_chunks() -> None:
    stream = Tracked(BODY)
    client = AssistantsClient(
        base_url="http://t/v1",
        http_client=httpx2.Client(
            transport=httpx2.MockTransport(lambda r: httpx2.Response(200, stream=stream))
        ),
    )
    with client.files.with_streaming_response.retrieve("file-1", assistant_id="asst_1") as response:
        assert b"".join(response.iter_bytes()) == BODY


def test_sync_streaming_closes_even_when_never_read() -> None:
    stream = Tracked(BODY)
    client = AssistantsClient(
        base_url="http://t/v1",
        http_client=httpx2.Client(
            transport=httpx2.MockTransport(lambda r: httpx2.Response(200, stream=stream))
        ),
    )
    with client.files.with_streaming_response.delete("file-1", assistant_id="asst_1") as response:
        pass
    assert response.is_closed and not stream.read


def test_async_streaming_reads_nothing_until_asked() -> None:
    stream = Tracked(BODY)
    client = AsyncAssistantsClient(
        base_url="http://t/v1",
        http_client=httpx2.AsyncClient(
            transport=httpx2.MockTransport(lambda r: httpx2.Response(200, stream=stream))
        ),
    )

    async def go() -> None:
        async with client.files.with_streaming_response.retrieve("file-1", assistant_id="asst_1") as response:
            assert not stream.read and not response.is_closed
            chunks = [c async for c in response.iter_bytes()]
            assert b"".join(chunks) == BODY
        assert response.is_closed
        async with client.files.with_streaming_response.create("asst_1", file_id="file-1") as response:
            assert (await response.parse()).id == "file-abc123"
            assert (await response.read()) == BODY
            assert "file-abc123" in await response.text()

    anyio.run(go)


def test_async_raw_list_awaits_the_paginator() -> None:
    h = Harness("async", handler)
    client = h.client
    assert isinstance(client, AsyncAssistantsClient)

    async def go() -> None:
        response = await client.files.with_raw_response.list("asst_1")
        page = await response.parse()
        assert [f.id for f in page.data] == ["file-1", "file-2"]
        assert (await response.json())["has_more"] is False

    anyio.run(go)
    assert str(h.last.url).endswith("/assistants/asst_1/files")
