"""Every request the client sends, and every model it parses into, agrees with the OpenAPI file.

Requests are recorded at the transport (``tests.client.harness``) for each method and variant,
sync and async, and checked against the contract: a declared path template with one non-empty
segment per path parameter, declared query parameters of the declared type, a JSON body valid
against the operation's request schema, and the v1 headers.
"""

from __future__ import annotations

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

from mcp_assistant_files.client.models import AssistantFile, FileDeleteResponse, ListAssistantFilesResponse
from tests.client.harness import API_KEY, BASE_URL, KINDS, Harness, Kind, file_json, page_json

from .schema import contract, jsonschema_for, request_schema, response_schema, validate

ASSISTANT_ID = "asst_abc123"
FILE_ID = "file-abc123"
BASE_PATH = httpx2.URL(BASE_URL).raw_path.decode("ascii")


# -- the contract's operations --------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One declared operation: its method, path template and parameters."""

    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    path_params: tuple[str, ...]
    query_params: dict[str, dict[str, Any]]
    body_schema: str | None


def _operations() -> list[Operation]:
    found = []
    for template, path_item in contract(corrected=False)["paths"].items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            params = [*path_item.get("parameters", []), *operation.get("parameters", [])]
            path_params = tuple(p["name"] for p in params if p["in"] == "path")
            pattern = re.escape(template)
            for name in path_params:
                pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^/]*)")
            found.append(
                Operation(
                    operation_id=operation["operationId"],
                    method=method.upper(),
                    template=template,
                    pattern=re.compile(pattern + r"\Z"),
                    path_params=path_params,
                    query_params={p["name"]: p["schema"] for p in params if p["in"] == "query"},
                    body_schema=request_schema(operation["operationId"]),
                )
            )
    return found


OPERATIONS = _operations()
OPERATIONS_BY_ID = {op.operation_id: op for op in OPERATIONS}


def _query_value_is_valid(value: str, schema: dict[str, Any]) -> bool:
    if schema.get("type") == "integer":
        if not re.fullmatch(r"-?[0-9]+", value):
            return False
        typed: object = int(value)
    else:
        typed = value
    return "enum" not in schema or typed in schema["enum"]


def check_request(request: httpx2.Request) -> Operation:
    """Assert ``request`` is one the contract declares; return its operation."""
    raw_path = request.url.raw_path.decode("ascii").partition("?")[0]
    assert raw_path.startswith(BASE_PATH + "/"), raw_path
    path = raw_path[len(BASE_PATH) :]
    matches = [op for op in OPERATIONS if op.method == request.method and op.pattern.match(path)]
    assert len(matches) == 1, f"{request.method} {path} matches {[m.operation_id for m in matches]}"
    operation = matches[0]
    match = operation.pattern.match(path)
    assert match is not None
    for name in operation.path_params:
        segment = match.group(name)
        assert segment and unquote(segment), f"empty path parameter {name} in {path}"

    for name, value in parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True):
        assert name in operation.query_params, (
            f"{name!r} is not a query parameter of {operation.operation_id}"
        )
        schema = operation.query_params[name]
        assert _query_value_is_valid(value, schema), f"{name}={value!r} does not match {schema}"

    if operation.body_schema is None:
        assert request.content == b"", f"{operation.operation_id} sent a body it does not declare"
    else:
        assert request.headers["Content-Type"] == "application/json"
        validate(operation.body_schema, json.loads(request.content))

    assert request.headers["OpenAI-Beta"] == "assistants=v1"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    return operation


# -- a mock upstream answering with bodies valid under the contract --------------------------------


def valid_answer(request: httpx2.Request) -> httpx2.Response:
    """A 200 whose body is the operation's response schema; a walk from the first page ends on the second."""
    if request.method == "POST":
        return httpx2.Response(200, json=file_json(json.loads(request.content)["file_id"], ASSISTANT_ID))
    if request.method == "DELETE":
        return httpx2.Response(200, json={"id": FILE_ID, "object": "assistant.file.deleted", "deleted": True})
    if request.url.path.endswith("/files"):
        params = request.url.params
        last = params.get("after") == "file-b" or params.get("before") == "file-a"
        ids = ["file-c", "file-d"] if last else ["file-a", "file-b"]
        return httpx2.Response(200, json=page_json(ids, has_more=not last, assistant_id=ASSISTANT_ID))
    return httpx2.Response(200, json=file_json(FILE_ID, ASSISTANT_ID))


