"""Property-based conformance with schemathesis: no 5xx, and 200s match the contract.

Each generated case is sent twice: as generated (random ids, mostly 4xx paths) and with the
path and body ids replaced by a real assistant and file, so the 200 paths are exercised too.
"""

from __future__ import annotations

import collections
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from mcp_assistant_files.backend import Store, create_app
from tests.contract.schema import contract, validate

from .conftest import BETA

_store = Store.open(":memory:", max_files_per_assistant=0)
_assistant_id = _store.create_assistant(name="schemathesis")["id"]
_file_id = _store.create_file("real.txt", b"real", "assistants")["id"]
_store.attach(_assistant_id, _file_id)

schema = schemathesis.openapi.from_dict(contract())
schema.app = create_app(_store)
_statuses: dict[str, set[int]] = collections.defaultdict(set)


@pytest.fixture(scope="module", autouse=True)
def _close_store() -> Any:
    yield
    _store.close()


def _with_real_ids(case: Any) -> Any:
    return case.operation.Case(
        path_parameters={
            key: (_assistant_id if key == "assistant_id" else _file_id) for key in case.path_parameters or {}
        },
        query={k: v for k, v in (case.query or {}).items() if k not in ("after", "before")},
        headers=case.headers,
        body={"file_id": _file_id} if isinstance(case.body, dict) else case.body,
        media_type=case.media_type,
    )


def _check(case: Any) -> None:
    response = case.call_and_validate(headers=BETA, checks=[not_a_server_error, response_schema_conformance])
    _statuses[case.operation.label].add(response.status_code)
    if response.status_code != 200:
        validate("ErrorResponse", response.json())
    assert response.headers["x-request-id"]


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_app_conforms_to_the_contract(case: Any) -> None:
    _check(case)
    _check(_with_real_ids(case))


@pytest.mark.slow
def test_generated_cases_reached_the_success_paths() -> None:
    if not _statuses:
        pytest.skip("runs after test_app_conforms_to_the_contract in the same session")
    assert len(_statuses) == 4, _statuses
    for label, statuses in _statuses.items():
        assert 200 in statuses, f"{label} never succeeded: {sorted(statuses)}"
        assert statuses - {200}, f"{label} never failed: {sorted(statuses)}"
