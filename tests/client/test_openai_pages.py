"""Listings of the new resources: every query parameter rides along, both directions, no extra
request at the end; a file's content is one page that never fetches another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import httpx2
import pytest

from mcp_assistant_files import AsyncOpenAIClient, AsyncPage, OpenAIClient, SyncPage

from .harness import KINDS, Kind, OpenAIHarness
from .openai_objects import (
    FILE_ID,
    VS_ID,
    content_json,
    file_object_json,
    list_json,
    upstream,
    vector_store_json,
    vs_file_json,
)

IDS = [f"obj-{i:02d}" for i in range(7)]
LISTINGS: dict[str, tuple[tuple[Any, ...], dict[str, Any], Callable[[str], dict[str, Any]]]] = {
    "vector_stores.list": ((), {}, vector_store_json),
    "vector_stores.files.list": ((VS_ID,), {"filter": "completed"}, vs_file_json),
    "vector_stores.file_batches.list_files": (
        ("vsfb_1",),
        {"vector_store_id": VS_ID, "filter": "failed"},
        vs_file_json,
    ),
    "files.list": ((), {"purpose": "assistants"}, file_object_json),
}


def listing(make: Callable[[str], dict[str, Any]]) -> Callable[[httpx2.Request], httpx2.Response]:
    """A correct listing of IDS (in the listing's order), honouring after, before and limit."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        params = request.url.params
        limit = int(params.get("limit", "20"))
        if "before" in params:
            end = IDS.index(params["before"])
            start = max(0, end - limit)
            return httpx2.Response(200, json=list_json([make(i) for i in IDS[start:end]], has_more=start > 0))
        start = IDS.index(params["after"]) + 1 if "after" in params else 0
        chunk = IDS[start : start + limit]
        return httpx2.Response(
            200, json=list_json([make(i) for i in chunk], has_more=start + limit < len(IDS))
        )

    return handler


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


@pytest.mark.parametrize("method", list(LISTINGS))
def test_a_walk_carries_every_parameter_and_stops_without_an_extra_request(kind: Kind, method: str) -> None:
    args, kwargs, make = LISTINGS[method]
    h = OpenAIHarness(kind, listing(make))

    ids = [item.id for item in h.items(method, *args, **kwargs, limit=3, order="asc", extra_query={"x": "1"})]

    assert ids == IDS
    assert len(h.requests) == 3
    assert [r.url.params.get("after") for r in h.requests] == [None, "obj-02", "obj-05"]
    named = {k: str(v) for k, v in kwargs.items() if k != "vector_store_id"}
    for request in h.requests:
        assert {**named, "limit": "3", "order": "asc", "x": "1"}.items() <= dict(request.url.params).items()
        assert request.headers.get("openai-beta") == (None if method.startswith("files") else "assistants=v2")


@pytest.mark.parametrize("method", [m for m in LISTINGS if m != "files.list"])
def test_a_walk_started_with_before_goes_backwards(kind: Kind, method: str) -> None:
    args, kwargs, make = LISTINGS[method]
    h = OpenAIHarness(kind, listing(make))

    ids = [item.id for item in h.items(method, *args, **kwargs, limit=2, before="obj-06")]

    assert sorted(ids) == IDS[:6] and len(ids) == 6
    assert [r.url.params.get("before") for r in h.requests] == ["obj-06", "obj-04", "obj-02"]
    assert all("after" not in r.url.params for r in h.requests)


def test_the_files_api_listing_has_no_before(kind: Kind) -> None:
    h = OpenAIHarness(kind, upstream)
    with pytest.raises(TypeError, match="before"):
        h.call("files.list", before="file-x")
    assert h.requests == []


@pytest.mark.parametrize("method", list(LISTINGS))
def test_an_empty_listing_is_one_request(kind: Kind, method: str) -> None:
    args, kwargs, _ = LISTINGS[method]
    h = OpenAIHarness(kind, lambda r: httpx2.Response(200, json=list_json([], has_more=True)))
    assert h.items(method, *args, **kwargs) == []
    assert len(h.requests) == 1


def test_a_files_content_is_one_page_whatever_it_says_about_more(kind: Kind) -> None:
    h = OpenAIHarness(kind, upstream)

    texts = [item.text for item in h.items("vector_stores.files.content", FILE_ID, vector_store_id=VS_ID)]

    assert texts == ["hello", "world"]
    assert len(h.requests) == 1
    assert content_json()["has_more"] is True


def test_the_sync_content_page() -> None:
    h = OpenAIHarness("sync", upstream)
    assert isinstance(h.client, OpenAIClient)
    page = h.client.vector_stores.files.content(FILE_ID, vector_store_id=VS_ID)
    assert isinstance(page, SyncPage)
    assert (page.object, page.has_more, page.next_page) == ("vector_store.file_content.page", True, "page-2")
    assert [p.data for p in page.iter_pages()] == [page.data]
    assert not page.has_next_page()
    with pytest.raises(RuntimeError, match="No next page"):
        page.get_next_page()
    assert "2 items" in repr(page)


def test_the_async_content_page() -> None:
    h = OpenAIHarness("async", upstream)
    client = h.client
    assert isinstance(client, AsyncOpenAIClient)

    async def go() -> None:
        page = await client.vector_stores.files.content(FILE_ID, vector_store_id=VS_ID)
        assert isinstance(page, AsyncPage)
        assert [item.text async for item in page] == ["hello", "world"]
        assert [len(p.data) async for p in page.iter_pages()] == [2]
        assert not page.has_next_page()
        with pytest.raises(RuntimeError, match="No next page"):
            await page.get_next_page()

    anyio.run(go)
    assert len(h.requests) == 1


def test_a_listing_walk_by_hand(kind: Kind) -> None:
    h = OpenAIHarness(kind, listing(vs_file_json))
    page = h.call("vector_stores.files.list", VS_ID, limit=5)
    assert [f.id for f in page.data] == IDS[:5] and page.has_next_page()
    assert (page.first_id, page.last_id, page.has_more, page.object) == ("obj-00", "obj-04", True, "list")
