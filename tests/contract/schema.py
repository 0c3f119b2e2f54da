"""The wire contracts as JSON Schema: validate requests and responses against the OpenAPI files.

Two OpenAPI 3.0 files, each OpenAI's (excerpted, see each file's header), with the mismatches
between what they say and what the API (and openai-python) actually send corrected here:

``assistant-files-v1.openapi.yaml`` (``V1``; see /work/shared/FACTS.md):

* ``ListAssistantFilesResponse`` requires ``items``, which the API never sent: dropped.
* ``first_id``/``last_id`` are declared strings but were ``null`` on empty pages: nullable.

``vector-store-files.openapi.yaml`` (``VECTOR_STORES``; see its header and NOTES):

* ``first_id``/``last_id`` of the three listings are ``null`` on an empty page: nullable.
* ``UpdateVectorStoreRequest.expires_after`` is ``allOf: [$ref, {nullable: true}]``, which a
  strict 3.0 reading makes not nullable; the source (3.1) means nullable, and openai-python
  sends ``null`` to clear it: nullable.
* ``VectorStoreFileAttributes``' ``x-propertyNames`` (3.1's ``propertyNames``, renamed for 3.0)
  is enforced again: keys of at most 64 characters.
* ``OpenAIFile.purpose`` also allows ``evals`` (``POST /files`` accepts it) and its deprecated
  ``status_details`` may be ``null`` (as OpenAI sends it).

OpenAPI's ``nullable: true`` becomes a ``"null"`` alternative; ``example`` and ``x-*`` keys are
dropped.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import yaml

__all__ = [
    "CONTRACT_PATH",
    "V1",
    "VECTOR_STORES",
    "VECTOR_STORES_PATH",
    "Contract",
    "contract",
    "jsonschema_for",
    "request_schema",
    "response_schema",
    "validate",
]

#: The OpenAPI file of the v1 assistant-files endpoints.
CONTRACT_PATH = Path(__file__).with_name("assistant-files-v1.openapi.yaml")
#: The OpenAPI excerpt of the vector-store and Files endpoints.
VECTOR_STORES_PATH = Path(__file__).with_name("vector-store-files.openapi.yaml")


def _to_jsonschema(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: _to_jsonschema(value)
        for key, value in node.items()
        if key not in ("nullable", "example") and not key.startswith("x-")
    }
    if "x-propertyNames" in node:
        out["propertyNames"] = node["x-propertyNames"]
    if node.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "type" not in out and "enum" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class Contract:
    """One OpenAPI file: its document (corrected), its schemas as JSON Schema, its operations."""

    def __init__(self, path: Path, correct: Callable[[dict[str, Any]], None]) -> None:
        self.path = path
        self._correct = correct

    @functools.cached_property
    def _raw(self) -> dict[str, Any]:
        with self.path.open(encoding="utf-8") as fh:
            loaded: dict[str, Any] = yaml.safe_load(fh)
        return loaded

    def document(self, *, corrected: bool = True) -> dict[str, Any]:
        """A fresh copy of the OpenAPI document, by default with the known mistakes corrected."""
        document = copy.deepcopy(self._raw)
        if corrected:
            self._correct(document)
        return document

    @functools.cached_property
    def _components(self) -> dict[str, Any]:
        converted: dict[str, Any] = _to_jsonschema(self.document()["components"]["schemas"])
        return converted

    def jsonschema_for(self, schema_name: str) -> dict[str, Any]:
        """A standalone JSON Schema (draft 2020-12) for ``components.schemas[schema_name]``."""
        if schema_name not in self._components:
            raise KeyError(
                f"no schema {schema_name!r} in the contract; known: {', '.join(sorted(self._components))}"
            )
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": f"#/components/schemas/{schema_name}",
            "components": {"schemas": self._components},
        }

    @functools.cache  # noqa: B019 - one validator per schema of a module-level contract
    def _validator(self, schema_name: str) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(self.jsonschema_for(schema_name))

    def validate(self, schema_name: str, instance: object) -> None:
        """Raise ``jsonschema.ValidationError`` unless ``instance`` matches the named schema."""
        self._validator(schema_name).validate(instance)

    def request_schema(self, operation_id: str, media_type: str = "application/json") -> str | None:
        """The schema name of ``operation_id``'s request body of ``media_type``, or ``None``."""
        return self._operation_schema(operation_id, lambda op: op.get("requestBody", {}), media_type)

    def response_schema(self, operation_id: str, status: int = 200) -> str | None:
        """The schema name of ``operation_id``'s JSON response for ``status``, or ``None``."""
        return self._operation_schema(
            operation_id, lambda op: op.get("responses", {}).get(str(status), {}), "application/json"
        )

    def _operation_schema(self, operation_id: str, pick: Any, media_type: str) -> str | None:
        for path_item in self._raw["paths"].values():
            for operation in path_item.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    ref = pick(operation).get("content", {}).get(media_type, {}).get("schema", {})
                    name = ref.get("$ref", "").rpartition("/")[2]
                    return name or None
        raise KeyError(f"no operation {operation_id!r} in the contract")


def _correct_v1(document: dict[str, Any]) -> None:
    listing = document["components"]["schemas"]["ListAssistantFilesResponse"]
    listing["required"] = [name for name in listing["required"] if name != "items"]
    for name in ("first_id", "last_id"):
        listing["properties"][name]["nullable"] = True


def _correct_vector_stores(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for listing in ("ListFilesResponse", "ListVectorStoreFilesResponse", "ListVectorStoresResponse"):
        for name in ("first_id", "last_id"):
            schemas[listing]["properties"][name]["nullable"] = True
    file = schemas["OpenAIFile"]["properties"]
    file["purpose"]["enum"] = [*file["purpose"]["enum"], "evals"]
    file["status_details"]["nullable"] = True
    expires_after = schemas["UpdateVectorStoreRequest"]["properties"]["expires_after"]
    expires_after["allOf"] = [part for part in expires_after["allOf"] if "$ref" in part]
    expires_after["nullable"] = True


V1 = Contract(CONTRACT_PATH, _correct_v1)
VECTOR_STORES = Contract(VECTOR_STORES_PATH, _correct_vector_stores)

# The v1 contract's functions, as the v1 tests (and the backend's) use them.
contract = V1.document
jsonschema_for = V1.jsonschema_for
validate = V1.validate
request_schema = V1.request_schema
response_schema = V1.response_schema