def _streamed(h: Harness, method: str, *args: Any, **kwargs: Any) -> Any:
    fn = getattr(h.client.files.with_streaming_response, method)
    if h.kind == "sync":
        with fn(*args, **kwargs) as response:
            return response.parse()

    async def go() -> Any:
        async with fn(*args, **kwargs) as response:
            return await response.parse()

    return anyio.run(go)


def _walk_pages(h: Harness, **kwargs: Any) -> None:
    page = h.raw("list", ASSISTANT_ID, **kwargs)[1]
    if h.kind == "sync":
        page.get_next_page()
    else:
        anyio.run(page.get_next_page)


Call = Callable[[Harness], object]

CALLS: dict[str, Call] = {
    "create": lambda h: h.call("create", ASSISTANT_ID, file_id=FILE_ID),
    "retrieve": lambda h: h.call("retrieve", FILE_ID, assistant_id=ASSISTANT_ID),
    "delete": lambda h: h.call("delete", FILE_ID, assistant_id=ASSISTANT_ID),
    "list": lambda h: h.call("list", ASSISTANT_ID),
    "list-every-parameter": lambda h: h.call(
        "list", ASSISTANT_ID, after="file-x", before="file-y", limit=100, order="asc"
    ),
    "list-limit-1-desc": lambda h: h.call("list", ASSISTANT_ID, limit=1, order="desc"),
    "list-walk-forwards": lambda h: h.list_ids(ASSISTANT_ID, limit=2, order="asc"),
    "list-walk-backwards": lambda h: h.list_ids(ASSISTANT_ID, before="file-z", limit=2),
    "list-next-page-of-a-raw-page": lambda h: _walk_pages(h, limit=2),
    "raw-create": lambda h: h.raw("create", ASSISTANT_ID, file_id=FILE_ID),
    "raw-retrieve": lambda h: h.raw("retrieve", FILE_ID, assistant_id=ASSISTANT_ID),
    "raw-delete": lambda h: h.raw("delete", FILE_ID, assistant_id=ASSISTANT_ID),
    "raw-list": lambda h: h.raw("list", ASSISTANT_ID, limit=5, order="desc", after="file-x"),
    "streaming-create": lambda h: _streamed(h, "create", ASSISTANT_ID, file_id=FILE_ID),
    "streaming-retrieve": lambda h: _streamed(h, "retrieve", FILE_ID, assistant_id=ASSISTANT_ID),
    "streaming-delete": lambda h: _streamed(h, "delete", FILE_ID, assistant_id=ASSISTANT_ID),
    "streaming-list": lambda h: _streamed(h, "list", ASSISTANT_ID, before="file-y", limit=3, order="asc"),
    "ids-with-reserved-characters": lambda h: h.call("retrieve", "file/../x?y#z%2F", assistant_id="asst/1"),
    "extra-headers": lambda h: h.call(
        "delete", FILE_ID, assistant_id=ASSISTANT_ID, extra_headers={"X-Trace": "1"}
    ),
    "extra-query-of-a-declared-parameter": lambda h: h.call("list", ASSISTANT_ID, extra_query={"limit": 3}),
}

EXPECTED_OPERATIONS = {
    "create": ["createAssistantFile"],
    "retrieve": ["getAssistantFile"],
    "delete": ["deleteAssistantFile"],
    "list-walk-forwards": ["listAssistantFiles", "listAssistantFiles"],
    "list-walk-backwards": ["listAssistantFiles", "listAssistantFiles"],
    "list-next-page-of-a-raw-page": ["listAssistantFiles", "listAssistantFiles"],
}


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> Kind:
    value: Kind = request.param
    return value


@pytest.mark.parametrize("variant", list(CALLS))
def test_every_request_the_client_sends_is_declared_by_the_contract(kind: Kind, variant: str) -> None:
    h = Harness(kind, valid_answer)

    CALLS[variant](h)

    assert h.requests, "the call sent nothing"
    operations = [check_request(request).operation_id for request in h.requests]
    if variant in EXPECTED_OPERATIONS:
        assert operations == EXPECTED_OPERATIONS[variant]


