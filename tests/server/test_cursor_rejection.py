"""A cursor that is not this listing's own is refused, with the way to start over."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client

from mcp_assistant_files.service.cursors import CursorCodec

from .conftest import SECRET, World, text_of

pytestmark = pytest.mark.anyio

START_OVER = "without `cursor`"


async def first_cursor(client: Client, assistant_id: str, order: str = "desc") -> str:
    result = await client.call_tool(
        "list_assistant_files", {"assistant_id": assistant_id, "limit": 2, "order": order}
    )
    assert result.structured_content is not None
    cursor: str = result.structured_content.get("next_cursor")
    return cursor


async def refused(client: Client, args: dict[str, Any]) -> str:
    result = await client.call_tool("list_assistant_files", args)
    assert result.is_error, result.structured_content
    text = text_of(result)
    assert "Error executing tool" not in text
    return text


async def test_a_tampered_cursor_is_refused(world: World, mode: str) -> None:
    world.seed(5)
    async with world.connect(mode) as client:
        cursor = await first_cursor(client, world.assistant_id)
        flipped = cursor[:10] + ("A" if cursor[10] != "A" else "B") + cursor[11:]
        text = await refused(client, {"assistant_id": world.assistant_id, "cursor": flipped})
    assert START_OVER in text


async def test_a_truncated_cursor_is_refused(world: World) -> None:
    world.seed(5)
    async with world.connect() as client:
        cursor = await first_cursor(client, world.assistant_id)
        for cut in (1, len(cursor) // 2, len(cursor) - 1):
            assert START_OVER in await refused(
                client, {"assistant_id": world.assistant_id, "cursor": cursor[:cut]}
            )


async def test_another_assistants_cursor_is_refused_as_foreign(world: World) -> None:
    world.seed(5)
    other = world.new_assistant()
    async with world.connect() as client:
        cursor = await first_cursor(client, world.assistant_id)
        text = await refused(client, {"assistant_id": other, "cursor": cursor})
    assert "another assistant" in text
    assert START_OVER in text


async def test_a_cursor_used_with_the_other_order_is_refused(world: World) -> None:
    world.seed(5)
    async with world.connect() as client:
        cursor = await first_cursor(client, world.assistant_id, order="desc")
        text = await refused(client, {"assistant_id": world.assistant_id, "order": "asc", "cursor": cursor})
    assert "desc" in text


async def test_a_cursor_signed_with_another_secret_is_refused(world: World) -> None:
    world.seed(5)
    async with world.connect(codec=CursorCodec(b"another-secret-0123456789abcdef!")) as client:
        cursor = await first_cursor(client, world.assistant_id)
    async with world.connect() as client:
        assert START_OVER in await refused(client, {"assistant_id": world.assistant_id, "cursor": cursor})


async def test_an_expired_cursor_is_refused(world: World) -> None:
    world.seed(5)
    now = [1_800_000_000.0]
    codec = CursorCodec(SECRET, ttl_seconds=60, clock=lambda: now[0])
    async with world.connect(codec=codec) as client:
        cursor = await first_cursor(client, world.assistant_id)
        now[0] += 3600
        text = await refused(client, {"assistant_id": world.assistant_id, "cursor": cursor})
    assert "expired" in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    garbage=st.text(min_size=1, max_size=200).filter(
        lambda s: s.strip().lower() not in {"", "null", "none", "0", "start", "first", "undefined"}
    )
)
async def test_garbage_cursors_are_refused_never_crash(world: World, garbage: str) -> None:
    async with world.connect() as client:
        result = await client.call_tool(
            "list_assistant_files", {"assistant_id": world.assistant_id, "cursor": garbage}
        )
    assert result.is_error
    assert "Error executing tool" not in text_of(result)


async def test_a_list_vector_stores_cursor_is_refused_by_list_assistant_files(world: World) -> None:
    """`vector-stores` is both a valid assistant id and list_vector_stores' scope: the tool tells them apart."""
    for n in range(3):
        world.store.create_vector_store(f"store {n}")
    async with world.connect() as client:
        page = await client.call_tool("list_vector_stores", {"limit": 1})
        assert page.structured_content is not None
        cursor = page.structured_content["next_cursor"]
        text = await refused(client, {"assistant_id": "vector-stores", "cursor": cursor})
        again = await client.call_tool("list_vector_stores", {"limit": 1, "cursor": cursor})
    assert text == (
        "cursor belongs to another assistant's file listing: call list_assistant_files again without "
        "`cursor` to start over for this assistant."
    )
    assert not again.is_error, text_of(again)
