"""Every request ``OpenAIClient`` sends to the vector-store and Files APIs, and every model it
parses into, agrees with the OpenAPI excerpt (``vector-store-files.openapi.yaml``).

Requests are recorded at the transport for every method, variant and helper, sync and async,
and checked: a declared operation and path template with one non-empty segment per path
parameter, declared query parameters of the declared type, a body valid against the request
schema (JSON, or the form of ``createFile``), and the headers (``OpenAI-Beta: assistants=v2`` on
every ``/vector_stores`` request, none on ``/files``).

The excerpt leaves out two operations openai-python 3.57 has and we mirror, ``DELETE
/files/{file_id}`` and ``GET /files/{file_id}/content`` (SPEC.md §3.1, §9.10): they are
declared below as openai-python sends them (no query, no body; ``Accept: application/binary``
for the content) and their requests checked against that.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

import anyio
import httpx2
import jsonschema
import pydantic
import pytest

from mcp_assistant_files import skip_poll_pauses
from mcp_assistant_files.client.models import (
    FileContentResponse,
    FileDeleted,
    FileObject,
    ListFilesResponse,
    ListVectorStoreFilesResponse,
    ListVectorStoresResponse,
    PageResponse,
    VectorStore,
    VectorStoreDeleted,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileDeleted,
)
from tests.client.harness import API_KEY, BASE_URL, KINDS, Kind, OpenAIHarness
from tests.client.openai_objects import (
    BATCH_ID,
    FILE_ID,
    VS_ID,
    batch_json,
    content_json,
    file_object_json,
    list_json,
    parse_multipart,
    upstream,
    vector_store_json,
    vs_file_json,
)

from .schema import VECTOR_STORES

BASE_PATH = httpx2.URL(BASE_URL).raw_path.decode("ascii")
FileContentPage = PageResponse[FileContentResponse]


@dataclass(frozen=True)
class Operation:
    """One operation: its method, path template, parameters and request body."""

    operation_id: str
    method: str
    pattern: re.Pattern[str]
    path_params: tuple[str, ...]
    query_params: dict[str, dict[str, Any]]
    body_schema: str | None
    form_schema: str | None = None
    accept: str = "application/json"


def _pattern(template: str, path_params: tuple[str, ...]) -> re.Pattern[str]:
    pattern = re.escape(template)
    for name in path_params:
        pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^/]*)")
    return re.compile(pattern + r"\Z")


def _operations() -> list[Operation]:
    found = []
    for template, path_item in VECTOR_STORES.document(corrected=False)["paths"].items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            params = [*path_item.get("parameters", []), *operation.get("parameters", [])]
            path_params = tuple(p["name"] for p in params if p["in"] == "path")
            op_id = operation["operationId"]
            found.append(
                Operation(
                    op_id,
                    method.upper(),
                    _pattern(template, path_params),
                    path_params,
                    {p["name"]: p["schema"] for p in params if p["in"] == "query"},
                    VECTOR_STORES.request_schema(op_id),
                    VECTOR_STORES.request_schema(op_id, "multipart/form-data"),
                )
            )
    return found


#: Not in the excerpt; as openai-python 3.57 sends them (SPEC.md §3.1).
NOT_IN_EXCERPT = [
    Operation("deleteFile", "DELETE", _pattern("/files/{file_id}", ("file_id",)), ("file_id",), {}, None),
    Operation(
        "downloadFile",
        "GET",
        _pattern("/files/{file_id}/content", ("file_id",)),
        ("file_id",),
        {},
        None,
        accept="application/binary",
    ),
]
OPERATIONS = _operations() + NOT_IN_EXCERPT


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = VECTOR_STORES.document()["components"]["schemas"][schema["$ref"].rpartition("/")[2]]
    return schema


def _typed(value: str, schema: dict[str, Any]) -> object:
    return (
        int(value)
        if _resolve(schema).get("type") == "integer" and re.fullmatch(r"-?[0-9]+", value)
        else value
    )


def form_of(request: httpx2.Request, schema_name: str) -> dict[str, Any]:
    """A multipart body as the object its schema describes (``a[b]`` nested, integers typed)."""
    schema = _resolve({"$ref": f"#/{schema_name}"})
    form: dict[str, Any] = {}
    for part in parse_multipart(request):
        if part.filename is not None or part.name == "file":
            form[part.name] = "<binary>"
            continue
        outer, _, inner = part.name.partition("[")
        prop = schema["properties"].get(outer, {})
        if inner:
            form.setdefault(outer, {})[inner.rstrip("]")] = _typed(
                part.data.decode(), _resolve(prop)["properties"][inner.rstrip("]")]
            )
        else:
            form[outer] = _typed(part.data.decode(), prop)
    return form


def _query_value_is_valid(value: str, schema: dict[str, Any]) -> bool:
    typed = _typed(value, schema)
    if schema.get("type") == "integer" and not isinstance(typed, int):
        return False
    return "enum" not in schema or typed in schema["enum"]


def check_request(request: httpx2.Request) -> Operation:
    """Assert ``request`` is one the contract (or openai-python, for the two left out) declares."""
    raw_path = request.url.raw_path.decode("ascii").partition("?")[0]
    assert raw_path.startswith(BASE_PATH + "/"), raw_path
    path = raw_path[len(BASE_PATH) :]
    matches = [op for op in OPERATIONS if op.method == request.method and op.pattern.match(path)]
    assert len(matches) == 1, f"{request.method} {path} matches {[m.operation_id for m in matches]}"
    operation = matches[0]
    match = operation.pattern.match(path)
    assert match is not None
    for name in operation.path_params:
        assert match.group(name) and unquote(match.group(name)), f"empty path parameter {name} in {path}"
    for name, value in parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True):
        assert name in operation.query_params, (
            f"{name!r} is not a query parameter of {operation.operation_id}"
        )
        assert _query_value_is_valid(value, operation.query_params[name]), f"{name}={value!r}"
    if operation.form_schema is not None:
        VECTOR_STORES.validate(
            operation.form_schema, form_of(request, f"components/schemas/{operation.form_schema}")
        )
    elif operation.body_schema is not None:
        assert request.headers["Content-Type"] == "application/json"
        VECTOR_STORES.validate(operation.body_schema, json.loads(request.content))
    else:
        assert request.content == b"", f"{operation.operation_id} sent a body it does not declare"
    beta = "assistants=v2" if path.startswith("/vector_stores") else None
    assert request.headers.get("OpenAI-Beta") == beta
    assert request.headers["Accept"] == operation.accept
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    return operation


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


# -- models against their schemas -----------------------------------------------------------------

MODEL_SCHEMAS: dict[type[pydantic.BaseModel], str] = {
    VectorStore: "VectorStoreObject",
    VectorStoreDeleted: "DeleteVectorStoreResponse",
    VectorStoreFile: "VectorStoreFileObject",
    VectorStoreFileDeleted: "DeleteVectorStoreFileResponse",
    VectorStoreFileBatch: "VectorStoreFileBatchObject",
    FileContentPage: "VectorStoreFileContentResponse",
    FileObject: "OpenAIFile",
    ListVectorStoresResponse: "ListVectorStoresResponse",
    ListVectorStoreFilesResponse: "ListVectorStoreFilesResponse",
    ListFilesResponse: "ListFilesResponse",
}
#: Required by the excerpt, optional in openai-python's models and so in ours: compatible
#: servers leave them out.
OPTIONAL_IN_OURS = {
    "VectorStoreObject": {"last_active_at", "metadata"},
    "VectorStoreFileObject": {"last_error"},
    "VectorStoreFileContentResponse": {"has_more", "next_page"},
}
#: Enum values ours accept beyond the excerpt's (files.create takes `evals`, so the API answers with it).
MORE_VALUES: dict[tuple[str, str], set[str] | None] = {
    ("OpenAIFile", "purpose"): {"evals"},
    # None: any string (a page's `object`, as openai-python's SyncPage, shared by other lists).
    ("VectorStoreFileContentResponse", "object"): None,
}
#: A sample of each schema, as the fake upstream answers.
SAMPLES: dict[str, dict[str, Any]] = {
    "VectorStoreObject": vector_store_json(
        expires_after={"anchor": "last_active_at", "days": 7}, expires_at=None
    ),
    "DeleteVectorStoreResponse": {"id": VS_ID, "object": "vector_store.deleted", "deleted": True},
    "VectorStoreFileObject": vs_file_json(
        last_error={"code": "invalid_file", "message": "bad"},
        attributes={"a": "b", "n": 1.5, "t": True},
        chunking_strategy={
            "type": "static",
            "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
        },
    ),
    "DeleteVectorStoreFileResponse": {"id": FILE_ID, "object": "vector_store.file.deleted", "deleted": True},
    "VectorStoreFileBatchObject": batch_json(),
    "VectorStoreFileContentResponse": content_json(),
    "OpenAIFile": file_object_json(expires_at=1677614202, status_details="ok"),
    "ListVectorStoresResponse": list_json([vector_store_json()], has_more=True),
    "ListVectorStoreFilesResponse": list_json([]),
    "ListFilesResponse": list_json([file_object_json()]),
}


def _published(schema_name: str) -> dict[str, Any]:
    schema: dict[str, Any] = VECTOR_STORES.document(corrected=False)["components"]["schemas"][schema_name]
    return schema


def test_each_operation_response_schema_has_a_model() -> None:
    schemas = {
        VECTOR_STORES.response_schema(op.operation_id) for op in OPERATIONS if op not in NOT_IN_EXCERPT
    }
    assert schemas == set(MODEL_SCHEMAS.values())


@pytest.mark.parametrize(("model", "schema_name"), list(MODEL_SCHEMAS.items()))
def test_model_fields_are_the_schema_properties(model: type[pydantic.BaseModel], schema_name: str) -> None:
    assert set(model.model_fields) == set(_published(schema_name)["properties"])


@pytest.mark.parametrize(("model", "schema_name"), list(MODEL_SCHEMAS.items()))
def test_model_required_fields_are_the_schema_required_ones(
    model: type[pydantic.BaseModel], schema_name: str
) -> None:
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    assert required == set(_published(schema_name)["required"]) - OPTIONAL_IN_OURS.get(schema_name, set())


@pytest.mark.parametrize(("model", "schema_name"), list(MODEL_SCHEMAS.items()))
def test_model_enums_are_the_schema_enums(model: type[pydantic.BaseModel], schema_name: str) -> None:
    ours = model.model_json_schema()["properties"]
    for name, prop in _published(schema_name)["properties"].items():
        if "enum" not in prop:
            continue
        more = MORE_VALUES.get((schema_name, name), set())
        if more is None:
            assert ours[name]["type"] == "string" and "enum" not in ours[name], name
            continue
        assert set(ours[name].get("enum", [ours[name].get("const")])) == set(prop["enum"]) | more, name


@pytest.mark.parametrize(("model", "schema_name"), list(MODEL_SCHEMAS.items()))
def test_a_sample_of_each_schema_parses_and_dumps_back_as_it_came(
    model: type[pydantic.BaseModel], schema_name: str
) -> None:
    sample = SAMPLES[schema_name]
    VECTOR_STORES.validate(schema_name, sample)
    parsed = model.model_validate(sample)
    # Fields left out stay out (null is not valid for all of them).
    assert parsed.model_dump(mode="json", exclude_unset=True) == sample


@pytest.mark.parametrize(("model", "schema_name"), list(MODEL_SCHEMAS.items()))
def test_a_body_missing_a_required_field_is_refused_by_both(
    model: type[pydantic.BaseModel], schema_name: str
) -> None:
    validator = jsonschema.Draft202012Validator(VECTOR_STORES.jsonschema_for(schema_name))
    for name in sorted(set(_published(schema_name)["required"])):
        broken = {k: v for k, v in SAMPLES[schema_name].items() if k != name}
        assert not validator.is_valid(broken), name
        if name in OPTIONAL_IN_OURS.get(schema_name, set()):
            model.model_validate(broken)
        else:
            with pytest.raises(pydantic.ValidationError):
                model.model_validate(broken)


def test_deleting_a_file_answers_as_openai_python_reads_it() -> None:
    # Not in the excerpt: openai-python's FileDeleted, whose object is "file" (the API's DeleteFileResponse).
    assert FileDeleted.model_validate({"id": FILE_ID, "object": "file", "deleted": True}).deleted is True
    with pytest.raises(pydantic.ValidationError):
        FileDeleted.model_validate({"id": FILE_ID, "object": "file.deleted", "deleted": True})


def _examples() -> list[tuple[str, str, Any]]:
    document = VECTOR_STORES.document(corrected=False)
    found = [
        (f"components.schemas.{name}", name, schema["x-oaiMeta"]["example"])
        for name, schema in document["components"]["schemas"].items()
        if "example" in schema.get("x-oaiMeta", {})
    ]
    for path_item in document["paths"].values():
        for operation in path_item.values():
            response = (
                operation.get("x-oaiMeta", {}).get("examples", {}).get("response")
                if isinstance(operation, dict)
                else None
            )
            if response is not None:
                found.append(
                    (
                        operation["operationId"],
                        str(VECTOR_STORES.response_schema(operation["operationId"])),
                        response,
                    )
                )
    return found


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


EXAMPLES = _examples()
SCHEMA_MODELS = {name: model for model, name in MODEL_SCHEMAS.items()}


def test_which_published_examples_are_json() -> None:
    # The others have trailing commas, unquoted keys or `...` (the excerpt's header says so).
    assert {where for where, _, text in EXAMPLES if _json_or_none(text) is not None} == {
        "components.schemas.VectorStoreFileBatchObject",
        "components.schemas.VectorStoreFileObject",
        "components.schemas.VectorStoreObject",
        "listVectorStores",
        "createVectorStore",
        "getVectorStore",
        "modifyVectorStore",
        "listVectorStoreFiles",
        "createVectorStoreFile",
        "getVectorStoreFile",
        "listFilesInVectorStoreBatch",
    }


def ours_schema(schema_name: str) -> jsonschema.Draft202012Validator:
    """The excerpt's schema without requiring the fields openai-python (and we) read as optional."""
    schema = copy.deepcopy(VECTOR_STORES.jsonschema_for(schema_name))
    for name, optional in OPTIONAL_IN_OURS.items():
        component = schema["components"]["schemas"][name]
        component["required"] = [field for field in component["required"] if field not in optional]
    return jsonschema.Draft202012Validator(schema)


def _parses(model: type[pydantic.BaseModel], data: Any) -> bool:
    try:
        model.model_validate(data)
    except pydantic.ValidationError:
        return False
    return True


def test_our_models_accept_a_published_example_exactly_when_its_schema_does() -> None:
    # Most examples lack fields their own schema requires (usage_bytes, status): both refuse them.
    accepted = set()
    for where, schema_name, text in EXAMPLES:
        data = _json_or_none(text)
        if data is None:
            continue
        model = SCHEMA_MODELS[schema_name]
        assert _parses(model, data) == ours_schema(schema_name).is_valid(data), where
        if _parses(model, data):
            accepted.add(where)
            assert model.model_validate(data).model_dump(mode="json", exclude_unset=True) == data
    assert accepted == {
        "components.schemas.VectorStoreFileBatchObject",
        "components.schemas.VectorStoreFileObject",
        "components.schemas.VectorStoreObject",
        "createVectorStoreFile",
    }
