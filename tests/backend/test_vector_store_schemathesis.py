"""Schemathesis over the vector-store contract: no 5xx, 200s conform, each operation succeeds
and fails. As for v1 (``test_schemathesis``), each generated case is sent as generated and with
real ids (and a valid body), so the success paths are reached too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from mcp_assistant_files.backend import Ingestor, Store, create_app
from mcp_assistant_files.backend.vector_store_validation import FileAttach, FileBatchSpec
from tests.contract.schema import VECTOR_STORES
from tests.stores import Kind, open_kind

from .test_schemathesis import operations

DOCUMENT = VECTOR_STORES.document()
LABELS = sorted(operations(document=DOCUMENT))


@dataclass(frozen=True)
class World:
    """A store holding a vector store with an ingested file and a batch still in progress."""

    store: Store
    vector_store_id: str
    file_id: str
    batch_id: str

    def path(self, name: str) -> str:
        return {"vector_store_id": self.vector_store_id, "file_id": self.file_id, "batch_id": self.batch_id}[
            name
        ]

    def body(self, operation_id: str, generated: Any) -> Any:
        """A valid body for ``operation_id`` (multipart bodies: the generated one, minus expiry)."""
        valid = {
            "createVectorStore": {"name": "real", "file_ids": [self.file_id]},
            "modifyVectorStore": {"name": "renamed", "metadata": {"k": "v"}},
            "createVectorStoreFile": {"file_id": self.file_id, "attributes": {"k": 1}},
            "updateVectorStoreFileAttributes": {"attributes": {"k": True}},
            "createVectorStoreFileBatch": {"file_ids": [self.file_id]},
        }
        if operation_id in valid:
            return valid[operation_id]
        if isinstance(generated, dict):
            return {k: v for k, v in generated.items() if k != "expires_after"}
        return generated


@pytest.fixture
def world(kind: Kind) -> Iterator[World]:
    with open_kind(kind) as store:
        file_id = store.create_file("real.txt", b"real text", "assistants")["id"]
        pending = store.create_file("pending.txt", b"pending", "assistants")["id"]
        vector_store_id = store.create_vector_store("schemathesis", file_ids=[file_id])["id"]
        Ingestor(store).process_pending()
        batch = store.create_file_batch(vector_store_id, FileBatchSpec((FileAttach(pending),)))
        yield World(store, vector_store_id, file_id, batch["id"])


def _with_real_ids(case: Any, world: World) -> Any:
    return case.operation.Case(
        path_parameters={key: world.path(key) for key in case.path_parameters or {}},
        query={k: v for k, v in (case.query or {}).items() if k not in ("after", "before")},
        headers=case.headers,
        body=world.body(case.operation.definition.raw["operationId"], case.body),
        media_type=case.media_type,
    )


def test_the_contract_has_the_eighteen_operations() -> None:
    assert len(LABELS) == 18, LABELS


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS)
def test_generated_cases_conform_and_reach_success_and_failure(label: str, world: World) -> None:
    operation = operations(create_app(world.store), DOCUMENT)[label]
    statuses: set[int] = set()

    def check(case: Any) -> None:
        response = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
        statuses.add(response.status_code)
        if response.status_code != 200:
            VECTOR_STORES.validate("ErrorResponse", response.json())
        assert response.headers["x-request-id"]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        check(case)
        check(_with_real_ids(case, world))

    run()
    assert 200 in statuses, f"{label} never succeeded: {sorted(statuses)}"
    assert statuses - {200}, f"{label} never failed: {sorted(statuses)}"
