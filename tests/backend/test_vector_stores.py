"""Vector stores over HTTP: every endpoint's success path, checked against the contract."""

from __future__ import annotations

import httpx2
import pytest

from mcp_assistant_files.backend import Store
from tests.stores import run_sql

from .conftest import error_of, ingest, new_vector_store, ok, upload

pytestmark = pytest.mark.anyio


async def test_create_get_update_list_and_delete_a_store(http: httpx2.AsyncClient) -> None:
    created = ok(await http.post("/vector_stores", json={"name": "kb", "metadata": {"team": "docs"}}))
    assert created["id"].startswith("vs_") and created["object"] == "vector_store"
    assert (created["name"], created["metadata"], created["status"]) == ("kb", {"team": "docs"}, "completed")
    assert created["file_counts"] == {
        "in_progress": 0,
        "completed": 0,
        "failed": 0,
        "cancelled": 0,
        "total": 0,
    }
    assert created["usage_bytes"] == 0 and created["last_active_at"] >= created["created_at"]
    assert created["expires_at"] is None and "expires_after" not in created
    vector_store_id = created["id"]

    assert ok(await http.get(f"/vector_stores/{vector_store_id}")) == created
    changed = ok(
        await http.post(
            f"/vector_stores/{vector_store_id}",
            json={
                "name": "renamed",
                "metadata": {"v": "2"},
                "expires_after": {"anchor": "last_active_at", "days": 7},
            },
        )
    )
    assert (changed["name"], changed["metadata"]) == ("renamed", {"v": "2"})
    assert changed["expires_after"] == {"anchor": "last_active_at", "days": 7}
    assert changed["expires_at"] == changed["last_active_at"] + 7 * 86_400
    cleared = ok(
        await http.post(
            f"/vector_stores/{vector_store_id}", json={"name": None, "metadata": None, "expires_after": None}
        )
    )
    assert (cleared["name"], cleared["metadata"], cleared["expires_at"]) == ("", {}, None)
    assert ok(await http.post(f"/vector_stores/{vector_store_id}", json={}))["name"] == ""

    listing = ok(await http.get("/vector_stores"))
    assert [store["id"] for store in listing["data"]] == [vector_store_id]
    deleted = ok(await http.delete(f"/vector_stores/{vector_store_id}"))
    assert deleted == {"id": vector_store_id, "object": "vector_store.deleted", "deleted": True}
    error_of(await http.get(f"/vector_stores/{vector_store_id}"), 404)
    assert ok(await http.get("/vector_stores"))["data"] == []


async def test_create_with_file_ids_attaches_and_counts_them(http: httpx2.AsyncClient, store: Store) -> None:
    text, binary = await upload(http, data=b"some text\n"), await upload(http, data=b"\x00\x01\x02")
    created = ok(await http.post("/vector_stores", json={"file_ids": [text, binary, text]}))
    assert created["status"] == "in_progress"
    assert created["file_counts"]["in_progress"] == created["file_counts"]["total"] == 2
    assert ingest(store) == 2
    after = ok(await http.get(f"/vector_stores/{created['id']}"))
    assert after["status"] == "completed" and after["usage_bytes"] == len(b"some text\n")
    assert after["file_counts"] == {"in_progress": 0, "completed": 1, "failed": 1, "cancelled": 0, "total": 2}


