"""Hostile arguments through the MCP tools (hypothesis): never a crash, always one clear sentence,
and never a request outside ``/v1/assistants/{id}/files[/{id}]`` (recorded at the transport)."""

from __future__ import annotations

import base64
import functools
import math
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult

from mcp_assistant_files import AsyncAssistantsClient, AsyncOpenAIClient
from mcp_assistant_files.server.registry import build_server
from mcp_assistant_files.service.cursors import CursorCodec, Listing, is_placeholder
from mcp_assistant_files.service.fields import ID_MAX_LENGTH
from mcp_assistant_files.service.files import FilesTools
from mcp_assistant_files.service.vector_store_files import VectorStoreFilesTools

from .conftest import API_KEY, SECRET, assert_one_sentence_error, service_for, text_of
from .faults import file_json, page_json

pytestmark = pytest.mark.anyio

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# One id as sent: the client percent-encodes every reserved character, so ':' arrives as %3A.
SEGMENT = r"[A-Za-z0-9](?:[A-Za-z0-9_.-]|%3A){0,63}"
ALLOWED_PATH = re.compile(
    rf"/v1/(assistants|vector_stores)/{SEGMENT}/files(/{SEGMENT})?|/v1/vector_stores|/v1/files"
)
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
ID_FIELDS = ("assistant_id", "vector_store_id", "file_id")
# Every tool but upload_file (its path is tried in tests/server/test_files_tools.py), with its
# arguments in the order its schema lists them.
TOOLS: dict[str, tuple[str, ...]] = {
    "list_assistant_files": ("assistant_id", "limit", "order", "cursor"),
    "get_assistant_file": ("assistant_id", "file_id"),
    "attach_assistant_file": ("assistant_id", "file_id"),
    "detach_assistant_file": ("assistant_id", "file_id"),
    "list_vector_stores": ("limit", "order", "cursor"),
    "list_vector_store_files": ("vector_store_id", "limit", "order", "filter", "cursor"),
    "get_vector_store_file": ("vector_store_id", "file_id"),
    "attach_vector_store_file": ("vector_store_id", "file_id", "attributes", "wait"),
    "update_vector_store_file_attributes": ("vector_store_id", "file_id", "attributes"),
    "detach_vector_store_file": ("vector_store_id", "file_id"),
    "list_files": ("purpose", "limit", "order", "cursor"),
}
VALID: dict[str, Any] = {
    "assistant_id": "asst_1",
    "vector_store_id": "vs_1",
    "file_id": "file-1",
    "limit": 5,
    "order": "asc",
    "attributes": [{"key": "team", "value": "docs"}],
}


class Recorder:
    """A mock upstream that answers every well-formed request and records each raw path."""

    def __init__(self) -> None:
        self.paths: list[bytes] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.paths.append(request.url.raw_path)
        parts = request.url.path.split("/")
        if parts[2] in ("vector_stores", "files") and parts[1] == "v1":
            return vector_store_answer(request, parts)
        assistant_id = parts[3] if len(parts) > 3 else "asst_1"
        if request.method == "GET" and request.url.path.endswith("/files"):
            return httpx2.Response(
                200, json=page_json(["file-a", "file-b"], has_more=True, assistant_id=assistant_id)
            )
        if request.method == "DELETE":
            return httpx2.Response(
                200, json={"id": parts[-1], "object": "assistant.file.deleted", "deleted": True}
            )
        file_id = parts[-1] if request.method == "GET" else "file-1"
        return httpx2.Response(200, json=file_json(file_id, assistant_id))

    def assert_only_allowed_paths(self) -> None:
        for raw in self.paths:
            path, _, _query = raw.partition(b"?")
            assert ALLOWED_PATH.fullmatch(path.decode("ascii")), raw
            # The only escape an allowed id needs is ':' (%3A); nothing else is ever percent-encoded.
            assert b"%" not in path.replace(b"%3A", b"") and b".." not in path.split(b"/")


def vector_store_answer(request: httpx2.Request, parts: list[str]) -> httpx2.Response:
    """A well-formed answer for the vector-store and Files routes (processed files, at once)."""
    if parts[2] == "files":
        return httpx2.Response(200, json=list_json([upload_json("file-a"), upload_json("file-b")]))
    if len(parts) == 3:
        return httpx2.Response(200, json=list_json([store_json("vs_a"), store_json("vs_b")]))
    store_id = parts[3]
    if request.method == "GET" and len(parts) == 5:
        return httpx2.Response(
            200, json=list_json([vs_file_json("file-a", store_id), vs_file_json("file-b", store_id)])
        )
    if request.method == "DELETE":
        return httpx2.Response(
            200, json={"id": parts[-1], "object": "vector_store.file.deleted", "deleted": True}
        )
    file_id = parts[5] if len(parts) > 5 else "file-1"
    return httpx2.Response(200, json=vs_file_json(file_id, store_id))


