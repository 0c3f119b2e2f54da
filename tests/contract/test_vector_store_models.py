"""Every model ``OpenAIClient`` parses vector-store and Files answers into agrees with the
response schemas of the OpenAPI excerpt (``vector-store-files.openapi.yaml``), but for the
differences listed here, each openai-python 3.57's own.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pydantic
import pytest

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
from tests.client.openai_objects import (
    FILE_ID,
    VS_ID,
    batch_json,
    content_json,
    file_object_json,
    list_json,
    vector_store_json,
    vs_file_json,
)

from .schema import VECTOR_STORES
from .vector_store_operations import NOT_IN_EXCERPT, OPERATIONS

FileContentPage = PageResponse[FileContentResponse]

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
