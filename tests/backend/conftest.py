"""Fixtures for the backend tests: an in-process app on a fresh in-memory store."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

import httpx2
import pytest

from mcp_assistant_files.backend import Store, create_app
from tests.contract.schema import response_schema, validate

BASE_URL = "http://backend.test/v1"
BETA = {"OpenAI-Beta": "assistants=v1"}

_OPERATIONS = [
    ("GET", re.compile(r"/v1/assistants/[^/]+/files$"), "listAssistantFiles"),
    ("POST", re.compile(r"/v1/assistants/[^/]+/files$"), "createAssistantFile"),
    ("GET", re.compile(r"/v1/assistants/[^/]+/files/[^/]+$"), "getAssistantFile"),
    ("DELETE", re.compile(r"/v1/assistants/[^/]+/files/[^/]+$"), "deleteAssistantFile"),
]


@pytest.fixture
def store() -> Iterator[Store]:
    """A fresh in-memory store with the default cap."""
    with Store.open(":memory:") as opened:
        yield opened


@pytest.fixture
async def client(store: Store) -> AsyncIterator[httpx2.AsyncClient]:
    """An HTTP client for the app over ``ASGITransport``, sending the v1 beta header."""
    transport = httpx2.ASGITransport(app=create_app(store))
    async with httpx2.AsyncClient(transport=transport, base_url=BASE_URL, headers=BETA) as http:
        yield http


def check_contract(response: httpx2.Response) -> None:
    """Validate a response: errors against ``ErrorResponse``, successes against their operation."""
    if response.is_error:
        validate("ErrorResponse", response.json())
        return
    path = response.request.url.path
    for method, pattern, operation in _OPERATIONS:
        if response.request.method == method and pattern.search(path):
            schema = response_schema(operation)
            assert schema is not None
            validate(schema, response.json())
            return


async def new_assistant(client: httpx2.AsyncClient, name: str = "test") -> str:
    """Create an assistant and return its id."""
    response = await client.post("/assistants", json={"name": name})
    assert response.status_code == 200, response.text
    assistant_id: str = response.json()["id"]
    return assistant_id


async def upload(client: httpx2.AsyncClient, *, purpose: str = "assistants", data: bytes = b"hello") -> str:
    """Upload a file and return its id."""
    response = await client.post("/files", files={"file": ("a.txt", data)}, data={"purpose": purpose})
    assert response.status_code == 200, response.text
    file_id: str = response.json()["id"]
    return file_id
