"""Cursor pages: forwards with ``after``, backwards with ``before``, stop on ``has_more: false``."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from mcp_assistant_files import AsyncAssistantsClient, AsyncCursorPage, SyncCursorPage

from .harness import KINDS, Harness, Kind, page_json

IDS = [f"file-{i:02d}" for i in range(7)]


def fake_upstream(ids: list[str]) -> object:
    """A correct listing over ``ids`` (already in the listing's order)."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        params = request.url.params
        limit = int(params.get("limit", "20"))
        if "before" in params:
            end = ids.index(params["before"])
            start = max(0, end - limit)
            return httpx2.Response(200, json=page_json(ids[start:end], has_more=start > 0))
        start = ids.index(params["after"]) + 1 if "after" in params else 0
        chunk = ids[start : start + limit]
        return httpx2.Response(200, json=page_json(chunk, has_more=start + limit < len(ids)))

    return handler


@pytest.mark.parametrize("kind", KINDS)
def test_auto_pagination_follows_has_more_and_stops_without_an_extra_request(kind: Kind) -> None:
    h = Harness(kind, fake_upstream(IDS))  # type: ignore[arg-type]
    assert h.list_ids("asst_1", limit=3) == IDS
    assert len(h.requests) == 3  # 3 + 3 + 1: openai 1.20 sent a 4th for an empty page
    assert [r.url.params.get("after") for r in h.requests] == [None, "file-02", "file-05"]
    assert all(r.url.params["limit"] == "3" for r in h.requests)


@pytest.mark.parametrize("kind", KINDS)
def test_exact_multiple_of_the_limit_ends_when_has_more_is_false(kind: Kind) -> None:
    h = Harness(kind, fake_upstream(IDS[:6]))  # type: ignore[arg-type]
    assert h.list_ids("asst_1", limit=3) == IDS[:6]
    assert len(h.requests) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_listing_started_with_before_walks_backwards_with_first_id(kind: Kind) -> None:
    h = Harness(kind, fake_upstream(IDS))  # type: ignore[arg-type]
    ids = h.list_ids("asst_1", limit=2, before="file-06")
    assert sorted(ids) == IDS[:6] and len(ids) == 6
    assert [r.url.params.get("before") for r in h.requests] == ["file-06", "file-04", "file-02"]
    assert all("after" not in r.url.params for r in h.requests)


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_listing_makes_one_request(kind: Kind) -> None:
    h = Harness(kind, fake_upstream([]))  # type: ignore[arg-type]
    assert h.list_ids("asst_1") == []
    assert len(h.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_has_more_with_an_empty_page_does_not_loop(kind: Kind) -> None:
    h = Harness(kind, lambda r: httpx2.Response(200, json=page_json([], has_more=True)))
    assert h.list_ids("asst_1") == []
    assert len(h.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_extra_query_and_headers_carry_over_to_next_pages(kind: Kind) -> None:
    h = Harness(kind, fake_upstream(IDS))  # type: ignore[arg-type]
    h.list_ids("asst_1", limit=4, order="asc", extra_query={"x": "1"}, extra_headers={"X-Trace": "t"})
    assert len(h.requests) == 2
    assert h.requests[1].url.params["order"] == "asc" and h.requests[1].url.params["x"] == "1"
    assert h.requests[1].headers["x-trace"] == "t"


def test_sync_page_fields_and_manual_paging() -> None:
    h = Harness("sync", fake_upstream(IDS))  # type: ignore[arg-type]
    page = h.client.files.list("asst_1", limit=5)
    assert isinstance(page, SyncCursorPage)
    assert (page.first_id, page.last_id, page.has_more, page.object) == ("file-00", "file-04", True, "list")
    assert page.has_next_page()
    nxt = page.get_next_page()
    assert [f.id for f in nxt.data] == ["file-05", "file-06"]
    assert not nxt.has_next_page() and nxt.next_page_options() is None
    with pytest.raises(RuntimeError, match="has_next_page"):
        nxt.get_next_page()
    assert [len(p.data) for p in page.iter_pages()] == [5, 2]


def test_async_paginator_awaits_to_the_first_page_and_iterates_pages() -> None:
    h = Harness("async", fake_upstream(IDS))  # type: ignore[arg-type]
    client = h.client
    assert isinstance(client, AsyncAssistantsClient)

    async def go() -> None:
        page = await client.files.list("asst_1", limit=5)
        assert isinstance(page, AsyncCursorPage)
        assert [f.id for f in page.data] == IDS[:5] and page.has_next_page()
        sizes = [len(p.data) async for p in page.iter_pages()]
        assert sizes == [5, 2]
        last = await page.get_next_page()
        assert not last.has_next_page()
        with pytest.raises(RuntimeError):
            await last.get_next_page()
        assert [f.id async for f in page] == IDS

    anyio.run(go)
    assert len(h.requests) == 4  # first page; then the second page by iter_pages, get_next_page, async for


def bounded_upstream(ids: list[str]) -> object:
    """A listing honouring ``after`` and ``before`` together, as the local backend does."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        params = request.url.params
        limit = int(params.get("limit", "20"))
        start = ids.index(params["after"]) + 1 if "after" in params else 0
        end = ids.index(params["before"]) if "before" in params else len(ids)
        chunk = ids[start : min(end, start + limit)]
        return httpx2.Response(200, json=page_json(chunk, has_more=start + limit < end))

    return handler


@pytest.mark.parametrize("kind", KINDS)
def test_after_and_before_together_walk_forwards_inside_the_bounds(kind: Kind) -> None:
    h = Harness(kind, bounded_upstream(IDS))  # type: ignore[arg-type]
    assert h.list_ids("asst_1", limit=2, after="file-00", before="file-06") == IDS[1:6]
    assert all(r.url.params["before"] == "file-06" for r in h.requests)
