"""Every failure is an isError result with one sentence an agent can act on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from mcp import Client

from mcp_assistant_files import AsyncAssistantsClient
from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.service.assistant_files import AssistantFilesTools
from mcp_assistant_files.service.cursors import CursorCodec, Listing
from tests.conftest import Pauses

from .conftest import SECRET, ToolPolicy, World, text_of

pytestmark = pytest.mark.anyio

KEY = "sk-secret-key-never-shown-0123456789"


@asynccontextmanager
async def mocked(
    handler: Callable[[httpx2.Request], httpx2.Response], **kwargs: Any
) -> AsyncIterator[Client]:
    """A server whose upstream is ``handler`` (recorded at the transport)."""
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    client = AsyncAssistantsClient(
        base_url="http://upstream.test/v1", api_key=KEY, http_client=http, **kwargs
    )
    service = AssistantFilesTools(
        client=client, codec=CursorCodec(SECRET), upstream_label="the upstream at http://upstream.test/v1"
    )
    async with Client(build_server(service)) as mcp_client:
        yield mcp_client
    await http.aclose()


def envelope(status: int, message: str, **headers: str) -> httpx2.Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}
    return httpx2.Response(status, json=body, headers=headers)


async def error_text(client: Client, tool: str, args: dict[str, Any]) -> str:
    result = await client.call_tool(tool, args)
    assert result.is_error, result.structured_content
    text = text_of(result)
    assert "Error executing tool" not in text
    assert "Traceback" not in text
    assert KEY not in text
    return text


async def test_unknown_assistant_names_it(world: World, mode: str) -> None:
    async with world.connect(mode) as client:
        text = await error_text(client, "list_assistant_files", {"assistant_id": "asst_missing"})
    assert "Assistant 'asst_missing' was not found" in text
    assert "check assistant_id" in text


async def test_file_not_attached_suggests_listing(world: World) -> None:
    async with world.connect() as client:
        text = await error_text(
            client, "get_assistant_file", {"assistant_id": world.assistant_id, "file_id": "file-missing"}
        )
    assert "File 'file-missing' is not attached" in text
    assert f"call list_assistant_files with assistant_id={world.assistant_id!r}" in text


async def test_detaching_a_file_that_is_not_attached_is_a_success_that_says_so(world: World) -> None:
    async with world.connect() as client:
        result = await client.call_tool(
            "detach_assistant_file", {"assistant_id": world.assistant_id, "file_id": "file-missing"}
        )
    assert not result.is_error
    assert result.structured_content == {
        "id": "file-missing",
        "assistant_id": world.assistant_id,
        "deleted": True,
        "already_detached": True,
        "next_step": f"File file-missing was not attached to assistant {world.assistant_id}: nothing to detach "
        "(the file itself is kept).",
    }


async def test_detaching_from_an_unknown_assistant_is_still_an_error(world: World) -> None:
    async with world.connect() as client:
        text = await error_text(
            client, "detach_assistant_file", {"assistant_id": "asst_nobody", "file_id": "file-missing"}
        )
    assert text.startswith("Assistant 'asst_nobody' was not found")


async def test_attaching_an_unknown_file_says_to_upload_it(world: World) -> None:
    async with world.connect() as client:
        text = await error_text(
            client,
            "attach_assistant_file",
            {"assistant_id": world.assistant_id, "file_id": "file-never-uploaded"},
        )
    assert "File 'file-never-uploaded' was not found" in text
    assert "upload" in text


async def test_attach_is_idempotent_through_the_tool(world: World) -> None:
    file_id = world.new_file()
    async with world.connect() as client:
        args = {"assistant_id": world.assistant_id, "file_id": file_id}
        first = await client.call_tool("attach_assistant_file", args)
        second = await client.call_tool("attach_assistant_file", args)
        listing = await client.call_tool("list_assistant_files", {"assistant_id": world.assistant_id})
    assert first.structured_content == second.structured_content
    assert listing.structured_content is not None
    assert [f["id"] for f in listing.structured_content["files"]] == [file_id]


async def test_a_rejected_key_says_which_variable_to_set() -> None:
    async with mocked(lambda r: envelope(401, f"Incorrect API key provided: {KEY}.")) as client:
        text = await error_text(client, "get_assistant_file", {"assistant_id": "asst_1", "file_id": "file-1"})
    assert "rejected the API key" in text
    assert "OPENAI_API_KEY" in text
    assert "<redacted>" in text


async def test_rate_limited_after_retries_says_when_to_retry(sleeps: Pauses) -> None:
    def limited(request: httpx2.Request) -> httpx2.Response:
        return envelope(429, "Rate limit reached", **{"retry-after": "17"})

    async with mocked(limited) as client:
        text = await error_text(client, "list_assistant_files", {"assistant_id": "asst_1"})
    assert "rate limiting" in text
    assert "after 3 attempts" in text
    assert "try again in 17 seconds" in text
    assert sleeps.delays == [17.0, 17.0]


async def test_an_unreachable_upstream_names_the_base_url() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    async with mocked(refuse, max_retries=0) as client:
        text = await error_text(client, "get_assistant_file", {"assistant_id": "asst_1", "file_id": "file-1"})
    assert "Could not connect to the upstream at http://upstream.test/v1" in text
    assert "--base-url" in text
    assert "OPENAI_BASE_URL" in text


async def test_an_upstream_that_is_not_this_api_says_to_check_the_base_url() -> None:
    async with mocked(lambda r: httpx2.Response(200, text="<html>welcome</html>")) as client:
        text = await error_text(client, "get_assistant_file", {"assistant_id": "asst_1", "file_id": "file-1"})
    assert "check the base URL" in text


async def test_upstream_server_errors_after_retries_say_to_try_later(sleeps: Pauses) -> None:
    async with mocked(lambda r: envelope(503, "overloaded")) as client:
        text = await error_text(client, "list_assistant_files", {"assistant_id": "asst_1"})
    assert "HTTP 503 after 3 attempts" in text
    assert "try again later" in text


async def test_a_bad_request_repeats_the_upstreams_reason(world: World) -> None:
    assert world.upstream.store is not None
    batch = world.upstream.store.create_file("b.jsonl", b"{}", "batch")["id"]
    async with world.connect() as client:
        text = await error_text(
            client, "attach_assistant_file", {"assistant_id": world.assistant_id, "file_id": batch}
        )
    assert "refused to attach" in text
    assert "assistants" in text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"assistant_id": "asst_1", "limit": 0}, "limit must be a whole number from 1 to 100; got 0."),
        ({"assistant_id": "asst_1", "limit": 101}, "from 1 to 100; got 101"),
        ({"assistant_id": "asst_1", "limit": "many"}, "got 'many'"),
        ({"assistant_id": "asst_1", "order": "newest"}, "order must be 'asc' or 'desc'; got 'newest'."),
        ({}, "needs 'assistant_id'"),
        ({"assistant_id": ""}, "assistant_id must be an id"),
        ({"assistant_id": "a/b"}, "assistant_id must be an id"),
        ({"assistant_id": "x" * 65}, "assistant_id must be an id of 1-64"),
        ({"assistant_id": 7}, "assistant_id must be"),
        ({"assistant_id": "asst_1", "cursor": 5}, "cursor must be a next_cursor or previous_cursor exactly"),
        ({"assistant_id": "asst_1", "cursor": "a b"}, "or empty for the first page; got 'a b'."),
        ({"assistant_id": "asst_1", "cursor": "x" * 513}, "up to 512 letters"),
        (
            {"assistant_id": "asst_1", "next_cursor": "abc"},
            "list_assistant_files does not accept 'next_cursor': its arguments are assistant_id, limit, order, "
            "cursor; to page, pass the previous result's next_cursor (or previous_cursor) as `cursor`.",
        ),
        ({"assistant_id": "asst_1", "page": 2, "bogus": 1}, "does not accept 'page', 'bogus'"),
    ],
)
async def test_invalid_arguments_name_the_argument_and_the_allowed_values(
    world: World, mode: str, args: dict[str, Any], fragment: str
) -> None:
    async with world.connect(mode) as client:
        text = await error_text(client, "list_assistant_files", args)
    assert fragment in text


async def test_unknown_arguments_list_the_accepted_ones(world: World) -> None:
    async with world.connect() as client:
        text = await error_text(
            client, "get_assistant_file", {"assistant_id": "asst_1", "file_id": "file-1", "verbose": True}
        )
    assert text == "get_assistant_file does not accept 'verbose': its arguments are assistant_id, file_id."


async def test_an_unexpected_failure_is_a_short_error_not_a_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("kaboom in the internals")

    service = world.service()
    monkeypatch.setattr(service.client.files, "retrieve", explode)
    async with Client(build_server(service)) as client:
        text = await error_text(client, "get_assistant_file", {"assistant_id": "asst_1", "file_id": "file-1"})
    assert "internal error" in text
    assert "kaboom" not in text
    assert "kaboom" in caplog.text


async def test_a_redirecting_upstream_says_to_fix_the_base_url() -> None:
    async with mocked(
        lambda r: httpx2.Response(301, headers={"location": "https://new.test/v1/x"})
    ) as client:
        text = await error_text(client, "get_assistant_file", {"assistant_id": "asst_1", "file_id": "file-1"})
    assert "redirect (redirected to https://new.test/v1/x)" in text
    assert "--base-url" in text


async def test_an_unknown_assistant_whose_id_contains_file_is_still_named_as_the_assistant(
    world: World,
) -> None:
    async with world.connect() as client:
        text = await error_text(
            client, "detach_assistant_file", {"assistant_id": "asst_profile_bot", "file_id": "file-abc"}
        )
    assert text.startswith("Assistant 'asst_profile_bot' was not found")


async def test_a_long_rate_limit_is_reported_at_once_with_when_to_retry(sleeps: Pauses) -> None:
    async with mocked(
        lambda r: envelope(429, "slow down", **{"retry-after": "60"}), total_timeout=45.0
    ) as client:
        text = await error_text(client, "list_assistant_files", {"assistant_id": "asst_1"})
    assert "on the first attempt" in text
    assert "try again in 60 seconds" in text
    assert sleeps.delays == [], "must not wait past the call's budget"


async def test_a_cursor_the_upstream_no_longer_knows_says_to_start_over() -> None:
    def stale(request: httpx2.Request) -> httpx2.Response:
        body = {
            "error": {
                "message": "Invalid 'after': unknown id.",
                "type": "invalid_request_error",
                "param": "after",
                "code": None,
            }
        }
        return httpx2.Response(400, json=body)

    codec = CursorCodec(SECRET)
    cursor = codec.encode(
        Listing.assistant_files("asst_1"), order="desc", direction="after", item_id="file-gone"
    )
    async with mocked(stale) as client:
        text = await error_text(client, "list_assistant_files", {"assistant_id": "asst_1", "cursor": cursor})
    assert "without `cursor` to start over" in text


async def test_a_tool_the_server_does_not_serve_gets_a_sentence_not_unknown_tool(world: World) -> None:
    read_only = build_server(*world.families(policy=ToolPolicy(read_only=True)))
    without_uploads = build_server(*world.families(upload_root=None))
    async with world.upstream.running():
        async with Client(read_only) as client:
            withheld = await client.call_tool(
                "attach_assistant_file", {"assistant_id": "asst_1", "file_id": "f"}
            )
        async with Client(without_uploads) as client:
            upload = await client.call_tool("upload_file", {"path": "a.txt"})
            unknown = await client.call_tool("delete_everything", {})
            huge = await client.call_tool("x" * 5000, {})
    assert withheld.is_error and text_of(withheld) == (
        "attach_assistant_file is not served here (the server was started without it: --read-only, --tools or "
        "--toolsets): call tools/list for the tools you can call."
    )
    assert upload.is_error and text_of(upload) == (
        "upload_file is not served here (it is offered only when the server is started with --upload-root DIR): "
        "call tools/list for the tools you can call."
    )
    assert unknown.is_error and text_of(unknown) == (
        "There is no tool 'delete_everything' on this server: call tools/list for the tools you can call."
    )
    assert huge.is_error and len(text_of(huge)) < 200 and "Unknown tool" not in text_of(huge)
