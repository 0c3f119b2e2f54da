"""The vector-store tools over MCP (in memory) against the embedded backend and its worker.

Walks with a status filter, cursors bound to store and filter, attach-and-wait with progress,
failed ingestion explained, idempotent detach, attributes, the allowlist, error sentences.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client

from mcp_assistant_files.backend import Ingestor
from mcp_assistant_files.service.declaration import ToolPolicy

from .conftest import World, text_of

pytestmark = pytest.mark.anyio

BINARY = bytes(range(256)) * 8


def content(result: Any) -> dict[str, Any]:
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert json.loads(text_of(result)) == result.structured_content
    structured: dict[str, Any] = result.structured_content
    return structured


async def walk(
    client: Client, tool: str, args: dict[str, Any], key: str = "files", cursor_key: str = "next_cursor"
) -> tuple[list[str], list[dict[str, Any]]]:
    ids: list[str] = []
    pages: list[dict[str, Any]] = []
    call = dict(args)
    for _ in range(100):
        page = content(await client.call_tool(tool, call))
        pages.append(page)
        ids += [item["id"] for item in page[key]]
        cursor = page.get(cursor_key)
        if not cursor:
            return ids, pages
        call = {**args, "cursor": cursor}
    raise AssertionError("the walk did not end")


@pytest.fixture
def store_id(world: World) -> str:
    vector_store_id: str = world.store.create_vector_store("docs")["id"]
    return vector_store_id


async def test_a_250_file_walk_with_a_filter_sees_each_file_once_both_ways(
    world: World, store_id: str
) -> None:
    completed = world.store.seed_vector_store_files(store_id, 250)
    failed = world.store.seed_vector_store_files(
        store_id, 20, data=BINARY, filename="blob.bin", ingested=False
    )
    Ingestor(world.store).process_pending()
    async with world.connect() as client:
        args = {"vector_store_id": store_id, "limit": 40, "filter": "completed", "order": "asc"}
        forward, pages = await walk(client, "list_vector_store_files", args)
        assert forward == completed
        assert len(pages) == 7 and all(page["filter"] == "completed" for page in pages)
        assert all(
            f["status"] == "completed" and f["usage_bytes"] > 0 for page in pages for f in page["files"]
        )
        back, _ = await walk(
            client,
            "list_vector_store_files",
            {**args, "cursor": pages[-1]["previous_cursor"]},
            cursor_key="previous_cursor",
        )
        assert back == [i for page in reversed(pages[:-1]) for i in [f["id"] for f in page["files"]]]
        failures, _ = await walk(client, "list_vector_store_files", {**args, "filter": "failed"})
        assert sorted(failures) == sorted(failed)
        everything, _ = await walk(
            client, "list_vector_store_files", {"vector_store_id": store_id, "limit": 100}
        )
        assert sorted(everything) == sorted(completed + failed)


async def test_a_cursor_is_bound_to_its_vector_store_and_filter(world: World, store_id: str) -> None:
    world.store.seed_vector_store_files(store_id, 5)
    other: str = world.store.create_vector_store("other")["id"]
    async with world.connect() as client:
        args = {"vector_store_id": store_id, "limit": 2, "filter": "completed"}
        cursor = content(await client.call_tool("list_vector_store_files", args))["next_cursor"]
        for changed in ({"filter": "failed"}, {"vector_store_id": other}, {"filter": None}):
            call = {k: v for k, v in ({**args, **changed, "cursor": cursor}).items() if v is not None}
            refused = await client.call_tool("list_vector_store_files", call)
            assert refused.is_error
            assert text_of(refused).startswith(
                "cursor belongs to another vector store's (or another filter's) file listing: call "
                "list_vector_store_files again without `cursor` to start over for this vector store and filter"
            )


async def test_attach_waits_until_processed_and_reports_progress(world: World, store_id: str) -> None:
    file_id = world.store.create_file("notes.md", b"# notes\n" * 50, "assistants")["id"]
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with world.connect() as client:
        result = await client.call_tool(
            "attach_vector_store_file",
            {
                "vector_store_id": store_id,
                "file_id": file_id,
                "attributes": [{"key": "author", "value": "Ann"}, {"key": "year", "value": 2024}],
            },
            progress_callback=on_progress,
        )
    attached = content(result)
    assert attached["status"] == "completed"
    assert attached["attributes"] == {"author": "Ann", "year": 2024}
    assert attached["usage_bytes"] > 0
    assert "processed and searchable" in attached["next_step"]
    assert seen, "at least one progress notification, even when the file was ready at once"
    assert seen[-1][2] == f"file {file_id}: completed"
    assert all(total == 40.0 for _, total, _ in seen)


async def test_a_failed_ingestion_says_why_and_what_to_do(world: World, store_id: str) -> None:
    file_id = world.store.create_file("image.bin", BINARY, "assistants")["id"]
    async with world.connect() as client:
        attached = content(
            await client.call_tool(
                "attach_vector_store_file", {"vector_store_id": store_id, "file_id": file_id}
            )
        )
    assert attached["status"] == "failed"
    assert attached["last_error"]["code"] == "unsupported_file"
    assert "could not be processed (unsupported_file:" in attached["next_step"]
    assert "upload it again in a supported format" in attached["next_step"]


async def test_attach_without_wait_returns_at_once(world: World, store_id: str) -> None:
    file_id = world.store.create_file("a.txt", b"hello", "assistants")["id"]
    async with world.connect() as client:
        attached = content(
            await client.call_tool(
                "attach_vector_store_file", {"vector_store_id": store_id, "file_id": file_id, "wait": False}
            )
        )
        assert attached["status"] in ("in_progress", "completed")
        got = content(
            await client.call_tool("get_vector_store_file", {"vector_store_id": store_id, "file_id": file_id})
        )
    assert got["id"] == file_id


async def test_detach_is_idempotent_and_keeps_the_file(world: World, store_id: str) -> None:
    (file_id,) = world.store.seed_vector_store_files(store_id, 1)
    async with world.connect() as client:
        args = {"vector_store_id": store_id, "file_id": file_id}
        first = content(await client.call_tool("detach_vector_store_file", args))
        again = content(await client.call_tool("detach_vector_store_file", args))
        files = content(await client.call_tool("list_files", {}))
    assert (first["deleted"], first["already_detached"]) == (True, False)
    assert (again["deleted"], again["already_detached"]) == (True, True)
    assert "was not attached" in again["next_step"]
    assert file_id in [f["id"] for f in files["files"]], "the file itself is kept"


async def test_attaching_an_attached_file_again_keeps_its_attributes_and_their_types(
    world: World, store_id: str
) -> None:
    (file_id,) = world.store.seed_vector_store_files(store_id, 1)
    big = 12345678901234567890
    async with world.connect() as client:
        args = {"vector_store_id": store_id, "file_id": file_id}
        pairs = [
            {"key": "team", "value": "docs"},
            {"key": "year", "value": 2024},
            {"key": "big", "value": big},
        ]
        content(await client.call_tool("update_vector_store_file_attributes", {**args, "attributes": pairs}))
        omissions: list[dict[str, Any]] = [{}, {"attributes": []}, {"attributes": None}]
        for omitted in omissions:
            again = content(
                await client.call_tool("attach_vector_store_file", {**args, **omitted, "wait": False})
            )
            assert again["attributes"] == {"team": "docs", "year": 2024, "big": big}, omitted
            got = content(await client.call_tool("get_vector_store_file", args))
            assert [type(got["attributes"][k]) for k in ("year", "big")] == [int, int], got["attributes"]
            assert got["attributes"]["big"] == big


@pytest.mark.parametrize(
    ("attributes", "sentence"),
    [
        (
            [{"key": "k"}],
            "attributes[0].value is missing: give a string (up to 512 characters), a number or a boolean.",
        ),
        (
            [{"key": "", "value": 1}],
            "attributes[0].key must be the attribute's name, 1-64 characters; got ''.",
        ),
        (
            [{"key": "k", "value": None}],
            "attributes[0].value must be a string (up to 512 characters), a number or a boolean; got null.",
        ),
        (
            [{"key": "k", "value": 1, "extra": 2}],
            "attributes[0] does not take 'extra': give only key, value.",
        ),
        ([{"key": f"k{i}", "value": i} for i in range(17)], "attributes holds at most 16 items; got 17."),
    ],
    ids=["missing-value", "empty-key", "null-value", "extra-field", "too-many"],
)
async def test_a_bad_attribute_is_named_by_its_place_with_what_to_give(
    world: World, store_id: str, attributes: list[dict[str, Any]], sentence: str
) -> None:
    async with world.connect() as client:
        refused = await client.call_tool(
            "attach_vector_store_file",
            {"vector_store_id": store_id, "file_id": "file-x", "attributes": attributes},
        )
    assert refused.is_error and text_of(refused) == sentence


async def test_attributes_are_replaced_and_checked_before_any_request(world: World, store_id: str) -> None:
    (file_id,) = world.store.seed_vector_store_files(store_id, 1)
    async with world.connect() as client:
        args = {"vector_store_id": store_id, "file_id": file_id}
        pairs = [{"key": "draft", "value": False}, {"key": "score", "value": 1.5}]
        updated = content(
            await client.call_tool("update_vector_store_file_attributes", {**args, "attributes": pairs})
        )
        assert updated["attributes"] == {"draft": False, "score": 1.5}
        cleared = content(
            await client.call_tool("update_vector_store_file_attributes", {**args, "attributes": []})
        )
        assert "attributes" not in cleared
        for bad in (
            [{"key": f"k{i}", "value": i} for i in range(17)],
            [{"key": "k" * 65, "value": 1}],
            [{"key": "nested", "value": {"a": 1}}],
            [{"key": "s", "value": "x" * 513}],
            [{"key": "a", "value": 1}, {"key": "a", "value": 2}],
            [{"key": "a", "value": 1, "extra": True}],
            {"a": 1},
        ):
            refused = await client.call_tool(
                "update_vector_store_file_attributes", {**args, "attributes": bad}
            )
            assert refused.is_error and "attributes" in text_of(refused), (bad, text_of(refused))
        still = content(await client.call_tool("get_vector_store_file", args))
    assert "attributes" not in still


async def test_the_allowlist_confines_every_vector_store_tool(world: World, store_id: str) -> None:
    other: str = world.store.create_vector_store("secret")["id"]
    policy = ToolPolicy(allowed_vector_stores=frozenset({store_id}))
    async with world.connect(policy=policy) as client:
        stores = content(await client.call_tool("list_vector_stores", {}))
        assert [s["id"] for s in stores["vector_stores"]] == [store_id]
        refused = await client.call_tool("list_vector_store_files", {"vector_store_id": other})
    assert refused.is_error
    assert text_of(refused) == (
        f"Vector store {other!r} is not one this server may use (--allow-vector-store): use one of {store_id}."
    )


async def test_list_vector_stores_pages_by_cursor(world: World) -> None:
    created = [world.store.create_vector_store(f"store {n}")["id"] for n in range(25)]
    async with world.connect() as client:
        ids, pages = await walk(
            client, "list_vector_stores", {"limit": 10, "order": "asc"}, key="vector_stores"
        )
    assert ids == created
    assert [len(p["vector_stores"]) for p in pages] == [10, 10, 5]
    assert pages[0]["vector_stores"][0]["name"] == "store 0"
    assert pages[0]["vector_stores"][0]["file_counts"]["total"] == 0


async def test_missing_things_are_named_with_the_next_step(world: World, store_id: str) -> None:
    async with world.connect() as client:
        no_store = await client.call_tool("list_vector_store_files", {"vector_store_id": "vs_nope"})
        no_file = await client.call_tool(
            "get_vector_store_file", {"vector_store_id": store_id, "file_id": "file-nope"}
        )
        unknown = await client.call_tool(
            "attach_vector_store_file", {"vector_store_id": store_id, "file_id": "file-x"}
        )
    assert text_of(no_store).startswith("Vector store 'vs_nope' was not found at the embedded local backend")
    assert f"call list_vector_store_files with vector_store_id={store_id!r}" in text_of(no_file)
    assert text_of(unknown).startswith("File 'file-x' was not found")


async def test_an_allowlist_listing_has_no_empty_pages_that_say_more_remain(world: World) -> None:
    created = [world.store.create_vector_store(f"store {n}") for n in range(121)]
    # Sorted as the tool sorts them: by creation time, then id (the seeds share a second or two).
    allowed = [
        s["id"]
        for s in sorted([created[n] for n in (3, 60, 100, 120)], key=lambda s: (s["created_at"], s["id"]))
    ]
    policy = ToolPolicy(allowed_vector_stores=frozenset([*allowed, "vs_gone"]))
    async with world.connect(policy=policy) as client:
        one, pages = await walk(client, "list_vector_stores", {"limit": 20}, key="vector_stores")
        assert one == list(reversed(allowed)) and len(pages) == 1 and not pages[0]["has_more"]
        args = {"limit": 3, "order": "asc"}
        forward, pages = await walk(client, "list_vector_stores", args, key="vector_stores")
        assert forward == allowed
        assert [len(p["vector_stores"]) for p in pages] == [3, 1]
        assert pages[0]["next_step"].startswith("More remain: call list_vector_stores")
        back, _ = await walk(
            client,
            "list_vector_stores",
            {**args, "limit": 2, "cursor": pages[-1]["previous_cursor"]},
            key="vector_stores",
            cursor_key="previous_cursor",
        )
        assert back == [allowed[1], allowed[2], allowed[0]]  # pages of 2 walking back: [1, 2], then [0]
        first = content(await client.call_tool("list_vector_stores", {"limit": 1, "order": "asc"}))
        world.store.delete_vector_store(allowed[0])  # the cursor's store is removed meanwhile
        rest, _ = await walk(
            client, "list_vector_stores", {**args, "cursor": first["next_cursor"]}, key="vector_stores"
        )
    # Where the removed store stood comes from the upstream's order, which may break ties in a
    # creation second otherwise than by id: the walk ends and never shows the removed store.
    assert allowed[0] not in rest and set(rest) <= set(allowed[1:])
