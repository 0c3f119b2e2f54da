"""The wire contracts as JSON Schema: validate responses against the OpenAPI files' schemas.

Two OpenAPI 3.0 files, each OpenAI's, unchanged:

* ``assistant-files-v1.openapi.yaml`` (:data:`V1`, also behind the module-level functions).
  Two known mismatches with what the API actually sent are corrected here (see
  /work/shared/FACTS.md): ``ListAssistantFilesResponse`` requires ``items``, which the API never
  sent (dropped); ``first_id``/``last_id`` are declared strings but were ``null`` on empty
  pages (nullable).
* ``vector-store-files.openapi.yaml`` (:data:`VECTOR_STORES`). Corrected likewise: the list
  responses' ``first_id``/``last_id`` are nullable (an empty page has no first item);
  ``OpenAIFile.purpose`` also allows ``evals`` (``POST /files`` accepts it) and its deprecated
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
    "Contract",
    "contract",
    "jsonschema_for",
    "request_schema",
    "response_schema",
    "validate",
]

_HERE = Path(__file__).parent


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
    if node.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


class Contract:
    """One OpenAPI file, with its known mistakes corrected by ``correct(document)``."""

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
            known = ", ".join(sorted(self._components))
            raise KeyError(f"no schema {schema_name!r} in the contract; known: {known}")
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": f"#/components/schemas/{schema_name}",
            "components": {"schemas": self._components},
        }

    @functools.cache  # noqa: B019 - two module-level instances, kept for the whole run
    def _validator(self, schema_name: str) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(self.jsonschema_for(schema_name))

    def validate(self, schema_name: str, instance: object) -> None:
        """Raise ``jsonschema.ValidationError`` unless ``instance`` matches the named schema."""
        self._validator(schema_name).validate(instance)

    def request_schema(self, operation_id: str) -> str | None:
        """The schema name of ``operation_id``'s JSON request body, or ``None`` if it has none."""
        return self._operation_schema(operation_id, lambda op: op.get("requestBody", {}))

    def response_schema(self, operation_id: str, status: int = 200) -> str | None:
        """The schema name of ``operation_id``'s JSON response for ``status``, or ``None``."""
        return self._operation_schema(operation_id, lambda op: op.get("responses", {}).get(str(status), {}))

    def _operation_schema(self, operation_id: str, pick: Any) -> str | None:
        for path_item in self._raw["paths"].values():
            for operation in path_item.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    ref = pick(operation).get("content", {}).get("application/json", {}).get("schema", {})
                    name = ref.get("$ref", "").rpartition("/")[2]
                    return name or None
        raise KeyError(f"no operation {operation_id!r} in the contract")


def _nullable_ids(schemas: dict[str, Any], listing: str) -> None:
    for name in ("first_id", "last_id"):
        schemas[listing]["properties"][name]["nullable"] = True


def _correct_v1(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    listing = schemas["ListAssistantFilesResponse"]
    listing["required"] = [name for name in listing["required"] if name != "items"]
    _nullable_ids(schemas, "ListAssistantFilesResponse")


def _correct_vector_stores(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for listing in ("ListVectorStoresResponse", "ListVectorStoreFilesResponse", "ListFilesResponse"):
        _nullable_ids(schemas, listing)
    file = schemas["OpenAIFile"]["properties"]
    file["purpose"]["enum"] = [*file["purpose"]["enum"], "evals"]
    file["status_details"]["nullable"] = True


#: The v1 assistant-files contract.
V1 = Contract(_HERE / "assistant-files-v1.openapi.yaml", _correct_v1)
#: The vector-store files contract (vector stores, their files and batches, the Files API).
VECTOR_STORES = Contract(_HERE / "vector-store-files.openapi.yaml", _correct_vector_stores)

#: The OpenAPI file of the v1 assistant-files endpoints.
CONTRACT_PATH = V1.path
contract = V1.document
jsonschema_for = V1.jsonschema_for
validate = V1.validate
request_schema = V1.request_schema
response_schema = V1.response_schema
