"""The operations of the vector-store/Files excerpt, and a checker for the requests sent to them.

``check_request`` asserts a recorded request is one the excerpt declares: its operation and path
template with one non-empty segment per path parameter, declared query parameters of the
declared type, a body valid against the request schema (JSON, or the form of ``createFile``),
and the headers (``OpenAI-Beta: assistants=v2`` on every ``/vector_stores`` request, none on
``/files``).

The excerpt leaves out two operations openai-python 3.57 has and we mirror, ``DELETE
/files/{file_id}`` and ``GET /files/{file_id}/content`` (SPEC.md §3.1, §9.10): they are
declared here (``NOT_IN_EXCERPT``) as openai-python sends them (no query, no body; ``Accept:
application/binary`` for the content).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx2

from tests.client.harness import API_KEY, BASE_URL
from tests.client.openai_objects import parse_multipart

from .schema import VECTOR_STORES

__all__ = ["NOT_IN_EXCERPT", "OPERATIONS", "Operation", "check_request"]

BASE_PATH = httpx2.URL(BASE_URL).raw_path.decode("ascii")


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