def list_json(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "object": "list",
        "data": items,
        "first_id": items[0]["id"],
        "last_id": items[-1]["id"],
        "has_more": True,
    }


def vs_file_json(file_id: str, store_id: str) -> dict[str, Any]:
    return {"id": file_id, "object": "vector_store.file", "usage_bytes": 1, "created_at": 1, "vector_store_id": store_id,
            "status": "completed", "last_error": None}  # fmt: skip


def store_json(store_id: str) -> dict[str, Any]:
    counts = {"in_progress": 0, "completed": 1, "failed": 0, "cancelled": 0, "total": 1}
    return {"id": store_id, "object": "vector_store", "created_at": 1, "name": "s", "usage_bytes": 1,
            "file_counts": counts, "status": "completed", "last_active_at": 1, "metadata": None}  # fmt: skip


def upload_json(file_id: str) -> dict[str, Any]:
    return {"id": file_id, "object": "file", "bytes": 1, "created_at": 1, "filename": "a.txt",
            "purpose": "assistants", "status": "processed"}  # fmt: skip


@functools.cache
def shared_server() -> tuple[MCPServer, Recorder]:
    """One server for every example (building one takes ~50 ms; connecting a client ~5 ms)."""
    recorder = Recorder()
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(recorder))
    settings: dict[str, Any] = {
        "base_url": "http://upstream.test/v1",
        "api_key": API_KEY,
        "http_client": http,
    }
    client, openai = AsyncAssistantsClient(**settings), AsyncOpenAIClient(**settings)
    shared: dict[str, Any] = {
        "codec": CursorCodec(SECRET),
        "upstream_label": "the upstream at http://upstream.test/v1",
    }
    server = build_server(
        service_for(client),
        VectorStoreFilesTools(client=openai, **shared),
        FilesTools(client=openai, **shared),
    )
    return server, recorder


@asynccontextmanager
async def recorded() -> AsyncIterator[tuple[Client, Recorder]]:
    """A fresh MCP session on the shared server, and the upstream requests made during it."""
    server, recorder = shared_server()
    recorder.paths.clear()
    async with Client(server) as mcp:
        yield mcp, recorder
    recorder.assert_only_allowed_paths()


def looks_like_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= ID_MAX_LENGTH and ID_RE.fullmatch(value) is not None


HOSTILE_IDS = st.one_of(
    st.sampled_from(
        [
            "", ".", "..", "../asst_1", "asst_1/..", "a/b", "asst_1/files/file-1", "/", "a?b", "a?limit=100",
            "a#frag", "#", "a%2Fb", "%2F", "%2e%2e", "a\x00b", "\x00", "a\nb", "asst_1\n", "\r\n", "a\tb", " a",
            "a ", "\x7f", "\u202e", "ässt_1", "asst_😀", "\uff41\uff53\uff53\uff54", "x" * 10_000, "/" * 10_000, "a" * 65,
        ]
    ),
    st.text(max_size=80),
    st.text(alphabet="/?#%.\x00\n\\ aA1-_:", max_size=30),
    st.builds(lambda head, sep, tail: head + sep + tail, st.from_regex(ID_RE, fullmatch=True),
              st.sampled_from(["/", "?", "#", "%2F", "/../", "\x00", "\n", "%"]), st.text(max_size=10)),
)  # fmt: skip
WRONG_TYPES = st.one_of(
    st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)  # fmt: skip


async def call(mcp: Client, tool: str, args: dict[str, Any]) -> CallToolResult:
    return await mcp.call_tool(tool, args)


WITH_IDS = [(tool, field) for tool, fields in TOOLS.items() for field in fields if field in ID_FIELDS]


