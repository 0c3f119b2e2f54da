"""Writes that succeeded upstream are reported as successes, even when only a retry got an answer.

An attach or detach can apply upstream while its answer is lost (a timeout, a dropped
connection); the client retries, and the retry meets the new state: "not attached" for a detach,
"already attached" for an attach. Both tools are annotated idempotent, so both report success,
and say that there was nothing left to do. (Before: the retried detach was reported as
"File ... is not attached".)
"""

from __future__ import annotations

import json

import httpx2
import pytest

from mcp_assistant_files import AsyncAssistantsClient
from tests.conftest import Pauses

from .conftest import API_KEY, assert_one_sentence_error, mcp_over, text_of
from .faults import file_json

pytestmark = pytest.mark.anyio

ASSISTANT, FILE = "asst_1", "file-1"


def envelope(status: int, message: str) -> httpx2.Response:
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": None}
    return httpx2.Response(status, json={"error": error})


class Upstream:
    """Applies each write once; the answer of the first attempt is lost (a read timeout)."""

    def __init__(self, attached: bool) -> None:
        self.attached = attached
        self.requests: list[tuple[str, str | None]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append((request.method, request.headers.get("x-retry-count")))
        first_attempt = request.headers.get("x-retry-count") is None
        if request.method == "DELETE":
            if not self.attached:
                return envelope(404, f"No file found with id '{FILE}' attached to assistant '{ASSISTANT}'.")
            self.attached = False
        elif request.method == "POST":
            if self.attached:
                return envelope(400, f"File '{FILE}' is already attached to assistant '{ASSISTANT}'.")
            self.attached = True
        elif request.method == "GET":
            return (
                httpx2.Response(200, json=file_json(FILE, ASSISTANT))
                if self.attached
                else envelope(404, "nope")
            )
        if first_attempt:
            raise httpx2.ReadTimeout("the answer was lost", request=request)
        return httpx2.Response(
            200,
            json={"id": FILE, "object": "assistant.file.deleted", "deleted": True}
            if request.method == "DELETE"
            else file_json(FILE, ASSISTANT),
        )


def client_for(upstream: Upstream) -> AsyncAssistantsClient:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(upstream))
    return AsyncAssistantsClient(base_url="http://upstream.test/v1", api_key=API_KEY, http_client=http)


async def test_a_detach_whose_answer_was_lost_succeeds_on_the_retry(sleeps: Pauses) -> None:
    upstream = Upstream(attached=True)
    async with mcp_over(client_for(upstream)) as mcp:
        result = await mcp.call_tool("detach_assistant_file", {"assistant_id": ASSISTANT, "file_id": FILE})
    assert not result.is_error, text_of(result)
    assert upstream.requests == [("DELETE", None), ("DELETE", "1")]
    assert result.structured_content is not None
    assert result.structured_content["deleted"] is True
    assert result.structured_content["already_detached"] is True
    assert "was not attached" in result.structured_content["next_step"]
    assert json.loads(text_of(result)) == result.structured_content


async def test_an_attach_whose_answer_was_lost_succeeds_on_the_retry(sleeps: Pauses) -> None:
    upstream = Upstream(attached=False)
    async with mcp_over(client_for(upstream)) as mcp:
        result = await mcp.call_tool("attach_assistant_file", {"assistant_id": ASSISTANT, "file_id": FILE})
    assert not result.is_error, text_of(result)
    assert upstream.requests == [("POST", None), ("POST", "1"), ("GET", None)]
    assert result.structured_content is not None
    assert result.structured_content["id"] == FILE
    assert "was already attached" in result.structured_content["next_step"]


async def test_detaching_a_file_that_was_never_attached_is_a_success_too(sleeps: Pauses) -> None:
    upstream = Upstream(attached=False)
    async with mcp_over(client_for(upstream)) as mcp:
        result = await mcp.call_tool("detach_assistant_file", {"assistant_id": ASSISTANT, "file_id": FILE})
    assert not result.is_error
    assert result.structured_content is not None and result.structured_content["already_detached"] is True
    assert upstream.requests == [("DELETE", None)]


async def test_a_missing_assistant_is_still_an_error_for_both(sleeps: Pauses) -> None:
    def gone(request: httpx2.Request) -> httpx2.Response:
        return envelope(404, "No assistant found with id 'asst_1'.")

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(gone))
    client = AsyncAssistantsClient(base_url="http://upstream.test/v1", api_key=API_KEY, http_client=http)
    async with mcp_over(client) as mcp:
        for tool in ("detach_assistant_file", "attach_assistant_file"):
            result = await mcp.call_tool(tool, {"assistant_id": ASSISTANT, "file_id": FILE})
            assert assert_one_sentence_error(result).startswith("Assistant 'asst_1' was not found")
