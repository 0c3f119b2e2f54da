"""Cursor pagination: strict order, exclusive cursors, ``has_more``, tombstoned cursors."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcp_assistant_files.backend import InvalidRequest, Store
from tests.stores import KINDS, Kind, open_kind

from .conftest import new_assistant, upload


def attached(store: Store, count: int) -> tuple[str, list[str]]:
    """An assistant with ``count`` files attached, and their ids oldest first."""
    assistant_id = store.create_assistant()["id"]
    file_ids = [store.create_file("f.txt", b"x", "assistants")["id"] for _ in range(count)]
    for file_id in file_ids:
        store.attach(assistant_id, file_id)
    return assistant_id, file_ids


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["data"]]


@pytest.fixture
def unlimited(kind: Kind) -> Iterator[Store]:
    with open_kind(kind, max_files_per_assistant=0) as opened:
        yield opened


def test_order_is_strict_and_stable_within_one_second(unlimited: Store) -> None:
    assistant_id, file_ids = attached(unlimited, 30)
    asc = unlimited.list_attachments(assistant_id, limit=100, order="asc")
    assert len({item["created_at"] for item in asc["data"]}) <= 2, "test needs shared timestamps"
    assert ids(asc) == file_ids
    assert ids(unlimited.list_attachments(assistant_id, limit=100)) == file_ids[::-1], "default is desc"


def test_after_is_exclusive_and_has_more_is_exact(unlimited: Store) -> None:
    assistant_id, f = attached(unlimited, 6)
    page = unlimited.list_attachments(assistant_id, limit=2, order="asc", after=f[1])
    assert (ids(page), page["first_id"], page["last_id"], page["has_more"]) == (f[2:4], f[2], f[3], True)
    last = unlimited.list_attachments(assistant_id, limit=2, order="asc", after=f[3])
    assert (ids(last), last["has_more"]) == (f[4:6], False), "exactly limit left: no more"
    desc = unlimited.list_attachments(assistant_id, limit=2, order="desc", after=f[4])
    assert (ids(desc), desc["has_more"]) == ([f[3], f[2]], True)


def test_before_returns_the_items_just_preceding_in_requested_order(unlimited: Store) -> None:
    assistant_id, f = attached(unlimited, 10)
    asc = unlimited.list_attachments(assistant_id, limit=2, order="asc", before=f[5])
    assert (ids(asc), asc["has_more"]) == ([f[3], f[4]], True)
    start = unlimited.list_attachments(assistant_id, limit=5, order="asc", before=f[5])
    assert (ids(start), start["has_more"]) == (f[0:5], False)
    desc = unlimited.list_attachments(assistant_id, limit=2, order="desc", before=f[5])
    assert (ids(desc), desc["has_more"]) == ([f[7], f[6]], True)
    edge = unlimited.list_attachments(assistant_id, limit=3, order="desc", before=f[7])
    assert (ids(edge), edge["has_more"]) == ([f[9], f[8]], False)


def test_after_and_before_together_bound_the_page(unlimited: Store) -> None:
    assistant_id, f = attached(unlimited, 10)
    page = unlimited.list_attachments(assistant_id, limit=3, order="asc", after=f[2], before=f[7])
    assert (ids(page), page["has_more"]) == (f[3:6], True)
    rest = unlimited.list_attachments(assistant_id, limit=3, order="asc", after=f[5], before=f[7])
    assert (ids(rest), rest["has_more"]) == ([f[6]], False)


def test_detached_cursor_keeps_its_position(unlimited: Store) -> None:
    assistant_id, f = attached(unlimited, 6)
    unlimited.detach(assistant_id, f[2])
    page = unlimited.list_attachments(assistant_id, limit=2, order="asc", after=f[2])
    assert ids(page) == f[3:5]
    back = unlimited.list_attachments(assistant_id, limit=5, order="asc", before=f[2])
    assert ids(back) == f[0:2]


def test_reattach_revives_the_original_position(unlimited: Store) -> None:
    assistant_id, f = attached(unlimited, 4)
    first = unlimited.get_attachment(assistant_id, f[1])
    unlimited.detach(assistant_id, f[1])
    assert f[1] not in ids(unlimited.list_attachments(assistant_id, order="asc"))
    assert unlimited.attach(assistant_id, f[1]) == first
    assert ids(unlimited.list_attachments(assistant_id, order="asc")) == f


def test_cursor_never_in_listing_is_rejected(unlimited: Store) -> None:
    assistant_id, _ = attached(unlimited, 2)
    stray = unlimited.create_file("s.txt", b"s", "assistants")["id"]
    with pytest.raises(InvalidRequest) as raised:
        unlimited.list_attachments(assistant_id, before=stray)
    assert raised.value.param == "before"


@pytest.mark.anyio
async def test_pages_over_http_walk_the_whole_list(client: httpx2.AsyncClient) -> None:
    assistant_id = await new_assistant(client)
    file_ids = [await upload(client) for _ in range(7)]
    for file_id in file_ids:
        await client.post(f"/assistants/{assistant_id}/files", json={"file_id": file_id})
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 3}
    while True:
        page = (await client.get(f"/assistants/{assistant_id}/files", params=params)).json()
        seen += ids(page)
        if not page["has_more"]:
            break
        params["after"] = page["last_id"]
    assert seen == file_ids[::-1]


# -- property: walks agree with a list model, even with detaches during the walk ---------------

Direction = Literal["after", "before"]


@dataclass
class Listing:
    """A listing under test: every item ever in it (oldest first), the ones its filter shows, how
    to get a page, and how to detach an item."""

    items: list[str]
    shown: set[str]
    list_page: Callable[..., dict[str, Any]]
    detach: Callable[[str], object]


def walk(
    listing: Listing,
    *,
    order: Literal["asc", "desc"],
    limit: int,
    direction: Direction,
    start: str | None,
    detach_between: list[str],
) -> list[str]:
    """Follow cursors while ``has_more``; detach one queued item after each page."""
    seen: list[str] = []
    cursor = start
    while True:
        kwargs = {direction: cursor} if cursor else {}
        page = listing.list_page(limit=limit, order=order, **kwargs)
        seen = seen + ids(page) if direction == "after" else ids(page) + seen
        assert len(page["data"]) <= limit
        if detach_between:
            listing.detach(detach_between.pop())
        if not page["has_more"]:
            return seen
        cursor = page["last_id"] if direction == "after" else page["first_id"]


WALKS = {
    "limit": st.integers(1, 8),
    "order": st.sampled_from(["asc", "desc"]),
    "direction": st.sampled_from(["after", "before"]),
    "data": st.data(),
}


def check_walks_match_the_model(
    listing: Listing, limit: int, order: Literal["asc", "desc"], direction: Direction, data: st.DataObject
) -> None:
    """Detach some items, start a walk (a 'before' walk from any item, tombstones included),
    detach more between pages: no item repeats or comes out of order, and nothing that stayed
    in the listing is skipped."""
    model = listing.items
    gone = data.draw(st.sets(st.sampled_from(model)) if model else st.just(set()), label="detached before")
    for item in gone:
        listing.detach(item)
    live = [f for f in model if f not in gone]
    start = data.draw(st.sampled_from(model), label="start") if direction == "before" and model else None
    during = data.draw(st.lists(st.sampled_from(live), unique=True) if live else st.just([]), label="during")
    full_order = model if order == "asc" else model[::-1]
    span = full_order if start is None else full_order[: full_order.index(start)]
    expected_span = [f for f in span if f in live and f in listing.shown]

    seen = walk(
        listing, order=order, limit=limit, direction=direction, start=start, detach_between=list(during)
    )

    assert len(seen) == len(set(seen)), "no item repeats"
    assert seen == [f for f in expected_span if f in seen], "items come in list order"
    stayed = [f for f in expected_span if f not in during]
    assert [f for f in seen if f in stayed] == stayed, "nothing that stayed attached is skipped"


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=120, deadline=None)
@given(count=st.integers(0, 25), **WALKS)
def test_walks_match_the_model(
    kind: Kind,
    count: int,
    limit: int,
    order: Literal["asc", "desc"],
    direction: Direction,
    data: st.DataObject,
) -> None:
    with open_kind(kind, max_files_per_assistant=0) as store:
        assistant_id, model = attached(store, count)
        listing = Listing(
            model,
            set(model),
            functools.partial(store.list_attachments, assistant_id),
            functools.partial(store.detach, assistant_id),
        )
        check_walks_match_the_model(listing, limit, order, direction, data)