def test_every_contract_operation_is_exercised(kind: Kind) -> None:
    seen: set[str] = set()
    for call in CALLS.values():
        h = Harness(kind, valid_answer)
        call(h)
        seen.update(check_request(request).operation_id for request in h.requests)
    assert seen == {op.operation_id for op in OPERATIONS}


def test_list_sends_every_parameter_with_its_declared_type(kind: Kind) -> None:
    h = Harness(kind, valid_answer)

    CALLS["list-every-parameter"](h)

    assert dict(h.last.url.params) == {"after": "file-x", "before": "file-y", "limit": "100", "order": "asc"}
    assert set(h.last.url.params) == set(OPERATIONS_BY_ID["listAssistantFiles"].query_params)


def test_a_walk_sends_the_cursor_of_the_page_it_came_from(kind: Kind) -> None:
    h = Harness(kind, valid_answer)

    h.list_ids(ASSISTANT_ID, limit=2, order="asc")
    h.list_ids(ASSISTANT_ID, limit=2, before="file-z")

    cursors = [dict(r.url.params) for r in h.requests]
    assert cursors == [
        {"limit": "2", "order": "asc"},
        {"limit": "2", "order": "asc", "after": "file-b"},
        {"limit": "2", "before": "file-z"},
        {"limit": "2", "before": "file-a"},
    ]


def test_extra_body_is_merged_into_the_create_body(kind: Kind) -> None:
    h = Harness(kind, valid_answer)

    h.call("create", ASSISTANT_ID, file_id=FILE_ID, extra_body={"metadata": {"k": "v"}})

    assert h.last_json() == {"file_id": FILE_ID, "metadata": {"k": "v"}}
    # The contract forbids fields it does not declare: extra_body is for upstreams beyond it.
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        validate("CreateAssistantFileRequest", h.last_json())


def test_extra_body_can_override_the_file_id(kind: Kind) -> None:
    h = Harness(kind, valid_answer)

    h.call("create", ASSISTANT_ID, file_id=FILE_ID, extra_body={"file_id": "file-other"})

    assert h.last_json() == {"file_id": "file-other"}
    check_request(h.last)


def test_an_undeclared_query_parameter_is_caught_by_the_checker() -> None:
    h = Harness("sync", valid_answer)

    h.call("list", ASSISTANT_ID, extra_query={"purpose": "assistants"})

    with pytest.raises(AssertionError, match="'purpose' is not a query parameter"):
        check_request(h.last)


@pytest.mark.parametrize(
    ("query", "bad"), [({"limit": "ten"}, "limit='ten'"), ({"order": "sideways"}, "order='sideways'")]
)
def test_an_ill_typed_query_value_is_caught_by_the_checker(query: dict[str, object], bad: str) -> None:
    h = Harness("sync", valid_answer)

    h.call("list", ASSISTANT_ID, extra_query=query)

    with pytest.raises(AssertionError, match=re.escape(bad)):
        check_request(h.last)


# -- models against their schemas -----------------------------------------------------------------

MODEL_SCHEMAS: dict[type[pydantic.BaseModel], str] = {
    AssistantFile: "AssistantFileObject",
    FileDeleteResponse: "DeleteAssistantFileResponse",
    ListAssistantFilesResponse: "ListAssistantFilesResponse",
}
#: Required in the published file but never sent by the API (see tests/contract/schema.py).
BOGUS_REQUIRED = {"ListAssistantFilesResponse": {"items"}}


def _published(schema_name: str) -> dict[str, Any]:
    schema: dict[str, Any] = contract(corrected=False)["components"]["schemas"][schema_name]
    return schema


def test_each_operation_response_schema_has_a_model() -> None:
    schemas = {response_schema(op.operation_id) for op in OPERATIONS}
    assert schemas == set(MODEL_SCHEMAS.values())


@pytest.mark.parametrize(("model", "schema_name"), list(MODEL_SCHEMAS.items()))
def test_model_fields_are_the_schema_properties(model: type[pydantic.BaseModel], schema_name: str) -> None:
    assert set(model.model_fields) == set(_published(schema_name)["properties"])


