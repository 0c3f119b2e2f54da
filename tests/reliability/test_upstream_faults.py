"""Upstream faults from a real socket: how often the client tries, how long it waits, what it raises,
and the one sentence the MCP tool gives the agent instead."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from mcp import Client

from mcp_assistant_files import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncOpenAIClient,
    BadRequestError,
    InternalServerError,
    RateLimitError,
)
from mcp_assistant_files.backend import Store
from mcp_assistant_files.backend.testing import serve_in_thread
from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.service.cursors import CursorCodec
from mcp_assistant_files.service.vector_store_files import VectorStoreFilesTools
from tests.conftest import Pauses

from .conftest import (
    API_KEY,
    SECRET,
    assert_backoff,
    assert_one_sentence_error,
    mcp_over,
    text_of,
    transport_via,
    upstream_client,
)
from .faults import (
    CloseAfter,
    Forward,
    Hang,
    MiB,
    Reply,
    ResetAfter,
    Respond,
    Seen,
    Stream,
    fault_server,
    file_json,
    json_reply,
)

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["httpx2", "aiohttp"])
def via(request: pytest.FixtureRequest) -> str:
    """Each fault through httpx2's transport (the client library's) and the server's (aiohttp)."""
    kind: str = request.param
    return kind


ASSISTANT, FILE = "asst_1", "file-1"
OK_BODY = json.dumps(file_json(FILE, ASSISTANT)).encode()
HTML_PAGE = (
    b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1></body>\n</html>\n"
)


def envelope(status: int, message: str, **headers: str) -> Respond:
    return json_reply(
        status,
        {"error": {"message": message, "type": "server_error", "param": None, "code": None}},
        **headers,
    )


def always(reply: Reply) -> Callable[[int, Seen], Reply]:
    return lambda attempt, seen: reply


def partial_head(length: int) -> bytes:
    return f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n".encode()


@dataclass(frozen=True)
class Fault:
    """One scripted upstream behaviour and everything the client and the tool must do about it."""

    reply: Reply
    attempts: int
    error: type[APIError] | None
    delays: str | float  # "backoff", "none", or the exact retry-after value in seconds
    tool_says: tuple[str, ...] = ()
    not_error: tuple[type[APIError], ...] = field(default=())


FAULTS: dict[str, Fault] = {
    "429 with retry-after": Fault(
        envelope(429, "Rate limit reached", **{"retry-after": "2"}), 3, RateLimitError, 2.0,
        ("is rate limiting requests (429 after 3 attempts)", "try again in 2 seconds"),
    ),
    "429 with retry-after-ms": Fault(
        envelope(429, "Rate limit reached", **{"retry-after-ms": "1500"}), 3, RateLimitError, 1.5,
        ("is rate limiting requests (429 after 3 attempts)", "try again in 2 seconds"),
    ),
    "500": Fault(envelope(500, "boom"), 3, InternalServerError, "backoff",
                 ("failed with HTTP 500 after 3 attempts (it said: boom): try again later.",)),
    "502": Fault(envelope(502, "bad gateway"), 3, InternalServerError, "backoff", ("HTTP 502 after 3 attempts",)),
    "503": Fault(envelope(503, "overloaded"), 3, InternalServerError, "backoff", ("HTTP 503 after 3 attempts",)),
    "503 with x-should-retry false": Fault(
        envelope(503, "do not retry", **{"x-should-retry": "false"}), 1, InternalServerError, "none",
        ("HTTP 503 on the first attempt",),
    ),
    "400 with x-should-retry true": Fault(
        envelope(400, "try me again", **{"x-should-retry": "true"}), 3, BadRequestError, "backoff",
        ("refused to get: try me again",),
    ),
    "reset before the response": Fault(
        ResetAfter(), 3, APIConnectionError, "backoff", ("Could not connect to the upstream at", "(after 3 attempts)"),
        not_error=(APITimeoutError,),
    ),
    "reset during the body": Fault(
        ResetAfter(partial_head(len(OK_BODY)) + OK_BODY[:20]), 3, APIConnectionError, "backoff",
        ("Could not connect to the upstream at",), not_error=(APITimeoutError,),
    ),
    "closed during the body": Fault(
        CloseAfter(partial_head(len(OK_BODY)) + OK_BODY[:20]), 3, APIConnectionError, "backoff",
        ("Could not connect to the upstream at",), not_error=(APITimeoutError,),
    ),
    "never answers": Fault(
        Hang(), 3, APITimeoutError, "backoff", ("did not answer in time (after 3 attempts)", "try again later"),
    ),
    "malformed JSON": Fault(
        Respond(200, b'{"id": "file-1", "object": ', {"content-type": "application/json"}), 1,
        APIResponseValidationError, "none", ("is not an assistant-files response", "got application/json that is not JSON", "check the base URL."),
    ),
    "HTML error page": Fault(
        Respond(502, HTML_PAGE, {"content-type": "text/html"}), 3, InternalServerError, "backoff",
        ("failed with HTTP 502 after 3 attempts (it said: <html> <head><title>502 Bad Gateway",),
    ),
    "HTML instead of JSON": Fault(
        Respond(200, HTML_PAGE, {"content-type": "text/html"}), 1, APIResponseValidationError, "none",
        ("got text/html that is not JSON", "check the base URL."),
    ),
    "truncated JSON body": Fault(
        Respond(200, OK_BODY[:-15], {"content-type": "application/json"}), 1, APIResponseValidationError, "none",
        ("is not an assistant-files response",),
    ),
    "extra fields": Fault(
        json_reply(200, file_json(FILE, ASSISTANT, tools=["x"], metadata={"a": 1}, status="ready")), 1, None, "none",
    ),
    "missing fields": Fault(
        json_reply(200, {"id": FILE, "object": "assistant.file", "assistant_id": ASSISTANT}), 1,
        APIResponseValidationError, "none", ("AssistantFile that is not of the contract's shape: created_at: Field required",),
    ),
}  # fmt: skip