async def test_expired_store_says_so(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id = await new_vector_store(http, expires_after={"anchor": "last_active_at", "days": 1})
    run_sql(store, "UPDATE vector_stores SET last_active_at = last_active_at - 86400")
    assert ok(await http.get(f"/vector_stores/{vector_store_id}"))["status"] == "expired"


async def test_file_lifecycle_attach_ingest_update_content_detach(
    http: httpx2.AsyncClient, store: Store
) -> None:
    vector_store_id = await new_vector_store(http, name="kb")
    file_id = await upload(http, data=b"hello from the backend\nsecond line\n")
    attached = await http.post(
        f"/vector_stores/{vector_store_id}/files",
        json={"file_id": file_id, "attributes": {"author": "ann", "year": 2024, "draft": False}},
    )
    body = ok(attached)
    assert attached.headers["openai-poll-after-ms"] == "200"
    assert (body["id"], body["object"], body["status"], body["vector_store_id"]) == (
        file_id,
        "vector_store.file",
        "in_progress",
        vector_store_id,
    )
    assert body["last_error"] is None and body["usage_bytes"] == 0
    assert body["chunking_strategy"] == {
        "type": "static",
        "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
    }
    polled = await http.get(f"/vector_stores/{vector_store_id}/files/{file_id}")
    assert ok(polled)["status"] == "in_progress" and polled.headers["openai-poll-after-ms"] == "200"

    assert ingest(store) == 1
    done = await http.get(f"/vector_stores/{vector_store_id}/files/{file_id}")
    assert ok(done)["status"] == "completed" and "openai-poll-after-ms" not in done.headers
    assert done.json()["usage_bytes"] == 35 and done.json()["attributes"] == {
        "author": "ann",
        "year": 2024,
        "draft": False,
    }

    updated = ok(
        await http.post(f"/vector_stores/{vector_store_id}/files/{file_id}", json={"attributes": {"k": 1.5}})
    )
    assert updated["attributes"] == {"k": 1.5} and updated["status"] == "completed"
    cleared = ok(
        await http.post(f"/vector_stores/{vector_store_id}/files/{file_id}", json={"attributes": None})
    )
    assert cleared["attributes"] == {}

    content = ok(await http.get(f"/vector_stores/{vector_store_id}/files/{file_id}/content"))
    assert content == {
        "object": "vector_store.file_content.page",
        "data": [{"type": "text", "text": "hello from the backend\nsecond line\n"}],
        "has_more": False,
        "next_page": None,
    }
    gone = ok(await http.delete(f"/vector_stores/{vector_store_id}/files/{file_id}"))
    assert gone == {"id": file_id, "object": "vector_store.file.deleted", "deleted": True}
    error_of(await http.get(f"/vector_stores/{vector_store_id}/files/{file_id}"), 404)
    assert ok(await http.get(f"/files/{file_id}"))["id"] == file_id, "detaching keeps the file"


async def test_content_pages_follow_the_chunking_strategy(http: httpx2.AsyncClient, store: Store) -> None:
    text = " ".join(f"word{n:04d}" for n in range(2000))  # 17,999 characters, ~4,500 tokens
    vector_store_id = await new_vector_store(http)
    file_id = await upload(http, data=text.encode())
    chunking = {"type": "static", "static": {"max_chunk_size_tokens": 500, "chunk_overlap_tokens": 100}}
    attached = ok(
        await http.post(
            f"/vector_stores/{vector_store_id}/files",
            json={"file_id": file_id, "chunking_strategy": chunking},
        )
    )
    assert attached["chunking_strategy"] == chunking
    ingest(store)
    pages = ok(await http.get(f"/vector_stores/{vector_store_id}/files/{file_id}/content"))["data"]
    assert "".join(page["text"] for page in pages) == text
    # One page per chunk: 2,000-character windows (500 tokens), each starting 400 characters
    # (100 tokens) before the previous one ended, moved on to a word: 1,602 new characters each.
    assert [len(page["text"]) for page in pages] == [1602] * 10 + [1979]
    assert all(page["text"].endswith(" ") for page in pages[:-1]), "chunks end at white space"


async def test_listing_filters_by_status(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id = await new_vector_store(http)
    good = [await upload(http, data=f"text {n}".encode()) for n in range(3)]
    bad = await upload(http, data=b"")
    for file_id in [*good, bad]:
        ok(await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": file_id}))
    pending = ok(await http.get(f"/vector_stores/{vector_store_id}/files", params={"filter": "in_progress"}))
    assert len(pending["data"]) == 4
    ingest(store)
    for status, expected in (
        ("completed", good[::-1]),
        ("failed", [bad]),
        ("in_progress", []),
        ("cancelled", []),
    ):
        page = ok(await http.get(f"/vector_stores/{vector_store_id}/files", params={"filter": status}))
        assert [item["id"] for item in page["data"]] == expected, status
    failed = ok(await http.get(f"/vector_stores/{vector_store_id}/files/{bad}"))
    assert failed["last_error"]["code"] == "invalid_file" and "empty" in failed["last_error"]["message"]
    content = error_of(await http.get(f"/vector_stores/{vector_store_id}/files/{bad}/content"), 400)
    assert "failed" in content["message"] and "empty" in content["message"]


async def test_a_failed_file_attached_again_is_ingested_again(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id = await new_vector_store(http)
    file_id = await upload(http, data=b"\xff\xfe\x00\xd8")  # UTF-16 with a lone surrogate
    path = f"/vector_stores/{vector_store_id}/files"
    ok(await http.post(path, json={"file_id": file_id}))
    ingest(store)
    assert ok(await http.get(f"{path}/{file_id}"))["last_error"]["code"] == "unsupported_file"
    again = ok(await http.post(path, json={"file_id": file_id}))
    assert again["status"] == "in_progress" and again["last_error"] is None


async def test_batches_count_files_and_list_them(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id = await new_vector_store(http)
    files = [await upload(http, data=f"batch file {n}".encode()) for n in range(5)]
    binary = await upload(http, data=bytes(range(256)))
    created = await http.post(
        f"/vector_stores/{vector_store_id}/file_batches",
        json={"file_ids": [*files, binary], "attributes": {"batch": True}},
    )
    batch = ok(created)
    assert batch["id"].startswith("vsfb_") and batch["object"] == "vector_store.files_batch"
    assert batch["status"] == "in_progress" and created.headers["openai-poll-after-ms"] == "200"
    assert batch["file_counts"] == {"in_progress": 6, "completed": 0, "failed": 0, "cancelled": 0, "total": 6}
    ingest(store)
    done = ok(await http.get(f"/vector_stores/{vector_store_id}/file_batches/{batch['id']}"))
    assert done["status"] == "completed"
    assert done["file_counts"] == {"in_progress": 0, "completed": 5, "failed": 1, "cancelled": 0, "total": 6}
    listed = ok(
        await http.get(
            f"/vector_stores/{vector_store_id}/file_batches/{batch['id']}/files", params={"order": "asc"}
        )
    )
    assert [item["id"] for item in listed["data"]] == [*files, binary]
    assert all(item["attributes"] == {"batch": True} for item in listed["data"])
    failed = ok(
        await http.get(
            f"/vector_stores/{vector_store_id}/file_batches/{batch['id']}/files", params={"filter": "failed"}
        )
    )
    assert [item["id"] for item in failed["data"]] == [binary]
    refused = error_of(
        await http.post(f"/vector_stores/{vector_store_id}/file_batches/{batch['id']}/cancel"), 400
    )
    assert "nothing to cancel" in refused["message"]


async def test_batch_of_file_entries_and_cancel(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id = await new_vector_store(http)
    files = [await upload(http, data=b"cancel me") for _ in range(3)]
    batch = ok(
        await http.post(
            f"/vector_stores/{vector_store_id}/file_batches",
            json={"files": [{"file_id": f, "attributes": {"i": n}} for n, f in enumerate(files)]},
        )
    )
    cancel = f"/vector_stores/{vector_store_id}/file_batches/{batch['id']}/cancel"
    cancelled = ok(await http.post(cancel, headers={"content-type": "application/json"}))
    assert cancelled["status"] == "cancelled"
    assert cancelled["file_counts"] == {
        "in_progress": 0,
        "completed": 0,
        "failed": 0,
        "cancelled": 3,
        "total": 3,
    }
    assert ok(await http.post(cancel)) == cancelled, "cancelling again changes nothing"
    assert ingest(store) == 0, "cancelled files are not ingested"
    one = ok(await http.get(f"/vector_stores/{vector_store_id}/files/{files[1]}"))
    assert (one["status"], one["attributes"]) == ("cancelled", {"i": 1})
    store_now = ok(await http.get(f"/vector_stores/{vector_store_id}"))
    assert store_now["file_counts"]["cancelled"] == 3 and store_now["status"] == "completed"


async def test_attaching_again_states_the_wanted_state(http: httpx2.AsyncClient, store: Store) -> None:
    vector_store_id = await new_vector_store(http)
    file_id = await upload(http, data=b"some text")
    path = f"/vector_stores/{vector_store_id}/files"
    first = ok(await http.post(path, json={"file_id": file_id, "attributes": {"v": 1}}))
    ingest(store)
    same = ok(await http.post(path, json={"file_id": file_id, "attributes": {"v": 2}}))
    assert (same["status"], same["attributes"], same["created_at"]) == (
        "completed",
        {"v": 2},
        first["created_at"],
    )
    assert ingest(store) == 0, "same chunking: kept, not ingested again"
    small = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 50}}
    rechunked = ok(await http.post(path, json={"file_id": file_id, "chunking_strategy": small}))
    assert (rechunked["status"], rechunked["attributes"]) == ("in_progress", {"v": 2}), "not sent: kept"
    assert ingest(store) == 1


@pytest.mark.parametrize("clearing", [{}, None], ids=["empty", "null"])
async def test_attaching_again_without_attributes_keeps_them_and_sending_empty_clears_them(
    http: httpx2.AsyncClient, store: Store, clearing: dict[str, object] | None
) -> None:
    vector_store_id = await new_vector_store(http)
    file_id = await upload(http, data=b"some text")
    path = f"/vector_stores/{vector_store_id}/files"
    ok(await http.post(path, json={"file_id": file_id, "attributes": {"team": "docs", "year": 2024}}))
    ingest(store)
    again = ok(await http.post(path, json={"file_id": file_id}))
    assert again["attributes"] == {"team": "docs", "year": 2024}
    batch = ok(
        await http.post(f"/vector_stores/{vector_store_id}/file_batches", json={"file_ids": [file_id]})
    )
    assert batch["file_counts"]["total"] == 1
    assert ok(await http.get(f"{path}/{file_id}"))["attributes"] == {"team": "docs", "year": 2024}
    cleared = ok(await http.post(path, json={"file_id": file_id, "attributes": clearing}))
    assert cleared["attributes"] == {}


async def test_a_detached_file_attached_again_without_attributes_has_none(
    http: httpx2.AsyncClient, store: Store
) -> None:
    vector_store_id = await new_vector_store(http)
    file_id = await upload(http, data=b"some text")
    path = f"/vector_stores/{vector_store_id}/files"
    ok(await http.post(path, json={"file_id": file_id, "attributes": {"v": 1}}))
    ok(await http.delete(f"{path}/{file_id}"))
    assert ok(await http.post(path, json={"file_id": file_id}))["attributes"] == {}


async def test_a_detached_file_attached_again_keeps_its_place_and_is_ingested_again(
    http: httpx2.AsyncClient, store: Store
) -> None:
    vector_store_id = await new_vector_store(http)
    files = [await upload(http, data=b"text") for _ in range(3)]
    path = f"/vector_stores/{vector_store_id}/files"
    attached = [ok(await http.post(path, json={"file_id": f})) for f in files]
    ingest(store)
    ok(await http.delete(f"{path}/{files[1]}"))
    back = ok(await http.post(path, json={"file_id": files[1]}))
    assert (back["status"], back["created_at"]) == ("in_progress", attached[1]["created_at"])
    listing = ok(await http.get(path, params={"order": "asc"}))
    assert [item["id"] for item in listing["data"]] == files, "same place in the listing"
    assert ingest(store) == 1


async def test_a_file_moves_to_the_batch_that_last_attached_it(
    http: httpx2.AsyncClient, store: Store
) -> None:
    vector_store_id = await new_vector_store(http)
    file_id = await upload(http, data=b"text")
    batches = f"/vector_stores/{vector_store_id}/file_batches"
    first = ok(await http.post(batches, json={"file_ids": [file_id]}))
    second = ok(await http.post(batches, json={"file_ids": [file_id]}))
    ingest(store)
    assert ok(await http.get(f"{batches}/{first['id']}"))["file_counts"]["total"] == 0
    assert ok(await http.get(f"{batches}/{second['id']}"))["file_counts"]["completed"] == 1
    ok(await http.post(f"/vector_stores/{vector_store_id}/files", json={"file_id": file_id}))
    assert ok(await http.get(f"{batches}/{second['id']}"))["file_counts"]["total"] == 0
