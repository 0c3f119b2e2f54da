"""Every HTTP method of ``OpenAIClient``: headers, extras, ids, raw and streaming, parsing.

What each request carries for given arguments is checked against openai-python's own requests
in ``test_openai_replay``; here every method goes through what all of them share.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from mcp_assistant_files import (
    NOT_GIVEN,
    APIResponse,
    APIResponseValidationError,
    AsyncAPIResponse,
    BinaryResponseContent,
    NotFoundError,
)

from .harness import KINDS, Kind, OpenAIHarness
from .openai_objects import BATCH_ID, FILE_ID, VS_ID, upstream

CALLS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "files.create": ((), {"file": ("a.txt", b"x"), "purpose": "assistants"}),
    "files.retrieve": ((FILE_ID,), {}),
    "files.list": ((), {}),
    "files.delete": ((FILE_ID,), {}),
    "files.content": ((FILE_ID,), {}),
    "vector_stores.create": ((), {"name": "kb"}),
    "vector_stores.retrieve": ((VS_ID,), {}),
    "vector_stores.update": ((VS_ID,), {"name": "kb2"}),
    "vector_stores.list": ((), {}),
    "vector_stores.delete": ((VS_ID,), {}),
    "vector_stores.files.create": ((VS_ID,), {"file_id": FILE_ID}),
    "vector_stores.files.retrieve": ((FILE_ID,), {"vector_store_id": VS_ID}),
    "vector_stores.files.update": ((FILE_ID,), {"vector_store_id": VS_ID, "attributes": {"k": "v"}}),
    "vector_stores.files.list": ((VS_ID,), {}),
    "vector_stores.files.delete": ((FILE_ID,), {"vector_store_id": VS_ID}),
    "vector_stores.files.content": ((FILE_ID,), {"vector_store_id": VS_ID}),
    "vector_stores.file_batches.create": ((VS_ID,), {"file_ids": [FILE_ID]}),
    "vector_stores.file_batches.retrieve": ((BATCH_ID,), {"vector_store_id": VS_ID}),
    "vector_stores.file_batches.cancel": ((BATCH_ID,), {"vector_store_id": VS_ID}),
    "vector_stores.file_batches.list_files": ((BATCH_ID,), {"vector_store_id": VS_ID}),
}
JSON_RESULTS = [m for m in CALLS if m != "files.content"]
#: What each method returns, by class name (pages: the sync name).
RESULTS = {
    "files.create": "FileObject",
    "files.retrieve": "FileObject",
    "files.list": "SyncCursorPage",
    "files.delete": "FileDeleted",
    "files.content": "BinaryResponseContent",
    "vector_stores.create": "VectorStore",
    "vector_stores.retrieve": "VectorStore",
    "vector_stores.update": "VectorStore",
    "vector_stores.list": "SyncCursorPage",
    "vector_stores.delete": "VectorStoreDeleted",
    "vector_stores.files.create": "VectorStoreFile",
    "vector_stores.files.retrieve": "VectorStoreFile",
    "vector_stores.files.update": "VectorStoreFile",
    "vector_stores.files.list": "SyncCursorPage",
    "vector_stores.files.delete": "VectorStoreFileDeleted",
    "vector_stores.files.content": "SyncPage",
    "vector_stores.file_batches.create": "VectorStoreFileBatch",
    "vector_stores.file_batches.retrieve": "VectorStoreFileBatch",
    "vector_stores.file_batches.cancel": "VectorStoreFileBatch",
    "vector_stores.file_batches.list_files": "SyncCursorPage",
}


def result_name(value: object) -> str:
    name = type(value).__name__
    return name.replace("Async", "Sync") if "Page" in name else name


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


def call(h: OpenAIHarness, method: str, **extra: Any) -> Any:
    args, kwargs = CALLS[method]
    return h.call(method, *args, **kwargs, **extra)


@pytest.mark.parametrize("method", list(CALLS))
def test_each_method_returns_its_type(kind: Kind, method: str) -> None:
    h = OpenAIHarness(kind, upstream)
    assert result_name(call(h, method)) == RESULTS[method]
    assert len(h.requests) == 1


@pytest.mark.parametrize("method", list(CALLS))
def test_vector_store_requests_carry_the_v2_beta_header_and_files_requests_none(
    kind: Kind, method: str
) -> None:
    h = OpenAIHarness(kind, upstream)
    call(h, method)
    expected = ["assistants=v2"] if method.startswith("vector_stores.") else []
    assert h.last.headers.get_list("OpenAI-Beta") == expected


@pytest.mark.parametrize("method", list(CALLS))
def test_extra_headers_override_the_beta_header_and_add_their_own(kind: Kind, method: str) -> None:
    h = OpenAIHarness(kind, upstream)
    call(h, method, extra_headers={"openai-beta": "assistants=v9", "X-Trace": "t1"})
    assert h.last.headers.get_list("OpenAI-Beta") == ["assistants=v9"]
    assert h.last.headers["x-trace"] == "t1"


@pytest.mark.parametrize("method", list(CALLS))
def test_extra_query_comes_after_the_named_parameters(kind: Kind, method: str) -> None:
    h = OpenAIHarness(kind, upstream)
    call(h, method, extra_query={"trace": "1"})
    assert list(h.last.url.params.items())[-1] == ("trace", "1")


@pytest.mark.parametrize("method", list(CALLS))
def test_a_per_call_timeout_applies_to_that_request(kind: Kind, method: str) -> None:
    h = OpenAIHarness(kind, upstream)
    call(h, method, timeout=3.5)
    assert h.last.extensions["timeout"] == {"connect": 3.5, "read": 3.5, "write": 3.5, "pool": 3.5}


@pytest.mark.parametrize("method", [m for m in CALLS if m.endswith(("create", "update"))])
def test_extra_body_is_merged_into_the_body(kind: Kind, method: str) -> None:
    h = OpenAIHarness(kind, upstream)
    call(h, method, extra_body={"foo": 1})
    if method == "files.create":
        assert b'name="foo"\r\n\r\n1\r\n' in h.last.content
    else:
        body = json.loads(h.last.content)
        assert list(body)[-1] == "foo" and body["foo"] == 1


@pytest.mark.parametrize(
    "method", ["vector_stores.create", "vector_stores.update", "vector_stores.files.create"]
)
def test_not_given_is_the_same_as_leaving_out(kind: Kind, method: str) -> None:
    h = OpenAIHarness(kind, upstream)
    args, kwargs = CALLS[method]
    names = {
        "vector_stores.create": (
            "chunking_strategy",
            "description",
            "expires_after",
            "file_ids",
            "metadata",
            "name",
        ),
        "vector_stores.update": ("expires_after", "metadata", "name"),
        "vector_stores.files.create": ("attributes", "chunking_strategy"),
    }[method]
    h.call(method, *args, **{**kwargs, **dict.fromkeys(names, NOT_GIVEN)})
    assert json.loads(h.last.content) == ({"file_id": FILE_ID} if "files" in method else {})


@pytest.mark.parametrize("method", JSON_RESULTS)
def test_unknown_fields_of_an_answer_are_kept(kind: Kind, method: str) -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(upstream(request).content)
        body["added_later"] = {"x": 1}
        for item in body.get("data", []):
            item["added_later"] = 2
        return httpx2.Response(200, json=body)

    result = call(OpenAIHarness(kind, answer), method)
    if "Page" in result_name(result):
        assert result.data[0].added_later == 2
    else:
        assert result.added_later == {"x": 1}
        assert result.model_extra == {"added_later": {"x": 1}}


@pytest.mark.parametrize("method", JSON_RESULTS)
def test_an_answer_not_of_the_contracts_shape_is_a_validation_error(kind: Kind, method: str) -> None:
    h = OpenAIHarness(kind, lambda request: httpx2.Response(200, json={"id": 7, "data": "x"}))
    with pytest.raises(APIResponseValidationError, match="not of the contract's shape") as info:
        call(h, method)
    assert info.value.status_code == 200


@pytest.mark.parametrize("method", list(CALLS))
def test_raw_response_gives_the_http_details_and_parses_to_the_plain_result(kind: Kind, method: str) -> None:
    h = OpenAIHarness(kind, upstream)
    args, kwargs = CALLS[method]
    response, parsed = h.raw(method, *args, **kwargs)
    assert isinstance(response, APIResponse if kind == "sync" else AsyncAPIResponse)
    assert (response.status_code, response.request_id) == (200, "req_1")
    assert result_name(parsed) == RESULTS[method]
    assert not any("response-mode" in name for name in h.last.headers)


@pytest.mark.parametrize("method", list(CALLS))
def test_streaming_response_parses_to_the_plain_result(kind: Kind, method: str) -> None:
    h = OpenAIHarness(kind, upstream)
    args, kwargs = CALLS[method]
    response, parsed = h.streamed(method, *args, **kwargs)
    assert result_name(parsed) == RESULTS[method]
    assert response.is_closed


def _id_params() -> list[tuple[str, int | str]]:
    """Each id that goes into a path: the first positional argument, and ``vector_store_id``."""
    found: list[tuple[str, int | str]] = []
    for method, (args, kwargs) in CALLS.items():
        if args:
            found.append((method, 0))
        if "vector_store_id" in kwargs:
            found.append((method, "vector_store_id"))
    return found


def _with_id(method: str, where: int | str, value: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    args, kwargs = CALLS[method]
    if isinstance(where, int):
        return (value, *args[1:]), kwargs
    return args, {**kwargs, where: value}


@pytest.mark.parametrize(("method", "where"), _id_params())
def test_an_id_is_sent_as_one_encoded_path_segment(kind: Kind, method: str, where: int | str) -> None:
    h = OpenAIHarness(kind, upstream)
    args, kwargs = _with_id(method, where, "a/../b?c#d%")
    h.call(method, *args, **kwargs)
    assert b"/a%2F..%2Fb%3Fc%23d%25" in h.last.url.raw_path
    assert b"?" not in h.last.url.raw_path.partition(b"?")[0]


@pytest.mark.parametrize("value", ["", ".", ".."])
@pytest.mark.parametrize(("method", "where"), _id_params())
def test_an_empty_or_dot_id_is_refused_before_any_request(
    kind: Kind, method: str, where: int | str, value: str
) -> None:
    h = OpenAIHarness(kind, upstream)
    args, kwargs = _with_id(method, where, value)
    with pytest.raises(ValueError, match="_id"):
        h.call(method, *args, **kwargs)
    assert h.requests == []


def test_binary_content_is_the_plain_result_of_files_content(kind: Kind) -> None:
    content = call(OpenAIHarness(kind, upstream), "files.content")
    assert isinstance(content, BinaryResponseContent)


def test_one_client_speaks_v1_v2_and_files_over_one_pool(kind: Kind) -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.startswith("/v1/assistants/"):
            return httpx2.Response(
                200,
                json={"id": FILE_ID, "object": "assistant.file", "created_at": 1, "assistant_id": "asst_1"},
            )
        return upstream(request)

    h = OpenAIHarness(kind, answer)
    h.call("beta.assistants.files.retrieve", FILE_ID, assistant_id="asst_1")
    h.call("vector_stores.files.retrieve", FILE_ID, vector_store_id=VS_ID)
    h.call("files.retrieve", FILE_ID)
    assert [r.headers.get("openai-beta") for r in h.requests] == ["assistants=v1", "assistants=v2", None]
    assert h.client.beta.assistants.files._client is h.client.vector_stores.files._client is h.client


def test_status_errors_are_the_same_tree(kind: Kind) -> None:
    h = OpenAIHarness(kind, lambda r: httpx2.Response(404, json={"error": {"message": "No vector store"}}))
    with pytest.raises(NotFoundError, match="No vector store"):
        h.call("vector_stores.retrieve", "vs_missing")