def check_delays(fault: Fault, sleeps: Pauses) -> None:
    assert len(sleeps.delays) == fault.attempts - 1
    if fault.delays == "backoff":
        assert_backoff(sleeps.delays)
    elif isinstance(fault.delays, float):
        assert sleeps.delays == [fault.delays] * (fault.attempts - 1)


@pytest.mark.parametrize("name", list(FAULTS))
async def test_client_tries_the_documented_number_of_times_waits_within_bounds_and_raises_the_typed_error(
    name: str, sleeps: Pauses, via: str
) -> None:
    fault = FAULTS[name]
    with fault_server(always(fault.reply)) as server:
        async with upstream_client(server.base_url, via=via, timeout=0.3) as client:
            if fault.error is None:
                found = await client.files.retrieve(FILE, assistant_id=ASSISTANT)
                assert found.id == FILE
            else:
                with pytest.raises(fault.error) as info:
                    await client.files.retrieve(FILE, assistant_id=ASSISTANT)
                assert not isinstance(info.value, fault.not_error)
                assert "Traceback" not in str(info.value)
        assert server.attempts == fault.attempts
        assert {seen.target for seen in server.requests} == {f"/v1/assistants/{ASSISTANT}/files/{FILE}"}
    check_delays(fault, sleeps)


@pytest.mark.parametrize("name", list(FAULTS))
async def test_tool_reports_each_upstream_fault_as_one_actionable_sentence(
    name: str, sleeps: Pauses, via: str
) -> None:
    fault = FAULTS[name]
    with fault_server(always(fault.reply)) as server:
        async with upstream_client(server.base_url, via=via, timeout=0.3) as client, mcp_over(client) as mcp:
            result = await mcp.call_tool("get_assistant_file", {"assistant_id": ASSISTANT, "file_id": FILE})
        assert server.attempts == fault.attempts
    check_delays(fault, sleeps)
    if fault.error is None:
        assert not result.is_error, text_of(result)
        assert result.structured_content is not None
        result.structured_content.pop("next_step")
        assert result.structured_content == {"id": FILE, "assistant_id": ASSISTANT, "created_at": 1699055364}
        return
    text = assert_one_sentence_error(result)
    for fragment in fault.tool_says:
        assert fragment in text
    assert server.base_url in text, "the sentence names the upstream"


@pytest.mark.parametrize("declare_length", [False, True], ids=["chunked", "content-length"])
async def test_a_20_mib_body_is_cut_off_at_the_cap_with_an_error_naming_the_base_url(
    declare_length: bool, sleeps: Pauses, via: str
) -> None:
    with fault_server(always(Stream(20 * MiB, declare_length=declare_length))) as server:
        async with upstream_client(server.base_url, via=via) as client:
            with pytest.raises(APIResponseValidationError) as info:
                await client.files.retrieve(FILE, assistant_id=ASSISTANT)
            assert await server.settle(0) == 0, "the oversized response's connection is closed"
        stopped_at = server.bytes_streamed
        aborted = server.stream_aborted
        assert server.attempts == 1
    assert sleeps.delays == []
    assert server.base_url in info.value.message
    assert "larger than 8388608 bytes" in info.value.message
    assert aborted, "the client hung up before the 20 MiB were sent"
    # What the client read is at most its cap; the rest is what loopback socket buffers held.
    assert stopped_at < 20 * MiB
    if declare_length:
        assert stopped_at < 8 * MiB, "a declared length over the cap is refused before reading"


