"""Every request ``OpenAIClient`` sends to the vector-store and Files APIs agrees with the
OpenAPI excerpt (``vector-store-files.openapi.yaml``; see ``vector_store_operations``).

Requests are recorded at the transport for every method, variant and helper, sync and async,
and each is checked by ``check_request``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import anyio
import httpx2
import jsonschema
import pytest

from mcp_assistant_files import skip_poll_pauses
from tests.client.harness import KINDS, Kind, OpenAIHarness
from tests.client.openai_objects import (
    BATCH_ID,
    FILE_ID,
    VS_ID,
    file_object_json,
    list_json,
    upstream,
    vector_store_json,
    vs_file_json,
)

from .vector_store_operations import OPERATIONS, check_request

# -- every method, variant and helper --------------------------------------------------------------


def walk(h: OpenAIHarness, method: str, *args: Any, **kwargs: Any) -> None:
    h.items(method, *args, **kwargs)


def next_of_raw_page(h: OpenAIHarness, method: str, *args: Any) -> None:
    page = h.raw(method, *args, limit=1)[1]
    if h.kind == "sync":
        page.get_next_page()
    else:
        anyio.run(page.get_next_page)


def paged(request: httpx2.Request) -> httpx2.Response:
    """Listings of two pages (a second after ``after=obj-b`` or ``before=obj-a``); the rest as usual."""
    path = request.url.path
    if request.method == "GET" and (path.endswith("/files") or path in ("/v1/vector_stores", "/v1/files")):
        params = request.url.params
        last = params.get("after") == "obj-b" or params.get("before") == "obj-a"
        ids = ["obj-c", "obj-d"] if last else ["obj-a", "obj-b"]
        make = (
            vector_store_json
            if path == "/v1/vector_stores"
            else file_object_json
            if path == "/v1/files"
            else vs_file_json
        )
        return httpx2.Response(200, json=list_json([make(i) for i in ids], has_more=not last))
    return upstream(request)


Call = Callable[[OpenAIHarness], object]
VS = "vector_stores"
VSF = "vector_stores.files"
VSB = "vector_stores.file_batches"
CALLS: dict[str, Call] = {
    "files.create": lambda h: h.call("files.create", file=("a.txt", b"x"), purpose="assistants"),
    "files.create-expires": lambda h: h.call(
        "files.create", file=b"x", purpose="batch", expires_after={"anchor": "created_at", "seconds": 3600}
    ),
    "files.retrieve": lambda h: h.call("files.retrieve", FILE_ID),
    "files.list": lambda h: h.call(
        "files.list", after="file-x", limit=10000, order="desc", purpose="assistants"
    ),
    "files.list-walk": lambda h: walk(h, "files.list", limit=2, purpose="batch"),
    "files.delete": lambda h: h.call("files.delete", FILE_ID),
    "files.content": lambda h: h.call("files.content", FILE_ID),
    "vs.create": lambda h: h.call(f"{VS}.create"),
    "vs.create-all": lambda h: h.call(
        f"{VS}.create",
        name="kb",
        description="d",
        file_ids=[FILE_ID],
        metadata={"k": "v"},
        expires_after={"anchor": "last_active_at", "days": 7},
        chunking_strategy={
            "type": "static",
            "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100},
        },
    ),
    "vs.retrieve": lambda h: h.call(f"{VS}.retrieve", VS_ID),
    "vs.update": lambda h: h.call(f"{VS}.update", VS_ID, name="n", metadata={"a": "b"}),
    "vs.update-clear": lambda h: h.call(f"{VS}.update", VS_ID, name=None, expires_after=None, metadata=None),
    "vs.list": lambda h: h.call(f"{VS}.list", after="vs_a", before="vs_b", limit=100, order="asc"),
    "vs.list-walk-forwards": lambda h: walk(h, f"{VS}.list", limit=2),
    "vs.list-walk-backwards": lambda h: walk(h, f"{VS}.list", before="obj-z", limit=2),
    "vs.delete": lambda h: h.call(f"{VS}.delete", VS_ID),
    "vsf.create": lambda h: h.call(
        f"{VSF}.create",
        VS_ID,
        file_id=FILE_ID,
        attributes={"a": "b", "n": 1.5, "t": True},
        chunking_strategy={"type": "auto"},
    ),
    "vsf.create-null-attributes": lambda h: h.call(f"{VSF}.create", VS_ID, file_id=FILE_ID, attributes=None),
    "vsf.retrieve": lambda h: h.call(f"{VSF}.retrieve", FILE_ID, vector_store_id=VS_ID),
    "vsf.update": lambda h: h.call(f"{VSF}.update", FILE_ID, vector_store_id=VS_ID, attributes={"k": "v"}),
    "vsf.update-null": lambda h: h.call(f"{VSF}.update", FILE_ID, vector_store_id=VS_ID, attributes=None),
    "vsf.list": lambda h: h.call(
        f"{VSF}.list", VS_ID, after="a", before="b", filter="cancelled", limit=1, order="desc"
    ),
    "vsf.list-walk": lambda h: walk(h, f"{VSF}.list", VS_ID, limit=2, filter="completed"),
    "vsf.list-raw-next-page": lambda h: next_of_raw_page(h, f"{VSF}.list", VS_ID),
    "vsf.delete": lambda h: h.call(f"{VSF}.delete", FILE_ID, vector_store_id=VS_ID),
    "vsf.content": lambda h: h.call(f"{VSF}.content", FILE_ID, vector_store_id=VS_ID),
    "vsf.create_and_poll": lambda h: h.call(f"{VSF}.create_and_poll", FILE_ID, vector_store_id=VS_ID),
    "vsf.poll": lambda h: h.call(f"{VSF}.poll", FILE_ID, vector_store_id=VS_ID, poll_interval_ms=10),
    "vsf.upload": lambda h: h.call(f"{VSF}.upload", vector_store_id=VS_ID, file=b"x"),
    "vsf.upload_and_poll": lambda h: h.call(
        f"{VSF}.upload_and_poll", vector_store_id=VS_ID, file=("a.md", b"# x")
    ),
    "vsb.create": lambda h: h.call(f"{VSB}.create", VS_ID, file_ids=[FILE_ID], attributes={"a": 1}),
    "vsb.create-files": lambda h: h.call(
        f"{VSB}.create",
        VS_ID,
        files=[{"file_id": FILE_ID, "attributes": {"b": True}, "chunking_strategy": {"type": "auto"}}],
    ),
    "vsb.retrieve": lambda h: h.call(f"{VSB}.retrieve", BATCH_ID, vector_store_id=VS_ID),
    "vsb.cancel": lambda h: h.call(f"{VSB}.cancel", BATCH_ID, vector_store_id=VS_ID),
    "vsb.list_files": lambda h: h.call(
        f"{VSB}.list_files", BATCH_ID, vector_store_id=VS_ID, filter="in_progress", limit=5
    ),
    "vsb.list_files-walk": lambda h: walk(
        h, f"{VSB}.list_files", BATCH_ID, vector_store_id=VS_ID, before="obj-z"
    ),
    "vsb.poll": lambda h: h.call(f"{VSB}.poll", BATCH_ID, vector_store_id=VS_ID),
    "vsb.create_and_poll": lambda h: h.call(f"{VSB}.create_and_poll", VS_ID, file_ids=[FILE_ID]),
    "vsb.upload_and_poll": lambda h: h.call(
        f"{VSB}.upload_and_poll", VS_ID, files=[b"1", ("b.txt", b"2")], file_ids=["f"]
    ),
    "raw-vs.create": lambda h: h.raw(f"{VS}.create", name="kb"),
    "raw-vsf.update": lambda h: h.raw(f"{VSF}.update", FILE_ID, vector_store_id=VS_ID, attributes={"k": "v"}),
    "raw-vsb.cancel": lambda h: h.raw(f"{VSB}.cancel", BATCH_ID, vector_store_id=VS_ID),
    "raw-files.create": lambda h: h.raw("files.create", file=b"x", purpose="user_data"),
    "streaming-vs.delete": lambda h: h.streamed(f"{VS}.delete", VS_ID),
    "streaming-vsf.content": lambda h: h.streamed(f"{VSF}.content", FILE_ID, vector_store_id=VS_ID),
    "streaming-vsb.list_files": lambda h: h.streamed(f"{VSB}.list_files", BATCH_ID, vector_store_id=VS_ID),
    "streaming-files.content": lambda h: h.streamed("files.content", FILE_ID),
    "ids-with-reserved-characters": lambda h: h.call(
        f"{VSF}.retrieve", "file/../x?y#z%2F", vector_store_id="vs/1"
    ),
    "extra-query-of-a-declared-parameter": lambda h: h.call(f"{VSF}.list", VS_ID, extra_query={"limit": 3}),
}


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


def run(kind: Kind, call: Call) -> OpenAIHarness:
    h = OpenAIHarness(kind, paged)
    with skip_poll_pauses():
        call(h)
    return h


@pytest.mark.parametrize("variant", list(CALLS))
def test_every_request_the_client_sends_is_declared(kind: Kind, variant: str) -> None:
    h = run(kind, CALLS[variant])
    assert h.requests, "the call sent nothing"
    for request in h.requests:
        check_request(request)


def test_every_operation_is_exercised(kind: Kind) -> None:
    seen = {check_request(r).operation_id for call in CALLS.values() for r in run(kind, call).requests}
    assert seen == {op.operation_id for op in OPERATIONS}


def test_the_walks_send_the_cursor_of_the_page_they_came_from(kind: Kind) -> None:
    h = run(kind, CALLS["vs.list-walk-forwards"])
    h2 = run(kind, CALLS["vs.list-walk-backwards"])
    assert [dict(r.url.params) for r in h.requests + h2.requests] == [
        {"limit": "2"},
        {"limit": "2", "after": "obj-b"},
        {"before": "obj-z", "limit": "2"},
        {"limit": "2", "before": "obj-a"},
    ]


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ({"limit": "ten"}, "limit='ten'"),
        ({"filter": "done"}, "filter='done'"),
        ({"purpose": "x"}, "'purpose'"),
    ],
)
def test_the_checker_catches_undeclared_or_ill_typed_query_parameters(
    query: dict[str, object], bad: str
) -> None:
    h = OpenAIHarness("sync", upstream)
    h.call(f"{VSF}.list", VS_ID, extra_query=query)
    with pytest.raises(AssertionError, match=re.escape(bad)):
        check_request(h.last)


def test_the_checker_catches_a_body_the_contract_forbids() -> None:
    h = OpenAIHarness("sync", upstream)
    h.call(f"{VS}.create", extra_body={"unknown": 1})
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        check_request(h.last)


def test_the_checker_catches_a_form_the_contract_forbids() -> None:
    h = OpenAIHarness("sync", upstream)
    h.call(
        "files.create", file=b"x", purpose="assistants", expires_after={"anchor": "created_at", "seconds": 60}
    )
    with pytest.raises(jsonschema.ValidationError, match="60 is less than the minimum of 3600"):
        check_request(h.last)
