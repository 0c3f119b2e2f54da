"""Vector-store file listings page exactly, both ways, with ``filter``, through detaches."""

from __future__ import annotations

import functools
from typing import Any, Literal

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcp_assistant_files.backend import Store
from mcp_assistant_files.contract import VECTOR_STORE_FILE_STATUSES
from tests.stores import KINDS, Kind, open_kind, run_sql

from .conftest import ingest, new_vector_store, ok, upload
from .test_pagination import WALKS, Direction, Listing, check_walks_match_the_model, ids


def store_with_statuses(store: Store, statuses: list[str]) -> tuple[str, list[str]]:
    """A vector store whose files (oldest first) have ``statuses``, all with the same ``created_at``."""
    vector_store_id = store.create_vector_store("paging")["id"]
    file_ids = store.seed_vector_store_files(vector_store_id, len(statuses))
    run_sql(
        store,
        "UPDATE vector_store_files SET status = ? WHERE file_id = ?",
        zip(statuses, file_ids, strict=True),
    )
    return vector_store_id, file_ids


def test_equal_created_at_lists_in_attach_order_both_ways_with_filter(kind: Kind) -> None:
    statuses = ["completed", "failed"] * 10
    with open_kind(kind) as store:
        vector_store_id, f = store_with_statuses(store, statuses)
        listing = functools.partial(store.list_vector_store_files, vector_store_id)
        assert len({item["created_at"] for item in listing(limit=100)["data"]}) == 1
        assert ids(listing(limit=100, order="asc")) == f
        completed = f[::2]
        page = listing(limit=3, order="asc", filter="completed", after=f[3])
        assert (ids(page), page["has_more"]) == (completed[2:5], True)
        back = listing(limit=3, order="asc", filter="completed", before=f[9])
        assert (ids(back), back["has_more"]) == (completed[2:5], True)
        desc = listing(limit=4, order="desc", filter="failed", before=f[12])
        assert (ids(desc), desc["has_more"]) == ([f[19], f[17], f[15], f[13]], False)
        between = listing(limit=10, order="desc", filter="failed", after=f[17], before=f[2])
        assert ids(between) == [f[15], f[13], f[11], f[9], f[7], f[5], f[3]]


@pytest.mark.anyio
async def test_batch_listing_pages_over_http(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id = await new_vector_store(http)
    files = [await upload(http, data=b"x" if n % 2 else b"") for n in range(9)]
    batch = ok(await http.post(f"/vector_stores/{vector_store_id}/file_batches", json={"file_ids": files}))
    ingest(store)
    path = f"/vector_stores/{vector_store_id}/file_batches/{batch['id']}/files"
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2, "filter": "completed", "order": "asc"}
    while True:
        page = ok(await http.get(path, params=params))
        seen += ids(page)
        if not page["has_more"]:
            break
        params["after"] = page["data"][-1]["id"]
    assert seen == files[1::2]


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=100, deadline=None)
@given(
    statuses=st.lists(st.sampled_from(VECTOR_STORE_FILE_STATUSES), max_size=25),
    status_filter=st.sampled_from([None, *VECTOR_STORE_FILE_STATUSES]),
    **WALKS,
)
def test_filtered_walks_match_the_model(
    kind: Kind,
    statuses: list[str],
    status_filter: Literal["in_progress", "completed", "failed", "cancelled"] | None,
    limit: int,
    order: Literal["asc", "desc"],
    direction: Direction,
    data: st.DataObject,
) -> None:
    with open_kind(kind) as store:
        vector_store_id, file_ids = store_with_statuses(store, statuses)
        listing = Listing(
            file_ids,
            {f for f, status in zip(file_ids, statuses, strict=True) if status_filter in (None, status)},
            functools.partial(store.list_vector_store_files, vector_store_id, filter=status_filter),
            functools.partial(store.detach_vector_store_file, vector_store_id),
        )
        check_walks_match_the_model(listing, limit, order, direction, data)