async def test_the_tool_refuses_a_20_mib_body_and_says_to_check_the_base_url(
    sleeps: Pauses, via: str
) -> None:
    with fault_server(always(Stream(20 * MiB))) as server:
        async with upstream_client(server.base_url, via=via) as client, mcp_over(client) as mcp:
            result = await mcp.call_tool("get_assistant_file", {"assistant_id": ASSISTANT, "file_id": FILE})
        assert server.attempts == 1
    text = assert_one_sentence_error(result)
    assert "larger than 8388608 bytes, far more than any assistant-files answer" in text
    assert server.base_url in text
    assert text.endswith("check the base URL.")


async def test_recovers_when_a_later_attempt_succeeds(sleeps: Pauses, via: str) -> None:
    script: list[Reply] = [ResetAfter(), envelope(503, "busy"), json_reply(200, file_json(FILE, ASSISTANT))]
    with fault_server(lambda attempt, seen: script[attempt]) as server:
        async with upstream_client(server.base_url, via=via) as client, mcp_over(client) as mcp:
            result = await mcp.call_tool("get_assistant_file", {"assistant_id": ASSISTANT, "file_id": FILE})
        assert server.attempts == 3
        assert [seen.headers.get("x-retry-count") for seen in server.requests] == [None, "1", "2"]
    assert not result.is_error, text_of(result)
    assert_backoff(sleeps.delays)
    assert len(sleeps.delays) == 2


async def test_an_attach_committed_upstream_but_answered_with_a_reset_is_retried_into_one_attachment(
    tmp_path: Path, sleeps: Pauses, via: str
) -> None:
    with Store.open(tmp_path / "b.sqlite3", max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant()["id"]
        file_id = store.create_file("a.txt", b"a", "assistants")["id"]
        with serve_in_thread(store) as backend_url:
            origin = backend_url.removesuffix("/v1")

            def commit_then_reset(attempt: int, seen: Seen) -> Reply:
                return Forward(origin, reset=attempt == 0)

            with fault_server(commit_then_reset) as proxy:
                async with (
                    upstream_client(proxy.base_url, via=via, api_key="") as client,
                    mcp_over(client) as mcp,
                ):
                    result = await mcp.call_tool(
                        "attach_assistant_file", {"assistant_id": assistant_id, "file_id": file_id}
                    )
                methods = [seen.method for seen in proxy.requests]
        live = store.get_assistant(assistant_id)["file_ids"]
        page = store.list_attachments(assistant_id, limit=100)
    assert methods == ["POST", "POST"], "the first POST committed, its answer was lost, the retry repeated it"
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert result.structured_content["id"] == file_id
    assert live == [file_id]
    assert [item["id"] for item in page["data"]] == [file_id]
    assert len(sleeps.delays) == 1
    assert_backoff(sleeps.delays)


VECTOR_FAULTS = [name for name, fault in FAULTS.items() if fault.error is not None and "fields" not in name]


@pytest.mark.parametrize("name", VECTOR_FAULTS)
async def test_the_vector_store_tools_report_each_fault_as_one_actionable_sentence(
    name: str, sleeps: Pauses, via: str
) -> None:
    fault = FAULTS[name]
    with fault_server(always(fault.reply)) as server:
        http = httpx2.AsyncClient(transport=transport_via(via))
        openai = AsyncOpenAIClient(base_url=server.base_url, api_key=API_KEY, http_client=http, timeout=0.3)
        tools = VectorStoreFilesTools(
            client=openai, codec=CursorCodec(SECRET), upstream_label=f"the upstream at {openai.base_url}"
        )
        try:
            async with Client(build_server(tools)) as mcp:
                result = await mcp.call_tool(
                    "get_vector_store_file", {"vector_store_id": "vs_1", "file_id": FILE}
                )
        finally:
            await http.aclose()
        assert server.attempts == fault.attempts
        assert {seen.target for seen in server.requests} == {f"/v1/vector_stores/vs_1/files/{FILE}"}
    check_delays(fault, sleeps)
    text = assert_one_sentence_error(result)
    for fragment in fault.tool_says:
        assert fragment.replace("an assistant-files", "a vector-store") in text, text
    assert server.base_url in text, "the sentence names the upstream"