@pytest.mark.parametrize(("model", "schema_name"), list(MODEL_SCHEMAS.items()))
def test_model_required_fields_are_the_schema_required_ones(
    model: type[pydantic.BaseModel], schema_name: str
) -> None:
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    published = set(_published(schema_name)["required"])
    assert required == published - BOGUS_REQUIRED.get(schema_name, set())
    assert published - required == BOGUS_REQUIRED.get(schema_name, set())


@pytest.mark.parametrize(("model", "schema_name"), list(MODEL_SCHEMAS.items()))
def test_model_enums_are_the_schema_enums(model: type[pydantic.BaseModel], schema_name: str) -> None:
    model_properties = model.model_json_schema()["properties"]
    for name, prop in _published(schema_name)["properties"].items():
        if "enum" in prop:
            assert model_properties[name].get("const") in prop["enum"]
            assert len(prop["enum"]) == 1


@dataclass(frozen=True)
class Example:
    where: str
    schema_name: str
    text: str


def _examples() -> list[Example]:
    document = contract(corrected=False)
    found = [
        Example(f"components.schemas.{name}", name, schema["x-oaiMeta"]["example"])
        for name, schema in document["components"]["schemas"].items()
        if "example" in schema.get("x-oaiMeta", {})
    ]
    for path_item in document["paths"].values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            response = operation.get("x-oaiMeta", {}).get("examples", {}).get("response")
            if response is not None:
                schema_name = response_schema(operation["operationId"])
                assert schema_name is not None
                found.append(Example(operation["operationId"], schema_name, response))
    return found


EXAMPLES = _examples()
SCHEMA_MODELS = {name: model for model, name in MODEL_SCHEMAS.items()}


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def test_every_example_but_the_delete_one_is_valid_json() -> None:
    invalid = {example.where for example in EXAMPLES if _json_or_none(example.text) is None}
    # The published delete example has unquoted keys ({id: "file-abc123", ...}).
    assert invalid == {"deleteAssistantFile"}
    assert {example.schema_name for example in EXAMPLES} == set(MODEL_SCHEMAS.values())


@pytest.mark.parametrize(
    "example", [e for e in EXAMPLES if _json_or_none(e.text) is not None], ids=lambda e: e.where
)
def test_contract_examples_parse_into_their_model_and_dump_back_valid(example: Example) -> None:
    data = json.loads(example.text)
    model = SCHEMA_MODELS[example.schema_name]

    parsed = model.model_validate(data)

    assert parsed.model_dump(mode="json") == data
    validate(example.schema_name, parsed.model_dump(mode="json"))


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (FileDeleteResponse, {"id": "file-abc123", "object": "assistant.file.deleted", "deleted": True}),
        (ListAssistantFilesResponse, page_json([], has_more=False)),
        (ListAssistantFilesResponse, page_json(["file-1", "file-2"], has_more=True)),
        (AssistantFile, file_json()),
    ],
    ids=["delete", "empty-page", "full-page", "file"],
)
def test_parsed_models_dump_to_bodies_valid_under_the_contract(
    model: type[pydantic.BaseModel], data: dict[str, Any]
) -> None:
    parsed = model.model_validate(data)

    validate(MODEL_SCHEMAS[model], parsed.model_dump(mode="json"))


@pytest.mark.parametrize(("model", "schema_name"), list(MODEL_SCHEMAS.items()))
def test_a_body_the_schema_rejects_the_model_rejects_too(
    model: type[pydantic.BaseModel], schema_name: str
) -> None:
    required = sorted(set(_published(schema_name)["required"]) - BOGUS_REQUIRED.get(schema_name, set()))
    valid = {
        AssistantFile: file_json(),
        FileDeleteResponse: {"id": "file-1", "object": "assistant.file.deleted", "deleted": True},
        ListAssistantFilesResponse: page_json(["file-1"], has_more=False),
    }[model]
    validator = jsonschema.Draft202012Validator(jsonschema_for(schema_name))
    for name in required:
        broken = {k: v for k, v in valid.items() if k != name}
        assert not validator.is_valid(broken)
        with pytest.raises(pydantic.ValidationError):
            model.model_validate(broken)