@SETTINGS
@given(tool_and_field=st.sampled_from(WITH_IDS), value=HOSTILE_IDS)
async def test_hostile_ids_are_refused_before_any_request_or_sent_as_one_safe_segment(
    tool_and_field: tuple[str, str], value: str
) -> None:
    tool, field = tool_and_field
    params = TOOLS[tool]
    args = {name: VALID[name] for name in params if name in (*ID_FIELDS, "attributes")} | {field: value}
    async with recorded() as (mcp, recorder):
        result = await call(mcp, tool, args)
    if looks_like_id(value):
        assert not result.is_error, text_of(result)
        assert len(recorder.paths) == 1
    else:
        text = assert_one_sentence_error(result)
        assert text.startswith(f"{field} must be"), text
        assert len(text) < 600, "a 10,000-character id is not echoed in full"
        assert recorder.paths == []


# Everything is drawn by @given, before the async body runs: a draw inside it (``st.data()``) that
# overruns raises hypothesis's StopTest inside anyio's runner task, which fails the test at random.
@SETTINGS
@given(tool_and_field=st.sampled_from([(tool, field) for tool, fields in TOOLS.items() for field in fields]),
       value=WRONG_TYPES)  # fmt: skip
async def test_arguments_of_the_wrong_type_are_refused_with_the_arguments_name(
    tool_and_field: tuple[str, str], value: object
) -> None:
    tool, field = tool_and_field
    params = TOOLS[tool]
    args = {name: VALID[name] for name in params if name in VALID} | {field: value}
    async with recorded() as (mcp, recorder):
        result = await call(mcp, tool, args)
    if result.is_error:
        text = assert_one_sentence_error(result)
        assert field in text
        assert recorder.paths == []
        return
    # Nothing is coerced (5.0, "10", true): what passes is what the schema allows, and a null
    # optional argument (NaN and infinities travel as null in JSON) means "leave it out".
    left_out = value is None or (isinstance(value, float) and not math.isfinite(value))
    if field == "attributes":  # an empty list of pairs: no attributes; null leaves an attach's out
        assert value == [] or (left_out and tool == "attach_vector_store_file"), value
    elif field in ("cursor", "filter", "purpose"):
        assert left_out, value
    elif field == "wait":
        assert isinstance(value, bool), value
    else:
        assert field == "limit" and type(value) is int and 1 <= value <= 100, (field, value)
        assert f"limit={value}".encode() in recorder.paths[0]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("10", "'10'"),
        (5.0, "5.0"),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        ("5", "'5'"),
        (1e2, "100.0"),
    ],
)
async def test_a_limit_that_is_not_a_json_integer_is_refused_not_coerced(value: object, shown: str) -> None:
    async with recorded() as (mcp, recorder):
        result = await call(mcp, "list_assistant_files", {"assistant_id": "asst_1", "limit": value})
    text = assert_one_sentence_error(result)
    assert text == f"limit must be a whole number from 1 to 100; got {shown}."
    assert recorder.paths == []


@pytest.mark.parametrize("value", [1, "1", 1.5, True, ["file-1"], {"id": "file-1"}])
async def test_ids_are_strings_and_nothing_else(value: object) -> None:
    async with recorded() as (mcp, recorder):
        result = await call(mcp, "get_assistant_file", {"assistant_id": "asst_1", "file_id": value})
    if isinstance(value, str):
        assert not result.is_error, text_of(result)
    else:
        assert "file_id must be" in assert_one_sentence_error(result)
        assert recorder.paths == []


@SETTINGS
@given(
    limit=st.one_of(st.integers(max_value=0), st.integers(min_value=101), st.sampled_from([2**70, -(2**70)]))
)
async def test_out_of_range_limits_name_the_range(limit: int) -> None:
    async with recorded() as (mcp, recorder):
        result = await call(mcp, "list_assistant_files", {"assistant_id": "asst_1", "limit": limit})
    text = assert_one_sentence_error(result)
    assert text.startswith("limit must be a whole number from 1 to 100; got")
    assert recorder.paths == []


@SETTINGS
@given(
    tool=st.sampled_from(list(TOOLS)),
    extra=st.dictionaries(
        st.text(min_size=1, max_size=40).filter(lambda k: k not in VALID and k != "cursor"),
        st.one_of(st.none(), st.integers(), st.text(max_size=20)),
        min_size=1,
        max_size=3,
    ),
)
async def test_unknown_arguments_are_refused_naming_the_accepted_ones(
    tool: str, extra: dict[str, Any]
) -> None:
    args = {name: VALID[name] for name in TOOLS[tool] if name in VALID} | extra
    async with recorded() as (mcp, recorder):
        result = await call(mcp, tool, args)
    text = assert_one_sentence_error(result)
    assert f"{tool} does not accept" in text
    assert f"its arguments are {', '.join(TOOLS[tool])}." in text
    assert recorder.paths == []


