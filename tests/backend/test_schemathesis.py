"""Property-based conformance with schemathesis: no 5xx, and 200s match the contract.

Each generated case is sent twice: as generated (random ids, mostly 4xx paths) and with the
path and body ids replaced by a real assistant and file, so the 200 paths are exercised too. Each
operation's test runs its own examples and then checks that they reached both a success and a
failure, so it means the same run alone, in any order, or in parallel.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from mcp_assistant_files.backend import Store, create_app
from tests.contract.schema import contract, validate
from tests.stores import Kind, open_kind

from .conftest import BETA


def operations(app: Any = None, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The operations of ``document`` (default: the v1 contract) by label, served by ``app``."""
    schema = schemathesis.openapi.from_dict(document or contract())
    schema.app = app
    found = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    return {operation.label: operation for operation in found}


LABELS = sorted(operations())


@pytest.fixture
def seeded(kind: Kind) -> Iterator[tuple[Store, str, str]]:
    with open_kind(kind, max_files_per_assistant=0) as store:
        assistant_id = store.create_assistant(name="schemathesis")["id"]
        file_id = store.create_file("real.txt", b"real", "assistants")["id"]
        store.attach(assistant_id, file_id)
        yield store, assistant_id, file_id


def _with_real_ids(case: Any, assistant_id: str, file_id: str) -> Any:
    return case.operation.Case(
        path_parameters={
            key: (assistant_id if key == "assistant_id" else file_id) for key in case.path_parameters or {}
        },
        query={k: v for k, v in (case.query or {}).items() if k not in ("after", "before")},
        headers=case.headers,
        body={"file_id": file_id} if isinstance(case.body, dict) else case.body,
        media_type=case.media_type,
    )


def test_the_contract_has_the_four_operations() -> None:
    assert len(LABELS) == 4, LABELS


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS)
def test_generated_cases_conform_and_reach_success_and_failure(
    label: str, seeded: tuple[Store, str, str]
) -> None:
    store, assistant_id, file_id = seeded
    operation = operations(create_app(store))[label]
    statuses: set[int] = set()

    def check(case: Any) -> None:
        response = case.call_and_validate(
            headers=BETA, checks=[not_a_server_error, response_schema_conformance]
        )
        statuses.add(response.status_code)
        if response.status_code != 200:
            validate("ErrorResponse", response.json())
        assert response.headers["x-request-id"]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        check(case)
        check(_with_real_ids(case, assistant_id, file_id))

    run()
    assert 200 in statuses, f"{label} never succeeded: {sorted(statuses)}"
    assert statuses - {200}, f"{label} never failed: {sorted(statuses)}"
