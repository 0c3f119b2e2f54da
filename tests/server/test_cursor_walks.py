"""Following cursors: every attachment exactly once, forwards and back, across protocol modes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client

from .conftest import World, text_of

pytestmark = pytest.mark.anyio


async def walk(client: Client, args: dict[str, Any], key: str = "next_cursor") -> list[dict[str, Any]]:
    """Call list_assistant_files, following ``key`` until it is null; the structured pages."""
    pages: list[dict[str, Any]] = []
    cursor: str | None = args.pop("cursor", None)
    for _ in range(1000):  # bounded: a broken cursor must not loop forever
        call = {**args, **({"cursor": cursor} if cursor else {})}
        result = await client.call_tool("list_assistant_files", call)
        assert not result.is_error, text_of(result)
        assert result.structured_content is not None
        pages.append(result.structured_content)
        cursor = result.structured_content.get(key)
        if cursor is None:
            return pages
    raise AssertionError("the walk did not end")


def ids(pages: list[dict[str, Any]]) -> list[str]:
    return [f["id"] for page in pages for f in page["files"]]


@pytest.mark.parametrize("order", ["desc", "asc"])
async def test_following_next_cursor_visits_250_attachments_once_and_back(
    world: World, mode: str, order: str
) -> None:
    seeded = world.seed(250)
    expected = seeded if order == "asc" else seeded[::-1]
    async with world.connect(mode) as client:
        args = {"assistant_id": world.assistant_id, "limit": 20, "order": order}
        forward = await walk(client, dict(args))
        assert ids(forward) == expected
        assert [len(p["files"]) for p in forward] == [20] * 12 + [10]
        assert forward[0].get("previous_cursor") is None
        assert all(p["has_more"] for p in forward[:-1]) and not forward[-1]["has_more"]
        # Walk back from the last page to the first with previous_cursor.
        back = await walk(
            client, {**args, "cursor": forward[-1].get("previous_cursor")}, key="previous_cursor"
        )
        assert ids(back[::-1]) == expected[:240]
        assert len(set(ids(back))) == 240
        assert back[-1]["files"] == forward[0]["files"]


async def test_a_cursor_never_points_at_the_page_it_came_from(world: World, mode: str) -> None:
    world.seed(45)
    async with world.connect(mode) as client:
        args = {"assistant_id": world.assistant_id, "limit": 10}
        pages = await walk(client, dict(args))
        for page in pages:
            for key in ("next_cursor", "previous_cursor"):
                if page.get(key):
                    other = await client.call_tool("list_assistant_files", {**args, "cursor": page[key]})
                    assert other.structured_content is not None
                    assert {f["id"] for f in other.structured_content["files"]}.isdisjoint(
                        f["id"] for f in page["files"]
                    )


async def test_next_cursor_is_absent_exactly_when_nothing_remains(world: World) -> None:
    world.seed(40)
    async with world.connect() as client:
        pages = await walk(client, {"assistant_id": world.assistant_id, "limit": 20})
    assert len(pages) == 2
    assert pages[0].get("next_cursor") is not None
    assert pages[1].get("next_cursor") is None


async def test_an_empty_assistant_has_one_page_and_no_cursors(world: World, mode: str) -> None:
    async with world.connect(mode) as client:
        result = await client.call_tool("list_assistant_files", {"assistant_id": world.assistant_id})
    assert result.structured_content == {
        "assistant_id": world.assistant_id,
        "order": "desc",
        "files": [],
        "has_more": False,
        "next_step": f"Assistant {world.assistant_id} has no attached files: attach one with attach_assistant_file.",
    }
    assert json.loads(text_of(result)) == result.structured_content


# (Blanks are not among them: the schema's pattern refuses whitespace in a cursor.)
@pytest.mark.parametrize("placeholder", ["", "null", "None", "0", "start", "first", "undefined"])
async def test_placeholder_cursors_mean_the_first_page(world: World, placeholder: str) -> None:
    world.seed(5)
    async with world.connect() as client:
        plain = await client.call_tool(
            "list_assistant_files", {"assistant_id": world.assistant_id, "limit": 2}
        )
        odd = await client.call_tool(
            "list_assistant_files", {"assistant_id": world.assistant_id, "limit": 2, "cursor": placeholder}
        )
    assert not odd.is_error, text_of(odd)
    assert odd.structured_content is not None and plain.structured_content is not None
    assert odd.structured_content["files"] == plain.structured_content["files"]


async def test_null_cursor_means_the_first_page(world: World) -> None:
    world.seed(3)
    async with world.connect() as client:
        result = await client.call_tool(
            "list_assistant_files", {"assistant_id": world.assistant_id, "cursor": None}
        )
    assert not result.is_error
    assert result.structured_content is not None and len(result.structured_content["files"]) == 3


async def test_detaching_during_a_walk_never_skips_or_repeats_a_remaining_file(world: World) -> None:
    seeded = world.seed(60)
    async with world.connect() as client:
        args: dict[str, Any] = {"assistant_id": world.assistant_id, "limit": 7, "order": "asc"}
        seen: list[str] = []
        cursor = None
        detached: set[str] = set()
        for _ in range(100):
            result = await client.call_tool(
                "list_assistant_files", {**args, **({"cursor": cursor} if cursor else {})}
            )
            assert result.structured_content is not None
            page = [f["id"] for f in result.structured_content["files"]]
            seen += page
            # Detach the page just seen, including the file the next cursor points at.
            for file_id in page:
                await client.call_tool(
                    "detach_assistant_file", {"assistant_id": world.assistant_id, "file_id": file_id}
                )
                detached.add(file_id)
            cursor = result.structured_content.get("next_cursor")
            if cursor is None:
                break
    assert seen == seeded


async def test_the_text_is_the_json_result_and_next_step_says_how_to_continue(world: World) -> None:
    world.seed(30)
    async with world.connect() as client:
        first = await client.call_tool(
            "list_assistant_files", {"assistant_id": world.assistant_id, "limit": 20}
        )
        assert first.structured_content is not None
        assert json.loads(text_of(first)) == first.structured_content
        assert first.structured_content["next_step"] == (
            f"More files remain: call list_assistant_files with assistant_id={world.assistant_id!r}, "
            "order='desc', limit=20 and cursor set to next_cursor."
        )
        cursor = first.structured_content.get("next_cursor")
        last = await client.call_tool(
            "list_assistant_files", {"assistant_id": world.assistant_id, "limit": 20, "cursor": cursor}
        )
    assert last.structured_content is not None
    assert json.loads(text_of(last)) == last.structured_content
    assert last.structured_content["next_step"] == "That is the end of the list."
    assert len(last.structured_content["files"]) == 10


async def test_an_empty_page_after_a_cursor_keeps_the_way_back(world: World) -> None:
    seeded = world.seed(5)
    async with world.connect() as client:
        args: dict[str, Any] = {"assistant_id": world.assistant_id, "limit": 3, "order": "asc"}
        first = await client.call_tool("list_assistant_files", args)
        assert first.structured_content is not None
        for file_id in seeded[3:]:  # everything past the cursor goes away
            await client.call_tool(
                "detach_assistant_file", {"assistant_id": world.assistant_id, "file_id": file_id}
            )
        empty = await client.call_tool(
            "list_assistant_files", {**args, "cursor": first.structured_content.get("next_cursor")}
        )
        assert empty.structured_content is not None
        assert empty.structured_content["files"] == []
        assert empty.structured_content.get("next_cursor") is None
        assert "No more files" in empty.structured_content["next_step"]
        assert "has no attached files" not in text_of(empty)
        back = await client.call_tool(
            "list_assistant_files", {**args, "cursor": empty.structured_content.get("previous_cursor")}
        )
    assert back.structured_content is not None
    # Back from the cursor's file (seen on the page before): the files preceding it.
    assert [f["id"] for f in back.structured_content["files"]] == seeded[:2]