# -- cursors ----------------------------------------------------------------------------------


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64(cursor: str) -> bytes:
    return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))


async def issued_cursor(mcp: Client, assistant_id: str = "asst_1") -> str:
    first = await call(
        mcp, "list_assistant_files", {"assistant_id": assistant_id, "limit": 2, "order": "asc"}
    )
    assert first.structured_content is not None
    cursor = first.structured_content.get("next_cursor")
    assert isinstance(cursor, str)
    return cursor


async def assert_cursor_refused(
    mcp: Client, recorder: Recorder, cursor: str, assistant_id: str = "asst_1"
) -> str:
    before = len(recorder.paths)
    result = await call(
        mcp,
        "list_assistant_files",
        {"assistant_id": assistant_id, "limit": 2, "order": "asc", "cursor": cursor},
    )
    text = assert_one_sentence_error(result)
    assert "cursor" in text
    assert len(recorder.paths) == before, "a refused cursor never reaches the upstream"
    return text


@SETTINGS
@given(data=st.data())
async def test_a_cursor_with_any_bit_flipped_is_refused(data: st.DataObject) -> None:
    async with recorded() as (mcp, recorder):
        cursor = await issued_cursor(mcp)
        raw = bytearray(unb64(cursor))
        index = data.draw(st.integers(0, len(raw) - 1), label="byte")
        raw[index] ^= 1 << data.draw(st.integers(0, 7), label="bit")
        text = await assert_cursor_refused(mcp, recorder, b64(bytes(raw)))
    assert "invalid cursor" in text


@SETTINGS
@given(data=st.data())
async def test_a_truncated_cursor_is_refused(data: st.DataObject) -> None:
    async with recorded() as (mcp, recorder):
        cursor = await issued_cursor(mcp)
        cut = data.draw(st.integers(1, len(cursor) - 1))
        await assert_cursor_refused(mcp, recorder, cursor[:cut])


@SETTINGS
@given(other=st.from_regex(ID_RE, fullmatch=True).filter(lambda s: len(s) <= ID_MAX_LENGTH and s != "asst_1"))
async def test_another_assistants_cursor_is_refused(other: str) -> None:
    async with recorded() as (mcp, recorder):
        cursor = await issued_cursor(mcp, "asst_1")
        text = await assert_cursor_refused(mcp, recorder, cursor, assistant_id=other)
    assert "belongs to another assistant" in text


@SETTINGS
@given(
    secret=st.binary(min_size=16, max_size=64).filter(lambda s: s != SECRET),
    file_id=st.from_regex(ID_RE, fullmatch=True).filter(lambda s: len(s) <= 40),
    direction=st.sampled_from(["after", "before"]),
)
async def test_a_cursor_signed_with_another_secret_is_refused(
    secret: bytes, file_id: str, direction: Literal["after", "before"]
) -> None:
    forged = CursorCodec(secret).encode(
        Listing.assistant_files("asst_1"), order="asc", direction=direction, item_id=file_id
    )
    async with recorded() as (mcp, recorder):
        text = await assert_cursor_refused(mcp, recorder, forged)
    assert "invalid cursor" in text


@SETTINGS
@given(age=st.integers(min_value=24 * 3600 + 1, max_value=10 * 365 * 24 * 3600))
async def test_an_expired_cursor_is_refused(age: int) -> None:
    issued = time.time() - age
    old = CursorCodec(SECRET, clock=lambda: issued).encode(
        Listing.assistant_files("asst_1"), order="asc", direction="after", item_id="file-b"
    )
    async with recorded() as (mcp, recorder):
        text = await assert_cursor_refused(mcp, recorder, old)
    assert "cursor expired" in text


@SETTINGS
@given(cursor=st.one_of(st.text(max_size=600), st.from_regex(r"[A-Za-z0-9_-]{1,160}", fullmatch=True)))
async def test_arbitrary_cursor_strings_are_refused_unless_they_mean_no_cursor(cursor: str) -> None:
    async with recorded() as (mcp, recorder):
        result = await call(
            mcp, "list_assistant_files", {"assistant_id": "asst_1", "order": "asc", "cursor": cursor}
        )
    if is_placeholder(cursor) and cursor == cursor.strip():  # the schema's pattern admits no blanks
        assert not result.is_error, text_of(result)
        assert b"after=" not in recorder.paths[0] and b"before=" not in recorder.paths[0]
    else:
        assert "cursor" in assert_one_sentence_error(result)
        assert recorder.paths == []
